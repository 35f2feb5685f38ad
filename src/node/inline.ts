// The inline engine: the guest runs synchronously on the caller's thread. A deadline is put on
// it by terminating V8 execution at V8's own loop interrupt checks, so the guest is not
// instrumented: through the native deadline timer when it is built (one long-lived timer thread,
// ~0.1 µs to arm), else through V8's vm watchdog (a thread per call, 30-500 µs). See
// RATIONALE.md, "Why a vm timeout for inline?" and "Why a native deadline timer beside the vm
// watchdog?".
import vm from 'node:vm';
import { NATIVE_DEADLINE_CODE, nativeDeadline } from './deadline-native.js';

const script = new vm.Script('globalThis.__wardenInvoke()', { filename: 'warden-inline' });
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const native = nativeDeadline();

export function invokeWithDeadline(fn: () => void, timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs)) { fn(); return; }
  if (native !== null) { native.invoke(fn, Math.max(1, Math.ceil(timeoutMs))); return; }
  const g = globalThis as { __wardenInvoke?: () => void };
  const prev = g.__wardenInvoke;
  g.__wardenInvoke = fn;
  try {
    script.runInThisContext({ timeout: Math.max(1, Math.ceil(timeoutMs)), breakOnSigint: false });
  } finally {
    g.__wardenInvoke = prev;
  }
}

export function isVmTimeout(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' || code === NATIVE_DEADLINE_CODE;
}

/** Blocking sleep for poll_oneoff on this thread. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
