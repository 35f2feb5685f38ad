import { Errno } from './constants.js';
import { fail } from '../kernel/errors.js';

// Zero-length placeholders until a memory is bound (shared: a kernel per run should not cost
// two ArrayBuffers before the guest even starts).
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_DV = new DataView(new ArrayBuffer(0));

/** Most buffers one read/write call hands to the host (Linux's IOV_MAX). */
export const IOV_MAX = 1024;

/**
 * Bounds-checked access to a guest's linear memory.
 *
 * Views are cached and re-derived only when `memory.grow` has detached the old buffer
 * (a detached ArrayBuffer reports byteLength 0), so the hot path costs one length check
 * (see RATIONALE.md, "Why cache memory views?").
 */
export class GuestMemory {
  memory: WebAssembly.Memory | null = null;
  u8: Uint8Array = EMPTY_U8;
  dv: DataView = EMPTY_DV;

  /** A shared memory grows without detaching its old buffer, so growth must be asked for. */
  private shared = false;

  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.u8 = EMPTY_U8;
    this.refresh();
  }

  /** Re-derive views if the memory grew since the last call. Call at the start of a syscall. */
  refresh(): void {
    // Fast path: growing a non-shared memory detaches the old buffer (byteLength becomes 0), so
    // a non-empty view is still current and the costlier `memory.buffer` getter is skipped.
    if (this.u8.byteLength !== 0 && !this.shared) return;
    const m = this.memory;
    if (m === null) fail(Errno.FAULT);
    if (this.u8.byteLength === 0 || this.u8.buffer !== m.buffer) {
      const buf = m.buffer;
      this.u8 = new Uint8Array(buf);
      this.dv = new DataView(buf);
    }
  }

  /** Check that [ptr, ptr+len) lies inside memory; returns ptr as an unsigned number. */
  check(ptr: number, len: number): number {
    const p = ptr >>> 0;
    if (p + (len >>> 0) > this.u8.length) fail(Errno.FAULT);
    return p;
  }

  /** Check alignment and bounds of a struct at ptr. */
  checkAligned(ptr: number, len: number, align: number): number {
    const p = ptr >>> 0;
    if ((p & (align - 1)) !== 0) fail(Errno.INVAL);
    if (p + len > this.u8.length) fail(Errno.FAULT);
    return p;
  }

  u32(ptr: number): number { return this.dv.getUint32(this.check(ptr, 4), true); }
  setU32(ptr: number, v: number): void { this.dv.setUint32(this.check(ptr, 4), v, true); }
  setU64(ptr: number, v: bigint): void { this.dv.setBigUint64(this.check(ptr, 8), v, true); }
  setU16(ptr: number, v: number): void { this.dv.setUint16(this.check(ptr, 2), v, true); }
  setU8(ptr: number, v: number): void { this.dv.setUint8(this.check(ptr, 1), v); }

  /** A view (not a copy) of guest bytes after bounds checking. */
  bytes(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return this.u8.subarray(p, p + (len >>> 0));
  }

  /**
   * The iovec list at `iovs` as views into guest memory. Every buffer is bounds checked before
   * any byte moves; the total length must fit in u32 (EINVAL otherwise, like wasmtime).
   * Only the first IOV_MAX non-empty buffers are returned (the call then transfers less, a
   * legal short read/write): a guest's list of millions of entries must not become millions
   * of host objects (it exhausted the host's heap).
   */
  iovecs(iovs: number, count: number): Uint8Array[] {
    const n = count >>> 0;
    if (n * 8 > this.u8.length) fail(Errno.FAULT);
    const base = this.check(iovs, n * 8);
    const dv = this.dv;
    const out: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = dv.getUint32(base + i * 8, true);
      const len = dv.getUint32(base + i * 8 + 4, true);
      if (p + len > this.u8.length) fail(Errno.FAULT);
      total += len;
      if (len !== 0 && out.length < IOV_MAX) out.push(this.u8.subarray(p, p + len));
    }
    if (total > 0xffffffff) fail(Errno.INVAL);
    return out;
  }

  /** The length of the iovec last decoded by iovec1 (a field: no pair allocated per call). */
  iovLen = 0;

  /**
   * The one iovec at `iovs`, bounds checked like `iovecs(iovs, 1)`: returns its pointer and
   * leaves its length in `iovLen` (a single u32 length always fits the total-length rule).
   */
  iovec1(iovs: number): number {
    const base = this.check(iovs, 8);
    const dv = this.dv;
    const p = dv.getUint32(base, true);
    const len = dv.getUint32(base + 4, true);
    if (p + len > this.u8.length) fail(Errno.FAULT);
    this.iovLen = len;
    return p;
  }

  /** Decode a guest path/string; EILSEQ for invalid UTF-8. */
  string(ptr: number, len: number): string {
    const b = this.bytes(ptr, len);
    return decodeUtf8(b);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function decodeUtf8(b: Uint8Array): string {
  // Fast path for short ASCII strings (paths): avoids TextDecoder's fixed cost.
  const n = b.length;
  if (n < 64) {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      if (c >= 0x80) return decodeSlow(b);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeSlow(b);
}

function decodeSlow(b: Uint8Array): string {
  try {
    return decoder.decode(b);
  } catch {
    fail(Errno.ILSEQ);
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 byte length of a string without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}
