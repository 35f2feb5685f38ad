// Reading the type-shaped parts of a module: value types, limits, import descriptors.
import type { Reader } from './bytes.js';
import { RewriteError } from './errors.js';

/** Skip one value type (numeric, vector, or reference, including `(ref null? ht)`). */
export function skipValType(r: Reader): void {
  const b = r.byte();
  if (b === 0x63 || b === 0x64) r.s();
}

export interface Limits {
  flags: number;
  min: number;
  max: number | null;
}

export const LIMIT_HAS_MAX = 0x01;
export const LIMIT_SHARED = 0x02;
export const LIMIT_64 = 0x04;
const LIMIT_PAGE_SIZE = 0x08;

export function readLimits(r: Reader): Limits {
  const flags = r.byte();
  if (flags & ~0x0f) throw new RewriteError(`unknown limits flags 0x${flags.toString(16)}`);
  if (flags & LIMIT_PAGE_SIZE) throw new RewriteError('custom memory page sizes are not supported');
  const min = r.u();
  const max = flags & LIMIT_HAS_MAX ? r.u() : null;
  return { flags, min, max };
}

/** Skip a table type: reference type then limits. */
export function skipTableType(r: Reader): void {
  skipValType(r);
  readLimits(r);
}

export const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/**
 * Skip an import's descriptor (after its module and field names). `onMemory` sees the reader
 * positioned at the memory's limits and must consume them.
 */
export function skipImportDesc(r: Reader, kind: number, onMemory?: (r: Reader) => void): void {
  switch (kind) {
    case KIND.func: r.u(); return;
    case KIND.table: skipTableType(r); return;
    case KIND.memory: if (onMemory) onMemory(r); else readLimits(r); return;
    case KIND.global: skipValType(r); r.byte(); return;
    case KIND.tag: r.byte(); r.u(); return;
    default: throw new RewriteError(`unknown import kind 0x${kind.toString(16)}`);
  }
}
