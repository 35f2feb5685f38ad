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
}

async function timeBatch(job: Job, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) await job();
  return (performance.now() - t0) / batch;
}

export async function measurePair(warden: Job, node: Job, o: PairOptions): Promise<PairResult> {
  const batch = o.batch ?? 1;
  for (let i = 0; i < o.warmup; i++) {
    await timeBatch(warden, batch);
    await timeBatch(node, batch);
  }
  const w: number[] = [];
  const n: number[] = [];
  const started = performance.now();
  for (let i = 0; i < o.iterations; i++) {
    if (i % 2 === 0) {
      w.push(await timeBatch(warden, batch));
      n.push(await timeBatch(node, batch));
    } else {
      n.push(await timeBatch(node, batch));
      w.push(await timeBatch(warden, batch));
    }
    if (o.budgetMs !== undefined && i >= 4 && performance.now() - started > o.budgetMs) break;
  }
  const ratios = w.map((x, i) => x / n[i]!);
  return { warden: summarize(w), node: summarize(n), pairedRatio: quantile(ratios, 0.5) };
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
