// Fuel metering rows for `npm run bench`: the same compute-bound guest with and without a
// fuel budget, interleaved in one process. The "node" column of these rows holds Warden
// *without* fuel, so the ratio column is the metering overhead (target <= 1.25x).
//
//   node dist/bench/fuel.js      prints the rows on their own
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from '../src/index.js';
import { prepareModule } from '../src/run/rewrite/index.js';
import { repoRoot } from './env.js';
import { measureOne, measurePair } from './measure.js';
import type { Row } from './row.js';

const ROUNDS = '800'; // 800 x 64 KiB of SHA-256 blocks, as in the compute case

function ok(r: RunResult, what: string): RunResult {
  if (r.outcome !== 'exited' || r.exitCode !== 0) throw new Error(`${what}: ${r.outcome} ${r.error?.message ?? ''}`);
  return r;
}

async function pairRow(on: () => Promise<RunResult>, off: () => Promise<RunResult>): Promise<Omit<Row, 'name' | 'unit'>> {
  const p = await measurePair(async () => ok(await on(), 'fuel on'), async () => ok(await off(), 'fuel off'), { iterations: 9, warmup: 2, budgetMs: 15_000 });
  return {
    warden: p.warden.median, wardenP10: p.warden.p10, wardenP90: p.warden.p90,
    node: p.node.median, nodeP10: p.node.p10, nodeP90: p.node.p90, pairedRatio: p.pairedRatio,
  };
}

export async function fuelBenchmarks(): Promise<Row[]> {
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fixtures', 'wasm', 'bench-compute.wasm')));
  const args = ['compute', ROUNDS];
  const plain = ok(await run(bytes, { args, stdout: 'capture' }), 'compute');
  const metered = ok(await run(bytes, { args, stdout: 'capture', limits: { fuel: 1e15 } }), 'compute with fuel');
  if (Buffer.compare(plain.stdout!, metered.stdout!) !== 0) throw new Error('fuel changed the compute guest\'s output');

  const pair = await measurePair(
    async () => ok(await run(bytes, { args, stdout: 'discard', limits: { fuel: 1e15 } }), 'compute with fuel'),
    async () => ok(await run(bytes, { args, stdout: 'discard' }), 'compute'),
    { iterations: 11, warmup: 2, budgetMs: 20_000 },
  );
  const worst: Row[] = [];
  const fuelGuest = new Uint8Array(readFileSync(join(repoRoot, 'fixtures', 'wasm', 'bench-fuel.wasm')));
  for (const [what, n, label] of [['sieve', '30000000', 'sieve to 30M (tight loop)'], ['fib', '35', 'recursive fib(35) (a call every few instructions)']] as const) {
    const a = ['fuel', what, n];
    const r = await pairRow(
      () => run(fuelGuest, { args: a, stdout: 'discard', limits: { fuel: 1e15 } }),
      () => run(fuelGuest, { args: a, stdout: 'discard' }),
    );
    worst.push({ ...r, name: `fuel worst case: ${label}, fuel on (node column: fuel off)`, unit: 'ms' });
  }
  // Instrumenting a fresh copy each time (prepareModule caches per array identity).
  const rewrite = await measureOne(() => prepareModule(bytes.slice(), { fuel: true, memoryBytes: 64 << 20 }), { iterations: 15, warmup: 3 });
  return [
    {
      name: `fuel: SHA-256 of ${Number(ROUNDS) / 16} MiB, fuel on (node column: Warden fuel off; ${metered.fuelUsed} fuel)`,
      warden: pair.warden.median, wardenP10: pair.warden.p10, wardenP90: pair.warden.p90,
      node: pair.node.median, nodeP10: pair.node.p10, nodeP90: pair.node.p90, pairedRatio: pair.pairedRatio,
      unit: 'ms', target: '<= 1.25',
    },
    ...worst,
    { name: `fuel: rewrite a ${Math.round(bytes.length / 1024)} KiB module (fuel + memory cap)`, warden: rewrite.median, unit: 'ms' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await fuelBenchmarks()) {
    const ratio = r.node === undefined ? '' : ` ratio ${(r.warden / r.node).toFixed(3)} paired ${r.pairedRatio?.toFixed(3)}`;
    console.log(`${r.name}: ${r.warden.toFixed(2)} ${r.unit}${r.node !== undefined ? ` vs ${r.node.toFixed(2)}` : ''}${ratio}`);
  }
}
