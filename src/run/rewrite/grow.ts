// Making failed `memory.grow` calls visible to the host. A guest that hits its memory cap
// usually dies of it later (malloc returns NULL, then abort or exit(1)), and the run should
// say `limit: memory`; the memory's final size alone cannot tell, since a large request can
// fail well below the cap. Every `memory.grow` on memory 0 becomes a call to an appended
// function that grows and, when the cap refused the request, sets an exported i32 global.
import { Reader, Writer } from './bytes.js';
import { readInstruction } from './instructions.js';
import { buildModule, findSection, parseSections, putSection, SEC, type Section } from './sections.js';
import { KIND, LIMIT_64, readLimits, skipImportDesc, skipValType } from './types.js';

export const GROW_FAILED_EXPORT = '__warden_grow_failed';

/**
 * Rewrite `memory.grow` on memory 0 so that a request past `capPages` sets GROW_FAILED_EXPORT
 * to 1. Returns null (nothing tracked) for modules this cannot handle simply: no memory, a
 * 64-bit memory 0, or GC type definitions.
 */
export function trackGrowFailures(bytes: Uint8Array, capPages: number): Uint8Array | null {
  const sections = parseSections(bytes);
  const types = findSection(sections, SEC.type);
  const typeCount = plainTypeCount(types);
  if (typeCount === null) return null;
  const imports = scanImports(findSection(sections, SEC.import));
  const memories = findSection(sections, SEC.memory);
  let mem0: { flags: number } | null = imports.memory0;
  if (mem0 === null && memories !== undefined) {
    const r = new Reader(memories.payload);
    if (r.u() > 0) mem0 = readLimits(r);
  }
  if (mem0 === null || (mem0.flags & LIMIT_64) !== 0) return null;

  const funcs = findSection(sections, SEC.function);
  const definedFuncs = funcs === undefined ? 0 : new Reader(funcs.payload).u();
  const growFunc = imports.funcs + definedFuncs;
  const globals = findSection(sections, SEC.global);
  const definedGlobals = globals === undefined ? 0 : new Reader(globals.payload).u();
  const flag = imports.globals + definedGlobals;

  // (type (func (param i32) (result i32)))
  putSection(sections, SEC.type, append(types, new Writer().byte(0x60).u(1).byte(0x7f).u(1).byte(0x7f).finish()));
  putSection(sections, SEC.function, append(funcs, new Writer().u(typeCount).finish()));
  putSection(sections, SEC.global, append(globals, new Writer().byte(0x7f).byte(0x01).byte(0x41).byte(0x00).byte(0x0b).finish()));
  putSection(sections, SEC.export, append(findSection(sections, SEC.export), new Writer().name(GROW_FAILED_EXPORT).byte(KIND.global).u(flag).finish()));

  const code = findSection(sections, SEC.code);
  const out = new Writer(code === undefined ? 64 : code.payload.length + 64);
  const n = code === undefined ? 0 : new Reader(code.payload).u();
  out.u(n + 1);
  if (code !== undefined) {
    const r = new Reader(code.payload);
    r.u();
    for (let i = 0; i < n; i++) {
      const size = r.u();
      const end = r.pos + size;
      const body = rewriteGrows(r, end, growFunc);
      out.u(body.length).bytes(body);
      r.pos = end;
    }
  }
  const helper = growHelper(capPages, flag);
  out.u(helper.length).bytes(helper);
  putSection(sections, SEC.code, out.finish());
  return buildModule(sections);
}

// (func (param $delta i32) (result i32) (local $r i32)
//   (local.set $r (memory.grow (local.get $delta)))
//   (if (i32.and (i32.eq (local.get $r) (i32.const -1))
//                (i32.gt_u (local.get $delta) (i32.sub (i32.const cap) (memory.size))))
//     (then (global.set $flag (i32.const 1))))
//   (local.get $r))
function growHelper(capPages: number, flag: number): Uint8Array {
  const cap = BigInt(Math.min(capPages, 65536));
  return new Writer()
    .u(1).u(1).byte(0x7f) // one local i32
    .byte(0x20).u(0).byte(0x40).byte(0x00).byte(0x21).u(1)
    .byte(0x20).u(1).byte(0x41).s64(-1n).byte(0x46)
    .byte(0x20).u(0).byte(0x41).s64(cap).byte(0x3f).byte(0x00).byte(0x6b).byte(0x4b)
    .byte(0x71)
    .byte(0x04).byte(0x40).byte(0x41).byte(0x01).byte(0x24).u(flag).byte(0x0b)
    .byte(0x20).u(1)
    .byte(0x0b)
    .finish();
}

/** Copy a function body, replacing `memory.grow 0` with `call growFunc`. */
function rewriteGrows(r: Reader, end: number, growFunc: number): Uint8Array {
  const start = r.pos;
  const groups = r.u();
  for (let i = 0; i < groups; i++) {
    r.u();
    skipValType(r);
  }
  const w = new Writer(end - start + 16);
  let copied = start;
  while (r.pos < end) {
    const at = r.pos;
    if (readInstruction(r) === 0x40 && r.buf[at + 1] === 0x00 && r.pos === at + 2) {
      w.bytes(r.buf.subarray(copied, at)).byte(0x10).u(growFunc);
      copied = r.pos;
    }
  }
  return w.bytes(r.buf.subarray(copied, end)).finish();
}

/** A vector section with one more entry (the section may be absent). */
function append(s: Section | undefined, entry: Uint8Array): Uint8Array {
  if (s === undefined) return new Writer().u(1).bytes(entry).finish();
  const r = new Reader(s.payload);
  const n = r.u();
  return new Writer(s.payload.length + entry.length + 8).u(n + 1).bytes(s.payload.subarray(r.pos)).bytes(entry).finish();
}

/** Number of types, or null if any is not a plain function type (GC rec groups shift indices). */
function plainTypeCount(s: Section | undefined): number | null {
  if (s === undefined) return 0;
  const r = new Reader(s.payload);
  const n = r.u();
  for (let i = 0; i < n; i++) {
    if (r.byte() !== 0x60) return null;
    for (let k = 0; k < 2; k++) {
      const m = r.u();
      for (let j = 0; j < m; j++) skipValType(r);
    }
  }
  return n;
}

function scanImports(s: Section | undefined): { funcs: number; globals: number; memory0: { flags: number } | null } {
  const out = { funcs: 0, globals: 0, memory0: null as { flags: number } | null };
  if (s === undefined) return out;
  const r = new Reader(s.payload);
  const n = r.u();
  for (let i = 0; i < n; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === KIND.func) out.funcs++;
    if (kind === KIND.global) out.globals++;
    skipImportDesc(r, kind, (lr) => {
      const l = readLimits(lr);
      out.memory0 ??= l;
    });
  }
  return out;
}
