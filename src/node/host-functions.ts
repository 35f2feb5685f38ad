// Host functions: the public helpers and the inline engine's wrappers. The byte-passing
// convention (shared with plugin.callBytes) lives in host-functions-guest.ts; the worker and
// process engines forward calls to the host thread (host-functions-channel.ts, process.ts).
import type { Kernel } from '../kernel/kernel.js';
import { WardenUsageError } from '../run/errors.js';
import type { BytesHostFunction, HostFunction, HostImports } from '../run/options.js';
import { guestBytesCall, toBytes, type GuestRef } from './host-functions-guest.js';
import { HostFunctionError } from './host-functions-errors.js';

export { HostFunctionError };

/**
 * Mark a host function as taking and returning bytes: the guest imports it as
 * `(ptr: i32, len: i32) -> i64`; `fn` gets a copy of guest memory [ptr, ptr+len) and may return
 * bytes, a string (UTF-8) or null. See notes/engines-readme.md for the full convention.
 */
export function hostBytes(fn: (input: Uint8Array) => Uint8Array | string | null | undefined | Promise<Uint8Array | string | null | undefined>): BytesHostFunction {
  if (typeof fn !== 'function') throw new WardenUsageError('hostBytes(fn) needs a function');
  return { kind: 'bytes', fn };
}

export function isBytesFunction(f: HostFunction | BytesHostFunction): f is BytesHostFunction {
  return typeof f === 'object' && f !== null && f.kind === 'bytes';
}

/** One host function, flattened: how engines refer to it by index across a thread or process. */
export interface HostFunctionRef {
  module: string;
  name: string;
  bytes: boolean;
}

export function listHostFunctions(imports: HostImports | undefined): { refs: HostFunctionRef[]; fns: (HostFunction | BytesHostFunction)[] } {
  const refs: HostFunctionRef[] = [];
  const fns: (HostFunction | BytesHostFunction)[] = [];
  for (const [module, entries] of Object.entries(imports ?? {})) {
    for (const [name, f] of Object.entries(entries)) {
      refs.push({ module, name, bytes: isBytesFunction(f) });
      fns.push(f);
    }
  }
  return { refs, fns };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

const INLINE_ASYNC = 'inline mode needs synchronous host functions; use isolation: \'worker\' or \'process\' for async ones';


/** Reject async functions up front (detectable by their constructor) for the inline engine. */
export function checkInlineImports(imports: HostImports | undefined): void {
  for (const [module, entries] of Object.entries(imports ?? {})) {
    for (const [name, f] of Object.entries(entries)) {
      const fn = isBytesFunction(f) ? f.fn : f;
      if (fn.constructor?.name === 'AsyncFunction') throw new WardenUsageError(`imports.${module}.${name} is async: ${INLINE_ASYNC}`);
    }
  }
}

/**
 * Import object for the inline engine: each call checks the run is still alive (so an abort
 * acts between host calls), and a function that returns a promise traps with a clear message.
 */
export function inlineImports(imports: HostImports | undefined, ref: GuestRef): Record<string, Record<string, unknown>> | undefined {
  if (imports === undefined) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [module, entries] of Object.entries(imports)) {
    const m: Record<string, unknown> = (out[module] = {});
    for (const [name, f] of Object.entries(entries)) {
      // Same message shape as the worker and process engines: "host function env.f failed: ...".
      const sync = (call: () => unknown): unknown => {
        let r: unknown;
        try {
          r = call();
        } catch (e) {
          if (e instanceof HostFunctionError) throw e;
          throw new HostFunctionError(`host function ${module}.${name} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        }
        if (isThenable(r)) {
          (r as Promise<unknown>).then(undefined, () => { /* the run already failed on this call */ });
          throw new HostFunctionError(`host function ${module}.${name} returned a promise: ${INLINE_ASYNC}`);
        }
        return r;
      };
      if (isBytesFunction(f)) {
        m[name] = (ptr: number, len: number) => {
          alive(ref.kernel);
          return guestBytesCall(ref, ptr, len, (input) => sync(() => f.fn(input)));
        };
      } else {
        m[name] = (...args: unknown[]) => {
          alive(ref.kernel);
          return sync(() => f(...args));
        };
      }
    }
  }
  return out;
}

function alive(k: Kernel | null): void {
  k?.alive();
}

/** A host function's answer, ready to be sent back to a guest blocked on it. */
export type HostAnswer =
  | { kind: 'value'; value: number | bigint | undefined }
  | { kind: 'bytes'; bytes: Uint8Array | null }
  | { kind: 'error'; message: string };

function failed(name: string, e: unknown): HostAnswer {
  return { kind: 'error', message: `host function ${name} failed: ${(e as Error)?.message ?? String(e)}` };
}

function valueAnswer(name: string, r: unknown): HostAnswer {
  if (typeof r === 'number' || typeof r === 'bigint') return { kind: 'value', value: r };
  if (typeof r === 'boolean') return { kind: 'value', value: Number(r) };
  if (r === undefined || r === null) return { kind: 'value', value: undefined };
  return { kind: 'error', message: `host function ${name} returned ${typeof r}; host functions return numbers, bigints or nothing` };
}

function bytesAnswer(name: string, r: unknown): HostAnswer {
  try { return { kind: 'bytes', bytes: toBytes(r, name) }; } catch (e) { return failed(name, e); }
}

/**
 * Run a host function for a guest in another thread or process. Synchronous functions answer
 * synchronously (no microtask on the hot path); async ones give a promise. Never throws.
 */
export function answerHostCall(f: HostFunction | BytesHostFunction, name: string, args: unknown[], input: Uint8Array | null): HostAnswer | Promise<HostAnswer> {
  try {
    const bytes = isBytesFunction(f);
    const r = bytes ? f.fn(input ?? new Uint8Array(0)) : f(...args);
    const shape = bytes ? bytesAnswer : valueAnswer;
    if (isThenable(r)) return Promise.resolve(r).then((v) => shape(name, v), (e: unknown) => failed(name, e));
    return shape(name, r);
  } catch (e) {
    return failed(name, e);
  }
}

/**
 * The runGuest pieces the inline engine needs for `o.imports`: rejects async functions up
 * front (WardenUsageError), and fills the guest reference once the instance exists.
 */
export function inlineHostImports(imports: HostImports | undefined): {
  imports?: Record<string, Record<string, unknown>>;
  onInstance?: (instance: WebAssembly.Instance, kernel: Kernel) => void;
} {
  if (imports === undefined) return {};
  checkInlineImports(imports);
  const ref: GuestRef = { instance: null, kernel: null };
  return { imports: inlineImports(imports, ref), onInstance: (i, k) => { ref.instance = i; ref.kernel = k; } };
}
