// Engine rows for `npm run bench`: the cost of an armed deadline per engine, abort latency,
// a warm pooled run, and host-function round trips. In the "deadline" rows the node column
// holds Warden *without* a deadline, so the ratio is the deadline's overhead (target <= 1.02).
//
//   node dist/bench/engines.js      prints the rows on their own
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { loadPlugin, Pool, run, type RunOptions, type RunResult } from '../src/index.js';
import { repoRoot } from './env.js';
import { measureOne } from './measure.js';
import type { Row } from './row.js';
import { quantile, summarize } from './stats.js';

const ROUNDS = '200';

function ok(r: RunResult, what: string): RunResult {
  if (r.outcome !== 'exited' || r.exitCode !== 0) throw new Error(`${what}: ${r.outcome} ${r.error?.message ?? ''}`);
  return r;
}

async function wat(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const m = wabt.parseWat('bench.wat', text);
  try { return m.toBinary({}).buffer; } finally { m.destroy(); }
}

/** Prints "x" then spins (abort mid-compute), or sleeps 60 s in poll_oneoff. */
function stopGuest(sleep: boolean): Promise<Uint8Array> {
  return wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1) (data (i32.const 16) "x")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 1))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      ${sleep
    ? `(i64.store (i32.const 64) (i64.const 1)) (i32.store8 (i32.const 72) (i32.const 0)) (i32.store (i32.const 80) (i32.const 1))
         (i64.store (i32.const 88) (i64.const 60000000000)) (i64.store (i32.const 96) (i64.const 0)) (i32.store16 (i32.const 104) (i32.const 0))
         (drop (call $p (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 160)))`
    : '(loop $l (br $l))'}))`);
}

/** A plugin whose `calls(n)` calls env.f(i) n times. */
function callsGuest(): Promise<Uint8Array> {
  return wat(`(module (import "env" "f" (func $f (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "calls") (param $n i32) (result i32) (local $i i32) (local $s i32)
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $f (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
      (local.get $s)))`);
}

/** Abort latency: abort once the guest has started (printed), time until run() resolves. */
async function abortLatency(isolation: 'worker' | 'process', sleep: boolean, n: number): Promise<number[]> {
  const bytes = await stopGuest(sleep);
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const ac = new AbortController();
    let t0 = 0;
    const o: RunOptions = { isolation, clock: 'real', signal: ac.signal, stdout: () => { t0 = performance.now(); ac.abort(); } };
    const r = await run(bytes, o);
    if (r.outcome !== 'aborted') throw new Error(`abort latency (${isolation}, sleep ${sleep}): ${r.outcome} ${r.error?.message}`);
    xs.push(performance.now() - t0);
  }
  return xs;
}

async function deadlineRows(): Promise<Row[]> {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fixtures', 'wasm', 'bench-compute.wasm')));
  const args = ['compute', ROUNDS];
  const rows: Row[] = [];
  const pool = new Pool({ maxProcesses: 1 });
  try {
    const engines: [string, (t: number) => Promise<RunResult>][] = [
      ['inline', (t) => run(bytes, { args, stdout: 'discard', limits: { timeoutMs: t } })],
      ['worker', (t) => run(bytes, { args, stdout: 'discard', isolation: 'worker', limits: { timeoutMs: t } })],
      ['process (pooled)', (t) => pool.run('bench', bytes, { args, stdout: 'discard', limits: { timeoutMs: t } })],
    ];
    for (const [name, go] of engines) {
      // Interleaved pairs of the guest's own time (durationMs), which leaves thread/process
      // start-up (noisy on a shared machine, and identical with or without a deadline) out.
      const w: number[] = [], n: number[] = [];
      for (let i = 0; i < 2; i++) { await go(600_000); await go(Infinity); }
      for (let i = 0; i < 61; i++) {
        if (i % 2 === 0) { w.push(ok(await go(600_000), name).durationMs); n.push(ok(await go(Infinity), name).durationMs); }
        else { n.push(ok(await go(Infinity), name).durationMs); w.push(ok(await go(600_000), name).durationMs); }
      }
      const sw = summarize(w), sn = summarize(n);
      rows.push({
        name: `engines: SHA-256 of ${Number(ROUNDS) / 16} MiB, deadline armed, ${name} (node column: no deadline)`,
        warden: sw.median, wardenP10: sw.p10, wardenP90: sw.p90,
        node: sn.median, nodeP10: sn.p10, nodeP90: sn.p90, unit: 'ms', target: '<= 1.02',
      });
    }
  } finally {
    await pool.close();
  }
  return rows;
}

async function pooledHello(): Promise<Row[]> {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fixtures', 'wasm', 'bench-hello.wasm')));
  const pool = new Pool({ maxProcesses: 1 });
  try {
    const s = await measureOne(async () => ok(await pool.run('bench', bytes), 'hello'), { iterations: 400, warmup: 20 });
    const cold = await measureOne(async () => ok(await run(bytes, { isolation: 'process' }), 'hello'), { iterations: 9, warmup: 1 });
    const worker = await measureOne(async () => ok(await run(bytes, { isolation: 'worker' }), 'hello'), { iterations: 9, warmup: 1 });
    const inline = await measureOne(async () => ok(await run(bytes), 'hello'), { iterations: 200, warmup: 20 });
    return [
      { name: 'engines: hello, pooled warm process (target <= 2 ms)', warden: s.median, wardenP10: s.p10, wardenP90: s.p90, unit: 'ms', target: '<= 2 ms' },
      { name: 'engines: hello, inline', warden: inline.median, wardenP10: inline.p10, wardenP90: inline.p90, unit: 'ms' },
      { name: 'engines: hello, new worker per run', warden: worker.median, wardenP10: worker.p10, wardenP90: worker.p90, unit: 'ms' },
      { name: 'engines: hello, new process per run', warden: cold.median, wardenP10: cold.p10, wardenP90: cold.p90, unit: 'ms' },
    ];
  } finally {
    await pool.close();
  }
}

async function abortRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const isolation of ['worker', 'process'] as const) {
    for (const sleep of [false, true]) {
      const xs = await abortLatency(isolation, sleep, isolation === 'worker' ? 40 : 25);
      const what = sleep ? 'in poll_oneoff' : 'mid-compute';
      rows.push({ name: `engines: abort latency ${what}, ${isolation}, p50 (target <= 5 ms)`, warden: quantile(xs, 0.5), unit: 'ms', target: '<= 5 ms' });
      rows.push({ name: `engines: abort latency ${what}, ${isolation}, p99 (target <= 50 ms)`, warden: quantile(xs, 0.99), unit: 'ms', target: '<= 50 ms' });
    }
  }
  return rows;
}

async function hostCallRows(): Promise<Row[]> {
  const bytes = await callsGuest();
  const N = 2000;
  const rows: Row[] = [];
  const targets: Record<string, string> = { inline: '', worker: '<= 20 µs', process: '<= 100 µs' };
  for (const isolation of ['inline', 'worker', 'process'] as const) {
    const p = await loadPlugin(bytes, { isolation, imports: { env: { f: (i: number) => i & 1 } } });
    try {
      const s = await measureOne(async () => {
        const r = await p.call('calls', N);
        if (r !== N / 2) throw new Error(`host calls: ${r}`);
      }, { iterations: 15, warmup: 3 });
      rows.push({
        name: `engines: host function round trip, ${isolation}${targets[isolation] ? ` (target ${targets[isolation]})` : ''}`,
        warden: (s.median / N) * 1000, wardenP10: (s.p10 / N) * 1000, wardenP90: (s.p90 / N) * 1000, unit: 'µs', ...(targets[isolation] ? { target: targets[isolation] } : {}),
      });
    } finally {
      await p.close();
    }
  }
  return rows;
}

export async function engineBenchmarks(): Promise<Row[]> {
  return [...await pooledHello(), ...await hostCallRows(), ...await abortRows(), ...await deadlineRows()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await engineBenchmarks()) {
    const ratio = r.node === undefined ? '' : ` (no deadline ${r.node.toFixed(2)}, ratio ${(r.warden / r.node).toFixed(3)})`;
    console.log(`${r.name}: ${r.warden.toFixed(3)} ${r.unit}${ratio}`);
  }
}
