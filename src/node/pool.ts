// A pool of warm child processes keyed by tenant. One tenant's process never runs another
// tenant's code; compiled modules are cached by content hash inside each child; a child whose
// run trapped, hit a limit, timed out or was aborted is replaced (its state is suspect), and so
// is one that served `recycleAfterRuns` runs. Jobs queue when the pool is full, up to maxQueue.
import { availableParallelism } from 'node:os';
import { AbortError, WardenUsageError } from '../run/errors.js';
import { validateOptions, type RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { preparationFailure, prepareModule } from '../run/rewrite/index.js';
import { moduleBytes, type ModuleSource } from './module-source.js';
import { ChildProc } from './process-child.js';
import { stdinBytes } from './stdio.js';

export interface PoolOptions {
  /** Child processes alive at once, all tenants together. Default: available parallelism. */
  maxProcesses?: number;
  /** Child processes one tenant may use at once. Default 1. */
  maxPerTenant?: number;
  /** Replace a child after this many runs. Default 1000. */
  recycleAfterRuns?: number;
  /** Jobs waiting for a process; beyond it run() rejects with PoolFullError. Default 1000. */
  maxQueue?: number;
  /** Stack size of each child (MiB). */
  stackSizeMb?: number;
  /** End a child that has been idle this long. Default 60 000 ms. */
  idleTimeoutMs?: number;
}

/** run() was called while maxQueue jobs were already waiting. */
export class PoolFullError extends Error {
  override readonly name = 'PoolFullError';
}

interface Job {
  tenant: string;
  bytes: Uint8Array;
  o: RunOptions;
  stdin: Uint8Array | null;
  timeoutMs: number;
  resolve: (r: RunResult) => void;
  reject: (e: unknown) => void;
  started: number;
  unqueue?: () => void;
}

const REPLACE: ReadonlySet<string> = new Set(['trapped', 'limit', 'timeout', 'aborted']);

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new WardenUsageError(`Pool: ${name} must be a positive integer`);
  return v;
}

