// The inline engine: the guest runs synchronously on the caller's thread. A deadline is put on
// it with V8's own watchdog (vm timeout), which terminates execution at V8's loop interrupt
// checks, so the guest is not instrumented (see RATIONALE.md, "Why a vm timeout for inline?").
import vm from 'node:vm';

const script = new vm.Script('globalThis.__wardenInvoke()', { filename: 'warden-inline' });
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function invokeWithDeadline(fn: () => void, timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs)) { fn(); return; }
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
  return (e as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** Blocking sleep for poll_oneoff on this thread. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
