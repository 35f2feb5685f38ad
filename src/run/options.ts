// The public run options and their validation. Every capability is explicit: an option that
// is left out grants nothing (see DESIGN.md, "Public API").
import type { FileSystem } from '../fs/types.js';
import type { ClockOption } from '../time/clocks.js';
import type { RandomOption } from '../time/random.js';
import { WardenUsageError } from './errors.js';

export type StdinOption =
  | 'none'
  | { text: string }
  | { bytes: Uint8Array }
  | { file: string }
  /** A host fd: read on demand by the inline engine (like wasmtime), to its end first elsewhere. */
  | { fd: number }
  | { stream: AsyncIterable<Uint8Array | string> };

export type OutputOption =
  | 'capture'
  | 'inherit'
  | 'discard'
  | { stream: { write(chunk: Uint8Array): unknown } }
  | ((chunk: Uint8Array) => void);

export interface Limits {
  /** Wall-clock deadline for the whole run (compile excluded). Inline default: 30 s. */
  timeoutMs?: number;
  /** Cap on the guest's linear memory (rounded down to 64 KiB pages). */
  memoryBytes?: number;
  /** Cap on stdout + stderr bytes together. Default 64 MiB. */
  outputBytes?: number;
  /** Cap on open file descriptors (stdio and preopens included). Default 1024. */
  openFiles?: number;
  /** Deterministic budget of executed wasm work. */
  fuel?: number;
}

/**
 * A host function the guest imports. Numbers in (i64 as bigint), a number, bigint or nothing
 * out. May be async in the worker and process engines; inline needs synchronous functions.
 */
export type HostFunction = (...args: any[]) => unknown;

/**
 * A host function that takes and returns bytes through guest memory (see hostBytes() and
 * notes/engines-readme.md): the guest calls it as (ptr, len) -> i64.
 */
export interface BytesHostFunction {
  readonly kind: 'bytes';
  readonly fn: (input: Uint8Array) => unknown;
}

/** Import modules of host functions, e.g. `{ env: { add: (a, b) => a + b } }`. */
export type HostImports = Record<string, Record<string, HostFunction | BytesHostFunction>>;

/** Anything that can stand at a mount point: a filesystem, or a single virtual file. */
export type Mountable = FileSystem | { asDirectory(name: string): FileSystem };

export interface RunOptions {
  args?: string[];
  env?: Record<string, string>;
  stdin?: StdinOption;
  stdout?: OutputOption;
  stderr?: OutputOption;
  clock?: ClockOption;
  random?: RandomOption;
  mounts?: Record<string, Mountable>;
  limits?: Limits;
  isolation?: 'inline' | 'worker' | 'process';
  signal?: AbortSignal;
  /** Receives one line per syscall: name, decoded arguments, result. */
  trace?: (line: string) => void;
  /** Host functions the guest may import (beside wasi_snapshot_preview1). */
  imports?: HostImports;
  /** Stack size of the worker thread / child process running the guest (MiB). */
  stackSizeMb?: number;
}

export const DEFAULT_INLINE_TIMEOUT_MS = 30_000;
export const DEFAULT_OUTPUT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_OPEN_FILES = 1024;

function bad(message: string): never {
  throw new WardenUsageError(message);
}

