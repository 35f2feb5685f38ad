// A tiny cycle simulator for the gate-level netlists Yosys writes with `write_json` after
// `synth`: it lets a test check what the synthesized circuit *does*, independent of the
// internal cell names Yosys picks.

export type Bit = number | '0' | '1' | 'x' | 'z';

export interface JsonCell {
  type: string;
  connections: Record<string, Bit[]>;
}

export interface JsonModule {
  ports: Record<string, { direction: 'input' | 'output' | 'inout'; bits: Bit[] }>;
  cells: Record<string, JsonCell>;
}

const COMB: Record<string, (p: Record<string, boolean>) => boolean> = {
  $_BUF_: (p) => p.A!,
  $_NOT_: (p) => !p.A,
  $_AND_: (p) => p.A! && p.B!,
  $_OR_: (p) => p.A! || p.B!,
  $_XOR_: (p) => p.A! !== p.B!,
  $_XNOR_: (p) => p.A! === p.B!,
  $_NAND_: (p) => !(p.A! && p.B!),
  $_NOR_: (p) => !(p.A! || p.B!),
  $_ANDNOT_: (p) => p.A! && !p.B!,
  $_ORNOT_: (p) => p.A! || !p.B!,
  $_MUX_: (p) => (p.S! ? p.B! : p.A!),
};

/** Flip-flops clocked on the rising edge: next-state function of their inputs and Q. */
const SEQ: Record<string, (p: Record<string, boolean>) => boolean> = {
  $_DFF_P_: (p) => p.D!,
  $_SDFF_PP0_: (p) => (p.R! ? false : p.D!),
  $_SDFF_PP1_: (p) => (p.R! ? true : p.D!),
  $_SDFF_PN0_: (p) => (!p.R! ? false : p.D!),
  $_SDFFE_PP0P_: (p) => (p.R! ? false : p.E! ? p.D! : p.Q!),
  $_DFFE_PP_: (p) => (p.E! ? p.D! : p.Q!),
};

export class NetlistSim {
  private readonly nets = new Map<number, boolean>();
  private readonly comb: JsonCell[] = [];
  private readonly seq: JsonCell[] = [];

  constructor(private readonly mod: JsonModule) {
    for (const cell of Object.values(mod.cells)) {
      if (cell.type in COMB) this.comb.push(cell);
      else if (cell.type in SEQ) this.seq.push(cell);
      else throw new Error(`cell type ${cell.type} not supported by the simulator`);
    }
  }

  private bit(b: Bit): boolean {
    if (b === '1') return true;
    if (b === '0' || b === 'x' || b === 'z') return false;
    return this.nets.get(b) ?? false;
  }

  private pins(cell: JsonCell): Record<string, boolean> {
    const p: Record<string, boolean> = {};
    for (const [pin, bits] of Object.entries(cell.connections)) p[pin] = this.bit(bits[0]!);
    return p;
  }

  /** Drive an input port (LSB first) and let the combinational logic settle. */
  set(port: string, value: number): void {
    this.mod.ports[port]!.bits.forEach((b, i) => {
      if (typeof b === 'number') this.nets.set(b, ((value >> i) & 1) === 1);
    });
    this.settle();
  }

  get(port: string): number {
    return this.mod.ports[port]!.bits.reduce<number>((acc, b, i) => acc | (this.bit(b) ? 1 << i : 0), 0);
  }

  /** One rising clock edge: every flip-flop samples at once, then the logic settles. */
  tick(): void {
    const next = this.seq.map((cell) => SEQ[cell.type]!(this.pins(cell)));
    this.seq.forEach((cell, i) => this.nets.set(cell.connections.Q![0] as number, next[i]!));
    this.settle();
  }

  private settle(): void {
    // Plain fixed-point iteration: these netlists are tiny and acyclic between flip-flops.
    for (let round = 0; round <= this.comb.length; round++) {
      let changed = false;
      for (const cell of this.comb) {
        const out = cell.connections.Y![0] as number;
        const v = COMB[cell.type]!(this.pins(cell));
        if (this.nets.get(out) !== v) { this.nets.set(out, v); changed = true; }
      }
      if (!changed) return;
    }
    throw new Error('combinational logic did not settle');
  }
}
