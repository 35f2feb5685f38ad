// Loading and compiling guest modules, with caches so repeated runs of the same module skip
// compilation (compiled modules are immutable and safe to share between runs).
import { readFileSync } from 'node:fs';
import { ModuleRejected, WardenUsageError } from '../run/errors.js';

export type ModuleSource = Uint8Array | ArrayBuffer | WebAssembly.Module | string;

const byBytes = new WeakMap<object, WebAssembly.Module>();

/** Read the module file; rejects with WardenUsageError naming the path. */
export function readModuleFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
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

/** Compile bytes (cached per byte array identity); invalid modules are ModuleRejected. */
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
  byBytes.set(key, mod);
  return mod;
}
