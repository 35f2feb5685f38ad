// Side-by-side timing: Warden and node:wasi iterations are interleaved in one process, and the
// order inside each pair alternates (W N, N W, ...) so that drift (thermal, GC pressure, page
// cache, a teammate's job on the shared cores) falls on both sides alike.
import { quantile, summarize, type Summary } from './stats.js';

export type Job = () => Promise<unknown> | unknown;

export interface PairOptions {
  /** Timed iterations per side. */
  iterations: number;
  /** Untimed iterations per side first (JIT warm-up, page cache). */
  warmup: number;
  /** Runs per timed sample; the sample is the mean of the batch (for very short jobs). */
  batch?: number;
  /** Stop early once this much time (ms) went into timed iterations, keeping >= 5 pairs. */
  budgetMs?: number;
}

export interface PairResult {
  warden: Summary;
  node: Summary;
  /** Median of the per-pair ratios warden/node: robust to drift between pairs. */
  pairedRatio: number;
  /**
   * Median of the per-pair ratios of process CPU time (user + system, all threads). Under
   * heavy load from other processes wall time includes waiting for a core; CPU time does not.
   */
  cpuRatio: number;
}

/** CPU time (ms) of the last timeBatch call, beside its wall time. */
let lastCpuMs = 0;

async function timeBatch(job: Job, batch: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) await job();
  const wall = (performance.now() - t0) / batch;
  const c = process.cpuUsage(c0);
  lastCpuMs = (c.user + c.system) / 1000 / batch;
  return wall;
}

export async function measurePair(warden: Job, node: Job, o: PairOptions): Promise<PairResult> {
  const batch = o.batch ?? 1;
  for (let i = 0; i < o.warmup; i++) {
    await timeBatch(warden, batch);
    await timeBatch(node, batch);
  }
  const w: number[] = [];
  const n: number[] = [];
  const wc: number[] = [];
  const nc: number[] = [];
  const side = async (job: Job, wall: number[], cpu: number[]): Promise<void> => {
    wall.push(await timeBatch(job, batch));
    cpu.push(lastCpuMs);
  };
  const started = performance.now();
  for (let i = 0; i < o.iterations; i++) {
    if (i % 2 === 0) {
      await side(warden, w, wc);
      await side(node, n, nc);
    } else {
      await side(node, n, nc);
      await side(warden, w, wc);
    }
    if (o.budgetMs !== undefined && i >= 4 && performance.now() - started > o.budgetMs) break;
  }
  const ratios = w.map((x, i) => x / n[i]!);
  const cpuRatios = wc.map((x, i) => x / nc[i]!);
  return {
    warden: summarize(w), node: summarize(n),
    pairedRatio: quantile(ratios, 0.5), cpuRatio: quantile(cpuRatios, 0.5),
  };
}

/** Time one side only (a Warden-only row, e.g. an engine comparison). */
export async function measureOne(job: Job, o: PairOptions): Promise<Summary> {
  const batch = o.batch ?? 1;
  for (let i = 0; i < o.warmup; i++) await timeBatch(job, batch);
  const xs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < o.iterations; i++) {
    xs.push(await timeBatch(job, batch));
    if (o.budgetMs !== undefined && i >= 4 && performance.now() - started > o.budgetMs) break;
  }
  return summarize(xs);
}
