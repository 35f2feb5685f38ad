// The guest-thread half of the byte-passing convention, shared by host functions (all engines)
// and plugin.callBytes:
//   - the guest passes bytes as (ptr: i32, len: i32) pointing into its memory;
//   - bytes handed to the guest are copied into a buffer the guest allocates with its exported
//     `alloc(len: i32) -> i32`, and returned as one i64: (ptr << 32) | len; 0 means "no bytes".
// This file holds no Node-only code: it runs wherever the guest instance lives.
import type { Kernel } from '../kernel/kernel.js';
import { HostFunctionError } from './host-functions-errors.js';

/** Where the guest instance is once it exists (filled in by runGuest's onInstance hook). */
export interface GuestRef {
  instance: WebAssembly.Instance | null;
  kernel: Kernel | null;
}

export function newGuestRef(): GuestRef {
  return { instance: null, kernel: null };
}

const utf8 = new TextEncoder();

function memoryOf(ref: GuestRef): WebAssembly.Memory {
  const m = ref.instance?.exports.memory;
  if (!(m instanceof WebAssembly.Memory)) throw new HostFunctionError('the guest has no exported memory');
  return m;
}

/** Copy guest bytes [ptr, ptr+len) out of guest memory (bounds checked). */
export function readGuestBytes(ref: GuestRef, ptr: number, len: number): Uint8Array {
  const buf = memoryOf(ref).buffer;
  const p = ptr >>> 0, n = len >>> 0;
  if (p + n > buf.byteLength) throw new HostFunctionError(`byte range ${p}+${n} is outside guest memory (${buf.byteLength} bytes)`);
  return new Uint8Array(buf, p, n).slice();
}

export function toBytes(v: unknown, what: string): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8.encode(v);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new HostFunctionError(`${what} must return a Uint8Array, a string or null`);
}

/** Copy `bytes` into a fresh guest buffer from `alloc`; returns the packed (ptr << 32) | len. */
export function writeGuestBytes(ref: GuestRef, bytes: Uint8Array | null): bigint {
  if (bytes === null || bytes.length === 0) return 0n;
  const alloc = ref.instance?.exports.alloc;
  if (typeof alloc !== 'function') throw new HostFunctionError('passing bytes to the guest needs it to export alloc(len: i32) -> i32');
  const ptr = (alloc as (n: number) => number)(bytes.length) >>> 0;
  const buf = memoryOf(ref).buffer; // after alloc: it may have grown memory
  if (ptr === 0 || ptr + bytes.length > buf.byteLength) throw new HostFunctionError(`guest alloc(${bytes.length}) returned an unusable pointer ${ptr}`);
  new Uint8Array(buf, ptr, bytes.length).set(bytes);
  return (BigInt(ptr) << 32n) | BigInt(bytes.length);
}

/** Split a packed (ptr << 32) | len result. */
export function unpack(v: bigint | number): { ptr: number; len: number } {
  const b = BigInt.asUintN(64, BigInt(v));
  return { ptr: Number(b >> 32n), len: Number(b & 0xffffffffn) };
}

/** A bytes host call made from the guest: read input, run `host`, write its answer back. */
export function guestBytesCall(ref: GuestRef, ptr: number, len: number, host: (input: Uint8Array) => unknown): bigint {
  const input = readGuestBytes(ref, ptr, len);
  return writeGuestBytes(ref, toBytes(host(input), 'a bytes host function'));
}
