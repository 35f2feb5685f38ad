// The one-iovec read (`FileHandle.pread1`, see RATIONALE "Why a one-iovec fast path") for
// wrappers (read-only, quota, overlay): forward it when the wrapped handle has it, else do what
// it stands for with the general pread, so wrapped mounts keep the fast path where it exists.
import type { FileHandle } from './types.js';

export function pread1Of(h: FileHandle, into: Uint8Array, offset: number, length: number, position: number): number {
  if (h.pread1 !== undefined) return h.pread1(into, offset, length, position);
  return h.pread(length === 0 ? [] : [into.subarray(offset, offset + length)], position);
}
