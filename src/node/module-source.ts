// Loading and compiling guest modules, with caches so repeated runs of the same module skip
// compilation (compiled modules are immutable and safe to share between runs).
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModuleRejected, WardenUsageError } from '../run/errors.js';
import { importSignatureRejection } from '../run/import-signatures.js';

export type ModuleSource = Uint8Array | ArrayBuffer | WebAssembly.Module | string;

const byBytes = new WeakMap<object, WebAssembly.Module>();

/**
 * The bytes last read from each module path, reused while the file's identity, size and mtime
 * are unchanged: the same array object then hits the rewrite and compile caches (keyed by
 * array identity), so running a module by path does not recompile it every time.
 */
const byPath = new Map<string, { key: string; bytes: Uint8Array }>();
const MAX_PATHS = 64;

/** Read the module file; rejects with WardenUsageError naming the path. */
export function readModuleFile(path: string): Uint8Array {
  try {
    const abs = resolve(path);
    const st = statSync(abs, { bigint: true });
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const hit = byPath.get(abs);
    if (hit !== undefined && hit.key === key) return hit.bytes;
    const bytes = new Uint8Array(readFileSync(abs));
    if (byPath.size >= MAX_PATHS) byPath.delete(byPath.keys().next().value!);
    byPath.set(abs, { key, bytes });
    return bytes;
  } catch (e) {
    throw new WardenUsageError(`cannot read module ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function moduleBytes(src: ModuleSource): Uint8Array | null {
  if (typeof src === 'string') return readModuleFile(src);
  if (src instanceof WebAssembly.Module) return null;
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  throw new WardenUsageError('module must be a path, a Uint8Array, an ArrayBuffer or a WebAssembly.Module');
}

/**
 * Compile bytes (cached per byte array identity); invalid modules, and modules whose preview1
 * imports or `_start` have the wrong signature, are ModuleRejected (checked once per compile).
 */
export async function compile(bytes: Uint8Array, cacheKey?: object): Promise<WebAssembly.Module> {
  const key = cacheKey ?? bytes;
  const hit = byBytes.get(key);
  if (hit !== undefined) return hit;
  let mod: WebAssembly.Module;
  try {
    mod = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleRejected('compile', (e as Error).message, { cause: e });
  }
  const rejected = importSignatureRejection(bytes);
  if (rejected !== null) throw rejected;
  byBytes.set(key, mod);
  return mod;
}
