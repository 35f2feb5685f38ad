// Deterministic fuel metering: every function body is rewritten so that entering a metered
// region subtracts the region's static instruction count from an exported i64 global, and
// traps (`unreachable`) as soon as the global goes below zero.
//
// Regions: a region starts at function entry, at the top of each loop body, at the start of
// each `if` / `else` arm and of each legacy `catch` handler. Code after a nested block, loop,
// if or try ends is charged up front to the region that entered it: it runs at most once per
// entry, so the hot path of a loop pays one check per iteration. Charges are therefore an
// upper bound of the instructions actually executed (a branch out of a region has already paid
// for the rest of it), and they depend only on the path taken: the same input uses the same
// fuel on every run. body.ts rewrites each function (and keeps the counter in a local while
// a function with loops runs).
import { Reader, Writer } from './bytes.js';
import { RewriteError } from './errors.js';
import { meterBody } from './body.js';
import { buildModule, findSection, parseSections, putSection, SEC, type Section } from './sections.js';
import { KIND, skipImportDesc, skipValType } from './types.js';

export const FUEL_EXPORT = '__warden_fuel';
/**
 * The global's value before the host sets the budget. Work done by a start function during
 * instantiation is charged against it, so the host can subtract it from the budget.
 */
export const FUEL_INITIAL = 1n << 62n;

export interface FueledModule {
  bytes: Uint8Array;
  /** Name of the exported mutable i64 global holding the fuel left. */
  exportName: string;
  initial: bigint;
  /** Number of metering checks inserted (for diagnostics and tests). */
  checks: number;
}

export function addFuel(bytes: Uint8Array): FueledModule {
  const sections = parseSections(bytes);
  const paramCounts = readParamCounts(findSection(sections, SEC.type));
  const funcTypes = readFunctionTypes(findSection(sections, SEC.function));
  const importedGlobals = countImports(findSection(sections, SEC.import), KIND.global);
  const globals = findSection(sections, SEC.global);
  const definedGlobals = globals === undefined ? 0 : new Reader(globals.payload).u();
  const fuelGlobal = importedGlobals + definedGlobals;

  putSection(sections, SEC.global, appendGlobal(globals, definedGlobals));
  putSection(sections, SEC.export, appendExport(findSection(sections, SEC.export), fuelGlobal));

  const code = findSection(sections, SEC.code);
  let checks = 0;
  if (code !== undefined) {
    const r = new Reader(code.payload);
    const n = r.u();
    if (n !== funcTypes.length) throw new RewriteError('function and code section sizes differ');
    const w = new Writer(Math.ceil(code.payload.length * 1.5)).u(n);
    for (let i = 0; i < n; i++) {
      const size = r.u();
      const end = r.pos + size;
      const params = paramCounts[funcTypes[i]!];
      if (params === undefined) throw new RewriteError(`function ${i} has an unknown type index`);
      const body = meterBody(r, end, params, fuelGlobal);
      checks += body.checks;
      w.u(body.bytes.length).bytes(body.bytes);
      r.pos = end;
    }
    putSection(sections, SEC.code, w.finish());
  }
  return { bytes: buildModule(sections), exportName: FUEL_EXPORT, initial: FUEL_INITIAL, checks };
}

function lebLength(buf: Uint8Array, at: number): number {
  let n = 1;
  while (buf[at + n - 1]! & 0x80) n++;
  return n;
}

function readParamCounts(s: Section | undefined): number[] {
  if (s === undefined) return [];
  const r = new Reader(s.payload);
  const n = r.u();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const form = r.byte();
    if (form !== 0x60) throw new RewriteError(`cannot meter this module: type form 0x${form.toString(16)} (GC types)`);
    const params = r.u();
    for (let j = 0; j < params; j++) skipValType(r);
    const results = r.u();
    for (let j = 0; j < results; j++) skipValType(r);
    out.push(params);
  }
  return out;
}

function readFunctionTypes(s: Section | undefined): number[] {
  if (s === undefined) return [];
  const r = new Reader(s.payload);
  const n = r.u();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u());
  return out;
}

function countImports(s: Section | undefined, kind: number): number {
  if (s === undefined) return 0;
  const r = new Reader(s.payload);
  const n = r.u();
  let count = 0;
  for (let i = 0; i < n; i++) {
    r.name();
    r.name();
    const k = r.byte();
    if (k === kind) count++;
    skipImportDesc(r, k);
  }
  return count;
}

function appendGlobal(s: Section | undefined, count: number): Uint8Array {
  const w = new Writer().u(count + 1);
  if (s !== undefined) w.bytes(s.payload.subarray(lebLength(s.payload, 0)));
  return w.byte(0x7e).byte(0x01).byte(0x42).s64(FUEL_INITIAL).byte(0x0b).finish(); // (mut i64) (i64.const N)
}

function appendExport(s: Section | undefined, global: number): Uint8Array {
  let count = 0;
  if (s !== undefined) {
    const r = new Reader(s.payload);
    count = r.u();
    for (let i = 0; i < count; i++) {
      if (r.name() === FUEL_EXPORT) throw new RewriteError(`module already exports ${FUEL_EXPORT} (metered twice?)`);
      r.byte();
      r.u();
    }
  }
  const w = new Writer().u(count + 1);
  if (s !== undefined) w.bytes(s.payload.subarray(lebLength(s.payload, 0)));
  return w.name(FUEL_EXPORT).byte(KIND.global).u(global).finish();
}