/** Validate options; throws WardenUsageError naming the first problem found. */
export function validateOptions(o: RunOptions | undefined): RunOptions {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) bad('options must be an object');
  if (o.args !== undefined) {
    if (!Array.isArray(o.args)) bad('args must be an array of strings');
    o.args.forEach((a, i) => {
      if (typeof a !== 'string') bad(`args[${i}] must be a string`);
      if (a.includes('\0')) bad(`args[${i}] contains a NUL byte`);
    });
  }
  if (o.env !== undefined) {
    if (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env)) bad('env must be an object of string values');
    for (const [k, v] of Object.entries(o.env)) {
      if (k.length === 0 || k.includes('=') || k.includes('\0')) bad(`env key ${JSON.stringify(k)} is not a valid variable name`);
      if (typeof v !== 'string') bad(`env.${k} must be a string`);
      if (v.includes('\0')) bad(`env.${k} contains a NUL byte`);
    }
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const v = o[name];
    if (v === undefined || v === 'capture' || v === 'inherit' || v === 'discard' || typeof v === 'function') continue;
    if (typeof v === 'object' && v !== null && 'stream' in v && typeof v.stream?.write === 'function') continue;
    bad(`${name} must be 'capture', 'inherit', 'discard', a function or { stream: Writable }`);
  }
  const si = o.stdin;
  if (si !== undefined && si !== 'none') {
    const ok = typeof si === 'object' && si !== null && (
      ('text' in si && typeof si.text === 'string') ||
      ('bytes' in si && si.bytes instanceof Uint8Array) ||
      ('file' in si && typeof si.file === 'string') ||
      ('fd' in si && Number.isInteger(si.fd) && si.fd >= 0) ||
      ('stream' in si && si.stream !== null && typeof si.stream === 'object'));
    if (!ok) bad("stdin must be 'none', { text }, { bytes }, { file }, { fd } or { stream }");
  }
  if (o.mounts !== undefined) {
    if (typeof o.mounts !== 'object' || o.mounts === null) bad('mounts must be an object of guest path → filesystem');
    for (const [path, fs] of Object.entries(o.mounts)) {
      const isFs = typeof fs === 'object' && fs !== null && typeof (fs as FileSystem).openRoot === 'function';
      const isFile = typeof fs === 'object' && fs !== null && typeof (fs as { asDirectory?: unknown }).asDirectory === 'function';
      if (!isFs && !isFile) bad(`mounts[${JSON.stringify(path)}] must be a filesystem (memoryFs(), hostDir(), overlay(), ...) or file()`);
      // A relative name ("data", ".") is a preopen name reported verbatim, as node:wasi and
      // wasmtime allow (wasi-libc matches relative paths against it; some guests compare it).
      if (path.startsWith('/') || !isFs) checkGuestPath(path);
      else if (path === '' || path.includes('\0')) bad(`mount name ${JSON.stringify(path)} must be non-empty and free of NUL bytes`);
    }
  }
  const l = o.limits;
  if (l !== undefined) {
    if (typeof l !== 'object' || l === null) bad('limits must be an object');
    for (const [k, v] of Object.entries(l)) {
      if (!['timeoutMs', 'memoryBytes', 'outputBytes', 'openFiles', 'fuel'].includes(k)) bad(`limits.${k} is not a known limit`);
      if (v === undefined) continue;
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0) bad(`limits.${k} must be a non-negative number`);
    }
  }
  if (o.isolation !== undefined && !['inline', 'worker', 'process'].includes(o.isolation)) {
    bad(`isolation must be 'inline', 'worker' or 'process', got ${JSON.stringify(o.isolation)}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) bad('signal must be an AbortSignal');
  if (o.trace !== undefined && typeof o.trace !== 'function') bad('trace must be a function');
  if (o.imports !== undefined) {
    if (typeof o.imports !== 'object' || o.imports === null) bad('imports must be an object of module name → { name: function }');
    for (const [mod, fns] of Object.entries(o.imports)) {
      if (mod === 'wasi_snapshot_preview1') bad('imports may not replace wasi_snapshot_preview1');
      if (typeof fns !== 'object' || fns === null) bad(`imports.${mod} must be an object of functions`);
      for (const [name, fn] of Object.entries(fns)) {
        const ok = typeof fn === 'function' || (typeof fn === 'object' && fn !== null && fn.kind === 'bytes' && typeof fn.fn === 'function');
        if (!ok) bad(`imports.${mod}.${name} must be a function or hostBytes(fn)`);
      }
    }
  }
  if (o.stackSizeMb !== undefined && !(typeof o.stackSizeMb === 'number' && o.stackSizeMb >= 1 && o.stackSizeMb <= 1024)) {
    bad('stackSizeMb must be a number of MiB between 1 and 1024');
  }
  return o;
}

/** Guest mount paths are absolute, normalised and free of "." / "..". */
export function checkGuestPath(path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) bad(`mount path ${JSON.stringify(path)} must be absolute (start with "/")`);
  if (path.includes('\0')) bad(`mount path ${JSON.stringify(path)} contains a NUL byte`);
  if (path !== '/' && path.endsWith('/')) bad(`mount path ${JSON.stringify(path)} must not end with "/"`);
  for (const part of path.split('/').slice(1)) {
    if (path !== '/' && (part === '' || part === '.' || part === '..')) bad(`mount path ${JSON.stringify(path)} must not contain empty, "." or ".." components`);
  }
}
