// Shared setup for running YoWASP's Yosys (a plain preview 1 command module) under Warden.

import { readFileSync } from 'node:fs';
import { packageFile } from './packages.js';

export const yosysWasmPath = (): string => packageFile('@yowasp/yosys', './yosys.core.wasm');

export const yosysWasm = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(yosysWasmPath()));

/** A 4-bit counter with synchronous reset. */
export const COUNTER_V = `module counter(input clk, input rst, output reg [3:0] q);
  always @(posedge clk)
    if (rst) q <= 4'd0;
    else q <= q + 4'd1;
endmodule
`;

/** Yosys arguments: synthesize /work/counter.v to a generic gate netlist in /work/counter.json. */
export const SYNTH_ARGS = [
  'yosys',
  '-p',
  'read_verilog /work/counter.v; synth -top counter; write_json /work/counter.json',
];
