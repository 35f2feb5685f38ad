// Metering one function body. See fuel.ts for where regions start and why.
//
// Two code shapes. A function with loops keeps the fuel in a local: it loads the
// global on entry and after each call, stores it back before each call and before every way
// out (return, a branch to the function's own label, the final end), and a loop iteration
// costs a register subtract and a compare instead of a load-modify-store through memory (the
// store-to-load latency on the loop-carried global is what made tight loops 1.5x slower).
// Functions without loops charge the global directly (caching it would only add a store before
// and a load after each call), and so do functions with exception handling, since a handler can
// be entered from deep inside a callee whose charges the local would not have seen.
import { Reader, Writer } from './bytes.js';
import { RewriteError } from './errors.js';
import { OP, readInstruction } from './instructions.js';
import { skipValType } from './types.js';

interface Meter { cost: number }
type Insert = { at: number; meter: Meter } | { at: number; sync: true } | { at: number; reload: true };
interface Frame { restore: Meter | null }

const CALLS = new Set([0x10, 0x11, 0x14]); // call, call_indirect, call_ref: return here
const TAIL_CALLS = new Set([0x12, 0x13, 0x15]); // return_call*: leave the function
const EH = new Set([0x06, 0x07, 0x08, 0x09, 0x0a, 0x18, 0x19, 0x1f]); // try ... throw_ref, try_table
const BRANCHES = new Set([0x0c, 0x0d, 0xd4, 0xd6]); // br, br_if, br_on_null, br_on_non_null

export function meterBody(r: Reader, end: number, params: number, g: number): { bytes: Uint8Array; checks: number } {
  const bodyStart = r.pos;
  const groups = r.u();
  let locals = 0;
  for (let i = 0; i < groups; i++) {
    locals += r.u();
    skipValType(r);
  }
  const f = params + locals; // our i64 local, appended after the existing ones
  const codeStart = r.pos;

  const inserts: Insert[] = [];
  let cur: Meter = { cost: 0 };
  inserts.push({ at: codeStart, meter: cur });
  const open = (at: number): Meter => {
    const m = { cost: 0 };
    inserts.push({ at, meter: m });
    return m;
  };
  const stack: Frame[] = [{ restore: null }];
  let usesEH = false;
  let hasLoop = false;
  while (stack.length > 0) {
    if (r.pos >= end) throw new RewriteError('function body ends inside a block');
    const at = r.pos;
    const op = readInstruction(r);
    if (EH.has(op)) usesEH = true;
    if (CALLS.has(op)) {
      inserts.push({ at, sync: true }, { at: r.pos, reload: true });
    } else if (TAIL_CALLS.has(op) || op === 0x0f) {
      inserts.push({ at, sync: true });
    } else if (BRANCHES.has(op) || op === 0x0e) {
      if (branchLabels(r.buf, at).includes(stack.length - 1)) inserts.push({ at, sync: true });
    }
    switch (op) {
      case OP.block: case OP.try: case OP.tryTable:
        cur.cost++;
        stack.push({ restore: cur });
        break;
      case OP.loop: case OP.if:
        if (op === OP.loop) hasLoop = true;
        cur.cost++;
        stack.push({ restore: cur });
        cur = open(r.pos);
        break;
      case OP.else: case OP.catch: case OP.catchAll:
        cur = open(r.pos);
        cur.cost++;
        break;
      case OP.end: case OP.delegate: {
        const frame = stack.pop()!;
        if (frame.restore !== null) cur = frame.restore;
        else inserts.push({ at, sync: true }); // the function's final end
        break;
      }
      default:
        cur.cost++;
    }
  }
  if (r.pos !== end) throw new RewriteError('function body has bytes after its final end');

  const local = hasLoop && !usesEH;
  const w = new Writer((end - bodyStart) * 2 + 32).u(groups + 1);
  w.bytes(r.buf.subarray(r.buf.subarray(bodyStart).findIndex((b) => (b & 0x80) === 0) + bodyStart + 1, codeStart));
  w.u(1).byte(0x7e);
  let copied = codeStart;
  let checks = 0;
  if (local) w.byte(0x23).u(g).byte(0x21).u(f); // local.set f (global.get g)
  for (const ins of inserts) {
    if ('meter' in ins && ins.meter.cost === 0) continue;
    if (!local && !('meter' in ins)) continue;
    w.bytes(r.buf.subarray(copied, ins.at));
    copied = ins.at;
    if ('meter' in ins) {
      if (local) chargeLocal(w, g, f, ins.meter.cost);
      else chargeGlobal(w, g, f, ins.meter.cost);
      checks++;
    } else if ('sync' in ins) {
      w.byte(0x20).u(f).byte(0x24).u(g); // global.set g (local.get f)
    } else {
      w.byte(0x23).u(g).byte(0x21).u(f); // local.set f (global.get g)
    }
  }
  w.bytes(r.buf.subarray(copied, end));
  return { bytes: w.finish(), checks };
}

/** Label immediates of a branch instruction at `at` (br, br_if, br_on_*, br_table). */
function branchLabels(buf: Uint8Array, at: number): number[] {
  const r = new Reader(buf, at + 1);
  if (buf[at] !== 0x0e) return [r.u()];
  const n = r.u();
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(r.u());
  return out;
}

// f -= cost; if (f < 0) { fuel = f; unreachable }
function chargeLocal(w: Writer, g: number, f: number, cost: number): void {
  w.byte(0x20).u(f).byte(0x42).s64(BigInt(cost)).byte(0x7d) // local.get f; i64.const; i64.sub
    .byte(0x22).u(f).byte(0x42).byte(0x00).byte(0x53) // local.tee f; i64.const 0; i64.lt_s
    .byte(0x04).byte(0x40).byte(0x20).u(f).byte(0x24).u(g).byte(0x00).byte(0x0b); // if; global.set; unreachable; end
}

// fuel -= cost; if (fuel < 0) unreachable   (f is scratch here)
function chargeGlobal(w: Writer, g: number, f: number, cost: number): void {
  w.byte(0x23).u(g).byte(0x42).s64(BigInt(cost)).byte(0x7d) // global.get; i64.const; i64.sub
    .byte(0x22).u(f).byte(0x24).u(g) // local.tee f; global.set
    .byte(0x20).u(f).byte(0x42).byte(0x00).byte(0x53) // local.get f; i64.const 0; i64.lt_s
    .byte(0x04).byte(0x40).byte(0x00).byte(0x0b); // if; unreachable; end
}
