// Decoding function bodies one instruction at a time: read the opcode, skip its immediates.
// Covers MVP plus what toolchains emit today: sign extension, saturating conversions, bulk
// memory, reference types, multi-value block types, tail calls, typed function references,
// SIMD and relaxed SIMD, threads/atomics, legacy and new exception handling, multi-memory and
// memory64 memargs. Anything else is refused rather than guessed at.
import type { Reader } from './bytes.js';
import { RewriteError } from './errors.js';
import { skipValType } from './types.js';

export const OP = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, try: 0x06, catch: 0x07,
  end: 0x0b, delegate: 0x18, catchAll: 0x19, tryTable: 0x1f,
} as const;

function cannot(op: string, at: number): never {
  throw new RewriteError(`cannot meter this module: opcode ${op} at offset ${at}`);
}

const hex = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

/** A block type: 0x40, a value type, or a type index (s33). */
function skipBlockType(r: Reader): void {
  const b = r.buf[r.pos];
  if (b === 0x63 || b === 0x64) skipValType(r);
  else r.s();
}

function skipMemarg(r: Reader): void {
  const align = r.u();
  if (align & 0x40) r.u(); // multi-memory: a memory index follows
  r.u(); // offset (u64 for memory64; value not needed)
}

/** Read one instruction at r.pos; return its first opcode byte with r.pos after it. */
export function readInstruction(r: Reader): number {
  const at = r.pos;
  const op = r.byte();
  if (op >= 0x45 && op <= 0xc4) return op; // numeric, no immediates
  switch (op) {
    case 0x00: case 0x01: case 0x05: case 0x0a: case 0x0b: case 0x0f: case 0x19: case 0x1a: case 0x1b:
    case 0xd1: case 0xd3: case 0xd5:
      return op;
    case 0x02: case 0x03: case 0x04: case 0x06:
      skipBlockType(r);
      return op;
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12: case 0x14: case 0x15:
    case 0x18: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
    case 0x3f: case 0x40: case 0xd2: case 0xd4: case 0xd6:
      r.u();
      return op;
    case 0x11: case 0x13:
      r.u();
      r.u();
      return op;
    case 0x0e: {
      const n = r.u();
      for (let i = 0; i <= n; i++) r.u();
      return op;
    }
    case 0x1c: {
      const n = r.u();
      for (let i = 0; i < n; i++) skipValType(r);
      return op;
    }
    case 0x1f: {
      skipBlockType(r);
      const n = r.u();
      for (let i = 0; i < n; i++) {
        const kind = r.byte();
        if (kind === 0 || kind === 1) { r.u(); r.u(); } else if (kind === 2 || kind === 3) r.u();
        else cannot(`0x1f (try_table catch kind ${kind})`, at);
      }
      return op;
    }
    case 0x41: case 0x42:
      r.s();
      return op;
    case 0x43:
      r.skip(4);
      return op;
    case 0x44:
      r.skip(8);
      return op;
    case 0xd0:
      r.s();
      return op;
    case 0xfc:
      skipFC(r, at);
      return op;
    case 0xfd:
      skipFD(r, at);
      return op;
    case 0xfe:
      skipFE(r, at);
      return op;
  }
  if (op >= 0x28 && op <= 0x3e) {
    skipMemarg(r);
    return op;
  }
  return cannot(hex(op), at);
}

function skipFC(r: Reader, at: number): void {
  const sub = r.u();
  if (sub <= 7) return; // saturating truncations
  switch (sub) {
    case 8: case 10: case 12: case 14: r.u(); r.u(); return; // memory.init, memory.copy, table.init, table.copy
    case 9: case 11: case 13: case 15: case 16: case 17: r.u(); return; // data.drop, memory.fill, elem.drop, table.grow/size/fill
  }
  cannot(`0xfc ${sub}`, at);
}

function skipFD(r: Reader, at: number): void {
  const sub = r.u();
  if (sub <= 11 || sub === 92 || sub === 93) skipMemarg(r); // loads, store, load_zero
  else if (sub === 12 || sub === 13) r.skip(16); // v128.const, i8x16.shuffle
  else if (sub >= 21 && sub <= 34) r.skip(1); // extract/replace lane
  else if (sub >= 84 && sub <= 91) { skipMemarg(r); r.skip(1); } // load/store lane
  else if (sub > 0x113) cannot(`0xfd ${sub}`, at); // past relaxed SIMD
}

function skipFE(r: Reader, at: number): void {
  const sub = r.u();
  if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) skipMemarg(r);
  else if (sub === 0x03) r.skip(1); // atomic.fence
  else cannot(`0xfe ${sub}`, at);
}
