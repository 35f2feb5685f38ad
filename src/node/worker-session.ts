// The host side of one run in a worker thread or child process, shared by both engines: it
// routes the guest's streamed output and trace lines, arms the deadline once the guest starts,
// turns an AbortSignal into a kill, and assembles the RunResult from whatever ended the run.
import { CaptureOutput, CallbackOutput, DiscardOutput, type OutputStream } from '../kernel/stdio.js';
import { AbortError, GuestTrap, TimeoutError } from '../run/errors.js';
import type { OutputOption, RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import type { MemoryFileSystem } from '../fs/memory.js';
import { applyWriteBack, resultFromJSON } from './worker-job.js';
import type { RemoteEnd, RemoteMsg } from './worker-remote.js';

export type StopReason = 'timeout' | 'aborted';

/**
 * After a kill, how long to wait for the worker/child to be gone before answering anyway.
 * Output the guest wrote before the stop is normally delivered within it; on a loaded machine
 * the thread or process may take longer to be scheduled and die, and the host should not wait.
 */
const STOP_GRACE_MS = 10;

/**
 * The guest side stops itself at the deadline (vm watchdog, kernel sleep deadline) and reports
 * a full result; the host kills it only if that has not happened this long after the deadline.
 */
export const DEADLINE_BACKSTOP_MS = 100;

export function sink(o: OutputOption | undefined): OutputStream {
  if (o === undefined || o === 'capture') return new CaptureOutput();
  if (typeof o === 'function') return new CallbackOutput(o);
  if (typeof o === 'object') return new CallbackOutput((c) => { o.stream.write(c); });
  return new DiscardOutput(); // 'inherit' and 'discard' are handled on the guest side
}

/**
 * Run a host's stdout/stderr/trace callback from a message handler. The guest's write already
 * succeeded on its side, so a throwing callback is the host's own bug: it must not become an
 * uncaught exception that ends the whole host process (inline, the guest gets EIO instead).
 */
function hostCallback(f: () => void): void {
  try { f(); } catch { /* see above */ }
}

export class Session {
  private readonly stdout: OutputStream;
  private readonly stderr: OutputStream;
  private end: RemoteEnd | null = null;
  private stopped: StopReason | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onAbort: () => void;
  private readonly started = performance.now();
  private done: RunResult | null = null;
  /** Set by the engine: answer now (called STOP_GRACE_MS after a kill). */
  finishEarly: (() => void) | null = null;

  /** `kill` must end the guest at once (worker.terminate(), SIGKILL). */
  constructor(
    private readonly o: RunOptions,
    private readonly timeoutMs: number,
    private readonly memfs: MemoryFileSystem[],
    private readonly kill: (why: StopReason) => void,
  ) {
    this.stdout = sink(o.stdout);
    this.stderr = sink(o.stderr);
    this.onAbort = () => this.stop('aborted');
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get finished(): boolean { return this.end !== null || this.stopped !== null; }
  get stopReason(): StopReason | null { return this.stopped; }

  stop(why: StopReason): void {
    if (this.finished) return;
    this.stopped = why;
    this.kill(why);
    setTimeout(() => this.finishEarly?.(), STOP_GRACE_MS).unref();
  }

  /** Returns true when the message was the run's end. */
  onMessage(m: RemoteMsg | RemoteEnd): boolean {
    if (this.done !== null) return m.t === 'end';
    switch (m.t) {
      case 'started':
        if (Number.isFinite(this.timeoutMs)) this.timer = setTimeout(() => this.stop('timeout'), this.timeoutMs + DEADLINE_BACKSTOP_MS);
        return false;
      case 'out':
        hostCallback(() => (m.fd === 1 ? this.stdout : this.stderr).write(m.data));
        return false;
      case 'trace':
        hostCallback(() => this.o.trace?.(m.line));
        return false;
      case 'end':
        if (this.stopped === null) this.end = m;
        return true;
    }
  }

  /**
   * The run is over (end message received, or the worker/child is gone). `lost` describes an
   * unexpected death (a crash, a signal) when no end message came.
   */
  result(lost?: string): RunResult {
    if (this.done !== null) return this.done;
    if (this.timer !== null) clearTimeout(this.timer);
    this.o.signal?.removeEventListener('abort', this.onAbort);
    const base = { denials: [], durationMs: performance.now() - this.started, memoryPeakBytes: 0 };
    let r: RunResult;
    if (this.end !== null) {
      r = resultFromJSON(this.end.result);
      this.end.trees.forEach((t, i) => { if (t !== undefined) applyWriteBack(this.memfs[i]!, t); });
    } else if (this.stopped === 'timeout') {
      r = { outcome: 'timeout', exitCode: null, error: new TimeoutError(this.timeoutMs), ...base };
    } else if (this.stopped === 'aborted') {
      r = { outcome: 'aborted', exitCode: null, error: new AbortError(this.o.signal?.reason), ...base };
    } else {
      r = { outcome: 'trapped', exitCode: null, error: new GuestTrap('other', `the guest's ${lost ?? 'engine ended without a result'}`, []), ...base };
    }
    if (this.stdout instanceof CaptureOutput) r.stdout = this.stdout.bytes();
    if (this.stderr instanceof CaptureOutput) r.stderr = this.stderr.bytes();
    this.done = r;
    return r;
  }
}
