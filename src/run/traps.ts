// Turning what V8 throws out of a guest into a typed GuestTrap with the wasm stack.
import { GuestTrap, type TrapKind, type WasmFrame } from './errors.js';

const KINDS: [RegExp, TrapKind][] = [
  [/unreachable/i, 'unreachable'],
  [/memory access out of bounds|out of bounds memory access/i, 'out_of_bounds'],
  [/divide by zero|remainder by zero|division by zero/i, 'divide_by_zero'],
  [/integer overflow|divide result unrepresentable/i, 'integer_overflow'],
  [/float unrepresentable|invalid conversion/i, 'invalid_conversion'],
  [/signature mismatch|null function|table index is out of bounds|indirect call/i, 'indirect_call'],
  [/call stack size exceeded/i, 'stack_overflow'],
];

/** Is this something the guest's own code raised (as opposed to a host bug)? */
export function isWasmTrap(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /call stack size exceeded/i.test(e.message));
}

export function trapFromError(e: unknown): GuestTrap {
  const err = e instanceof Error ? e : new Error(String(e));
  let kind: TrapKind = 'other';
  if (isWasmTrap(err)) {
    for (const [re, k] of KINDS) if (re.test(err.message)) { kind = k; break; }
  } else {
    kind = 'host_function';
  }
  return new GuestTrap(kind, err.message, wasmFrames(err.stack ?? ''), { cause: err });
}

// "    at name (wasm://wasm/0badf00d:wasm-function[12]:0x1a2b)" or "    at wasm://wasm/...".
const FRAME = /^\s*at (?:(.*?) \()?wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:0x([0-9a-f]+)\)?\s*$/;

export function wasmFrames(stack: string): WasmFrame[] {
  const frames: WasmFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const index = Number(m[2]);
    const name = m[1] ?? `wasm-function[${index}]`;
    frames.push({ name, index, offset: parseInt(m[3]!, 16) });
  }
  return frames;
}