export class Pool {
  private readonly maxProcesses: number;
  private readonly maxPerTenant: number;
  private readonly recycleAfterRuns: number;
  private readonly maxQueue: number;
  private readonly stackSizeMb: number | undefined;
  private readonly idleTimeoutMs: number;
  private readonly idleTimers = new Map<ChildProc, ReturnType<typeof setTimeout>>();
  private readonly children = new Map<string, Set<ChildProc>>();
  private readonly idle = new Set<ChildProc>();
  private readonly queue: Job[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private total = 0;
  private closing = false;

  constructor(o: PoolOptions = {}) {
    this.maxProcesses = positive('maxProcesses', o.maxProcesses, availableParallelism());
    this.maxPerTenant = Math.min(positive('maxPerTenant', o.maxPerTenant, 1), this.maxProcesses);
    this.recycleAfterRuns = positive('recycleAfterRuns', o.recycleAfterRuns, 1000);
    this.maxQueue = o.maxQueue === undefined ? 1000 : Math.max(0, Math.floor(o.maxQueue));
    this.stackSizeMb = o.stackSizeMb;
    this.idleTimeoutMs = positive('idleTimeoutMs', o.idleTimeoutMs, 60_000);
  }

  /** Processes alive now, and jobs waiting. */
  stats(): { processes: number; idle: number; queued: number } {
    return { processes: this.total, idle: this.idle.size, queued: this.queue.length };
  }

  /** Process ids of a tenant's children (diagnostics and tests). */
  processIds(tenant: string): number[] {
    return [...(this.children.get(tenant) ?? [])].map((c) => c.proc.pid!);
  }

  /** Run `module` for `tenant` in one of the tenant's own processes. */
  async run(tenant: string, module: ModuleSource, options?: RunOptions): Promise<RunResult> {
    if (this.closing) throw new WardenUsageError('Pool: closed');
    if (typeof tenant !== 'string' || tenant === '') throw new WardenUsageError('Pool: tenant must be a non-empty string');
    const o = validateOptions(options);
    if (o.isolation !== undefined && o.isolation !== 'process') throw new WardenUsageError("Pool: runs use isolation 'process'");
    const started = performance.now();
    const raw = moduleBytes(module);
    if (raw === null) throw new WardenUsageError('Pool: the module must be bytes or a path (a compiled WebAssembly.Module cannot cross a process boundary)');
    let bytes: Uint8Array;
    try {
      bytes = prepareModule(raw, { memoryBytes: o.limits?.memoryBytes, fuel: o.limits?.fuel !== undefined }).bytes;
    } catch (e) {
      const failed = preparationFailure(e);
      if (failed === null) throw e;
      return { ...failed, denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
    }
    const stdin = await stdinBytes(o.stdin);
    if (o.signal?.aborted) return aborted(o.signal, started);
    if (this.queue.length >= this.maxQueue) throw new PoolFullError(`Pool: ${this.queue.length} jobs are already waiting (maxQueue ${this.maxQueue})`);
    return new Promise((resolve, reject) => {
      const job: Job = { tenant, bytes, o, stdin, timeoutMs: o.limits?.timeoutMs ?? Infinity, resolve, reject, started };
      if (o.signal) {
        const onAbort = (): void => {
          const i = this.queue.indexOf(job);
          if (i >= 0) { this.queue.splice(i, 1); resolve(aborted(o.signal!, started)); }
        };
        o.signal.addEventListener('abort', onAbort, { once: true });
        job.unqueue = () => o.signal!.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Stop accepting jobs, reject queued ones, wait for running ones, end every child. */
  async close(): Promise<void> {
    this.closing = true;
    for (const j of this.queue.splice(0)) { j.unqueue?.(); j.reject(new WardenUsageError('Pool: closed before the job started')); }
    await Promise.all(this.running);
    const all = [...this.children.values()].flatMap((s) => [...s]);
    for (const c of all) { this.unidle(c); c.close(); }
    await Promise.all(all.map((c) => c.closed));
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length; i++) {
      const job = this.queue[i]!;
      const child = this.childFor(job.tenant);
      if (child === null) continue;
      this.queue.splice(i--, 1);
      job.unqueue?.();
      this.start(child, job);
    }
  }

  /** An idle child of this tenant, or a new one if the limits allow (evicting an idle child of another tenant). */
  private childFor(tenant: string): ChildProc | null {
    const mine = this.children.get(tenant);
    for (const c of mine ?? []) if (this.idle.has(c)) { this.unidle(c); return c; }
    if ((mine?.size ?? 0) >= this.maxPerTenant) return null;
    if (this.total >= this.maxProcesses) {
      const victim = this.idle.values().next().value;
      if (victim === undefined) return null;
      this.retire(victim);
    }
    return this.spawn(tenant);
  }

  private spawn(tenant: string): ChildProc {
    const c = new ChildProc(this.stackSizeMb);
    let set = this.children.get(tenant);
    if (set === undefined) this.children.set(tenant, (set = new Set()));
    set.add(c);
    this.total++;
    void c.closed.then(() => {
      // Gone (retired, crashed or killed): forget it and let waiting jobs use the slot.
      if (set!.delete(c)) this.total--;
      if (set!.size === 0 && this.children.get(tenant) === set) this.children.delete(tenant);
      this.unidle(c);
      this.dispatch();
    });
    return c;
  }

  private retire(c: ChildProc): void {
    this.unidle(c);
    c.kill();
  }

  /** Park a warm child: it no longer keeps the host alive, and ends after idleTimeoutMs. */
  private park(c: ChildProc): void {
    this.idle.add(c);
    c.setRef(false);
    const t = setTimeout(() => this.retire(c), this.idleTimeoutMs);
    t.unref();
    this.idleTimers.set(c, t);
  }

  private unidle(c: ChildProc): void {
    if (!this.idle.delete(c)) return;
    clearTimeout(this.idleTimers.get(c));
    this.idleTimers.delete(c);
    c.setRef(true);
  }

  private start(child: ChildProc, job: Job): void {
    const p = child.run(job.bytes, job.o, job.stdin, job.timeoutMs).then((r) => {
      if (child.dead || REPLACE.has(r.outcome) || child.runs >= this.recycleAfterRuns || this.closing) this.retire(child);
      else this.park(child);
      job.resolve(r);
    }, job.reject).finally(() => {
      this.running.delete(p);
      this.dispatch();
    });
    this.running.add(p);
  }
}

function aborted(signal: AbortSignal, started: number): RunResult {
  return { outcome: 'aborted', exitCode: null, error: new AbortError(signal.reason), denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
}

