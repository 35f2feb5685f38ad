// Capping a module's linear memory by rewriting the maximum of every memory it defines or
// imports, so `memory.grow` past the cap returns -1 inside the guest (the engine's own check).
import { Reader, Writer } from './bytes.js';
import { MemoryLimitError, RewriteError } from './errors.js';
import { buildModule, findSection, parseSections, putSection, SEC } from './sections.js';
import { LIMIT_HAS_MAX, readLimits, skipImportDesc, type Limits } from './types.js';

export const PAGE_BYTES = 65536;

/**
 * Return a copy of `bytes` whose memories may grow to at most floor(maxBytes / 64 KiB) pages.
 * Throws MemoryLimitError if a memory's initial size is already above that, RewriteError for
 * a malformed module. Shared memories are capped too (they always carry a maximum); 64-bit
 * memories are capped the same way with 64-bit limits.
 */
export function limitMemory(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!(maxBytes >= 0)) throw new RewriteError(`memory limit must be a non-negative number, got ${maxBytes}`);
  const cap = Math.floor(maxBytes / PAGE_BYTES);
  const sections = parseSections(bytes);

  const imports = findSection(sections, SEC.import);
  if (imports !== undefined) {
    const r = new Reader(imports.payload);
    const w = new Writer();
    let copied = 0;
    let changed = false;
    const n = r.u();
    for (let i = 0; i < n; i++) {
      r.name();
      r.name();
      const kind = r.byte();
      skipImportDesc(r, kind, (lr) => {
        w.bytes(imports.payload.subarray(copied, lr.pos));
        writeLimits(w, capLimits(readLimits(lr), cap, maxBytes));
        copied = lr.pos;
        changed = true;
      });
    }
    if (changed) putSection(sections, SEC.import, w.bytes(imports.payload.subarray(copied)).finish());
  }

  const memories = findSection(sections, SEC.memory);
  if (memories !== undefined) {
    const r = new Reader(memories.payload);
    const n = r.u();
    const w = new Writer().u(n);
    for (let i = 0; i < n; i++) writeLimits(w, capLimits(readLimits(r), cap, maxBytes));
    if (!r.done) throw new RewriteError('trailing bytes in the memory section');
    putSection(sections, SEC.memory, w.finish());
  }
  return buildModule(sections);
}

function capLimits(l: Limits, cap: number, maxBytes: number): Limits {
  if (l.min > cap) throw new MemoryLimitError(l.min, cap, maxBytes);
  const max = l.max === null ? cap : Math.min(l.max, cap);
  return { flags: l.flags | LIMIT_HAS_MAX, min: l.min, max };
}

function writeLimits(w: Writer, l: Limits): void {
  w.byte(l.flags).u(l.min);
  if (l.flags & LIMIT_HAS_MAX) w.u(l.max!);
}
