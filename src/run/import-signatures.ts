// Link-time checks a JS import object cannot make: a JS function accepts any signature, so a
// module importing `wasi_snapshot_preview1.fd_write` as `(param i64)` would link and then call
// the host with the wrong values. Like wasmtime, reject it before it runs: every preview1
// function import must have the witx signature, and `_start` must be `() -> ()`.
// Pure over the module bytes (browser-safe); callers run it once per compiled module.
import { PREVIEW1_SIGNATURES, formatSignature, sameSignature, type Signature, type ValType } from '../abi/signatures.js';
import { ModuleRejected } from './errors.js';
import { Reader } from './rewrite/bytes.js';
import { RewriteError } from './rewrite/errors.js';
import { SEC, findSection, parseSections } from './rewrite/sections.js';
import { KIND, skipImportDesc, skipValType } from './rewrite/types.js';

const WASI = 'wasi_snapshot_preview1';
const signatures: Readonly<Record<string, Signature | undefined>> = PREVIEW1_SIGNATURES;
const checked = new WeakMap<Uint8Array, ModuleRejected | null>();

/**
 * The ModuleRejected (kind 'link' for a preview1 import, 'entry' for `_start`) the module at
 * `bytes` deserves, or null. Call after the bytes compiled: a module this reader cannot decode
 * (a proposal it does not know) is left to the engine, never rejected here. Cached per array.
 */
export function importSignatureRejection(bytes: Uint8Array): ModuleRejected | null {
  let hit = checked.get(bytes);
  if (hit === undefined) {
    hit = check(bytes);
    checked.set(bytes, hit);
  }
  return hit;
}

function check(bytes: Uint8Array): ModuleRejected | null {
  let sections;
  let types: (Signature | null)[];
  try {
    sections = parseSections(bytes);
    types = readTypes(findSection(sections, SEC.type)?.payload);
  } catch (e) {
    if (e instanceof RewriteError) return null;
    throw e;
  }
  const funcTypes: number[] = [];
  try {
    const imports = findSection(sections, SEC.import);
    if (imports !== undefined) {
      const r = new Reader(imports.payload);
      for (let n = r.u(); n > 0; n--) {
        const module = r.name();
        const field = r.name();
        const kind = r.byte();
        if (kind !== KIND.func) { skipImportDesc(r, kind); continue; }
        const typeIndex = r.u();
        funcTypes.push(typeIndex);
        const want = module === WASI && Object.hasOwn(signatures, field) ? signatures[field] : undefined;
        const have = types[typeIndex];
        if (want === undefined || have == null || sameSignature(have, want)) continue;
        return new ModuleRejected('link',
          `import ${WASI}.${field} has signature ${formatSignature(have)}, but preview1 defines ${formatSignature(want)}`);
      }
    }
    return startRejection(sections, types, funcTypes);
  } catch (e) {
    if (e instanceof RewriteError) return null;
    throw e;
  }
}

/** `_start` must take nothing and return nothing (a command's entry point). */
function startRejection(sections: ReturnType<typeof parseSections>, types: (Signature | null)[], funcTypes: number[]): ModuleRejected | null {
  const exports = findSection(sections, SEC.export);
  if (exports === undefined) return null;
  const r = new Reader(exports.payload);
  let start = -1;
  for (let n = r.u(); n > 0; n--) {
    const name = r.name();
    const kind = r.byte();
    const index = r.u();
    if (name === '_start' && kind === KIND.func) start = index;
  }
  if (start < 0) return null;
  const functions = findSection(sections, SEC.function);
  if (start >= funcTypes.length && functions !== undefined) {
    const f = new Reader(functions.payload);
    const count = f.u();
    for (let i = 0; i < count; i++) funcTypes.push(f.u());
  }
  const type = types[funcTypes[start] ?? -1];
  if (type == null || (type.params.length === 0 && type.results.length === 0)) return null;
  return new ModuleRejected('entry', `_start must take no parameters and return nothing, but has signature ${formatSignature(type)}`);
}

/** The type section: a signature per function type, null for struct and array types. */
function readTypes(payload: Uint8Array | undefined): (Signature | null)[] {
  const out: (Signature | null)[] = [];
  if (payload === undefined) return out;
  const r = new Reader(payload);
  for (let n = r.u(); n > 0; n--) {
    if (r.buf[r.pos] === 0x4e) { // rec group: several subtypes, each its own index
      r.byte();
      for (let m = r.u(); m > 0; m--) out.push(readSubType(r));
    } else {
      out.push(readSubType(r));
    }
  }
  return out;
}

function readSubType(r: Reader): Signature | null {
  const form = r.byte();
  if (form === 0x50 || form === 0x4f) { // sub / sub final: supertypes, then the composite type
    for (let n = r.u(); n > 0; n--) r.u();
    return readSubType(r);
  }
  switch (form) {
    case 0x60: {
      const params = readValTypes(r);
      return { params, results: readValTypes(r) };
    }
    case 0x5f: // struct: fields of (storage type, mutability)
      for (let n = r.u(); n > 0; n--) { skipValType(r); r.byte(); }
      return null;
    case 0x5e: // array: one field
      skipValType(r);
      r.byte();
      return null;
    default:
      throw new RewriteError(`unknown type form 0x${form.toString(16)}`);
  }
}

const NUMERIC: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

function readValTypes(r: Reader): ValType[] {
  const out: ValType[] = [];
  for (let n = r.u(); n > 0; n--) {
    const numeric = NUMERIC[r.buf[r.pos]!];
    skipValType(r);
    out.push(numeric ?? 'ref');
  }
  return out;
}
