// `npm run bench`: every case side by side with node:wasi (both in one process, one process per
// case: case-child.ts), then the teammates' Warden-only rows (engines, fuel) when their modules
// exist. Prints a markdown table and writes it to bench/results.md.
//
//   node dist/bench/run.js [--only ID[,ID...]] [--no-write]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Case } from './case.js';
import { allCases } from './cases.js';
import { SCRATCH_ENV, devNull, repoRoot } from './env.js';
import type { PairResult } from './measure.js';
import type { Row } from './row.js';
import { ratioOf, renderTable, verdict } from './table.js';
import { nativeDeadline } from '../src/node/deadline-native.js';
import { nativeFs } from '../src/node/host-native.js';

function parseArgs(argv: string[]): { only: string[] | null; write: boolean } {
  let only: string[] | null = null;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--no-write') write = false;
    else throw new Error(`unknown argument ${a} (use --only ID,ID or --no-write)`);
  }
  return { only, write };
}

/** Parent of every case's scratch directories (a crashed case cannot clean up after itself). */
const scratchRoot = mkdtempSync(join(tmpdir(), 'warden-bench-'));

/** Run one case in a child process; null if the child died without a result. */
function runInChild(id: string, flags: readonly string[]): Promise<{ result?: PairResult; error?: string }> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./case-child.js', import.meta.url)), [id], {
      stdio: ['ignore', devNull(), 'inherit', 'ipc'],
      execArgv: ['--no-warnings', ...flags],
      env: { ...process.env, [SCRATCH_ENV]: scratchRoot },
    });
    let got: { result?: PairResult; error?: string } | null = null;
    child.on('message', (msg: { ok: boolean; result?: PairResult; error?: string }) => {
      got = msg.ok ? { result: msg.result! } : { error: msg.error ?? 'failed' };
    });
    child.on('exit', (code, signal) => resolve(got ?? { error: `child died (${signal ?? `exit ${code}`})` }));
  });
}

/** Crashes of the case children (node:wasi's, see case-child.ts), for the report. */
const crashes: string[] = [];

/** Attempts per case: node:wasi crashes its process now and then (see case-child.ts). */
const ATTEMPTS = 4;

async function runCase(c: Case): Promise<Row> {
  let out = await runInChild(c.id, c.nodeFlags ?? []);
  for (let attempt = 1; attempt < ATTEMPTS && out.result === undefined && out.error?.startsWith('child died'); attempt++) {
    crashes.push(`${c.id}: ${out.error.slice('child died '.length)}`);
    out = await runInChild(c.id, c.nodeFlags ?? []);
  }
  if (out.result === undefined) {
    if (out.error?.startsWith('child died')) crashes.push(`${c.id}: ${out.error.slice('child died '.length)}`);
    console.error(`case ${c.id} failed: ${out.error}`);
    return { name: c.name, unit: c.unit, target: c.target, warden: NaN, note: 'no result (see stderr)' };
  }
  const r = out.result;
  const k = c.unit === 'µs' ? 1000 : 1;
  return {
    name: c.name, unit: c.unit, target: c.target,
    warden: r.warden.median * k, wardenP10: r.warden.p10 * k, wardenP90: r.warden.p90 * k,
    node: r.node.median * k, nodeP10: r.node.p10 * k, nodeP90: r.node.p90 * k,
    pairedRatio: r.pairedRatio, cpuRatio: r.cpuRatio,
  };
}

/** Rows from a teammate's bench module (bench/<file>.js exporting `exportName`), if present. */
async function extraRows(file: string, exportName: string): Promise<Row[]> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(url)) return [];
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') return [];
    return (await (fn as () => Promise<Row[]> | Row[])()) ?? [];
  } catch (e) {
    // A teammate's rows failing must not lose the side-by-side table.
    console.error(`${file}: ${(e as Error).stack ?? String(e)}`);
    return [{ name: `${file} (${exportName})`, warden: NaN, unit: '', note: 'failed (see stderr)' }];
  }
}

async function main(): Promise<void> {
  const { only, write } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const cases = allCases().filter((c) => only === null || only.some((o) => c.id.startsWith(o)));
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      const row = await runCase(c);
      rows.push(row);
      console.error(`  ${c.id.padEnd(22)} warden ${row.warden.toFixed(2)} ${row.unit}  node:wasi ${row.node?.toFixed(2)} ${row.unit}  ` +
        `ratio ${ratioOf(row)?.toFixed(2)}  paired ${row.pairedRatio?.toFixed(2)}  ${verdict(row)}`);
    }
  } finally {
    rmSync(scratchRoot, { recursive: true, force: true });
  }
  if (only === null || only.includes('engines')) rows.push(...await extraRows('engines.js', 'engineBenchmarks'));
  if (only === null || only.includes('fuel')) rows.push(...await extraRows('fuel.js', 'fuelBenchmarks'));

  const seconds = (performance.now() - started) / 1000;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}`;
  const text = [
    '# Warden benchmark results',
    '',
    'Produced by `npm run bench` (`node dist/bench/run.js`). Warden and `node:wasi` run the same',
    'compiled module in one process, iterations interleaved; medians with p10–p90 in brackets;',
    'ratio = Warden median / node:wasi median (lower is better); paired ratio = median over',
    'iterations of Warden\'s time / the node:wasi time measured next to it (pass/fail uses it: it',
    'cancels drift and phases of the host disk that a ratio of two medians does not); cpu ratio =',
    'the same with process CPU time (user + system), which other load on the machine disturbs less',
    '(it leaves out time spent waiting for a core or the disk). Each case runs',
    'in its own process, because node:wasi crashes its process now and then (crashes are listed',
    'below the table); the read cases run with `--no-turbo-fast-api-calls`, because node:wasi',
    'corrupts its heap when a GC starts inside its fast-path fd_read (that path is no faster there).',
    '',
    renderTable(rows),
    '',
    `Machine: ${machine}. Whole run: ${seconds.toFixed(0)} s. 1-minute load average ` +
      `${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (other work on the machine ` +
      'widens the spreads; interleaving keeps it from favouring either side).',
    `Native addons (native/): hostDir ${nativeFs() !== null ? 'openat shim' : '/proc/<pid>/fd paths (shim not in use)'}, ` +
      `inline deadline ${nativeDeadline() !== null ? 'timer thread' : 'vm watchdog (timer not in use)'}.`,
    ...(crashes.length > 0 ? ['', `Case processes that crashed and were re-run (node:wasi's crashes: see bench/case-child.ts): ${crashes.join('; ')}.`] : []),
    '',
  ].join('\n');
  console.log(text);
  if (write && only === null) writeFileSync(join(repoRoot, 'bench', 'results.md'), text);
}

await main();
