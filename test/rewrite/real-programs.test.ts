// Fuel and memory caps on a large real clang-built program (Yosys 0.55, ~30 MB of wasm): the
// metered module produces the same netlist, uses the same fuel on every run, and stops with
// outcome `limit` when the fuel or the memory runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { run, memoryFs, LimitExceeded, type RunOptions } from '../../src/index.js';
import { yosysShareTree } from '../programs/helpers/packages.js';
import { COUNTER_V, SYNTH_ARGS, yosysWasm } from '../programs/helpers/yosys.js';

const wasm = yosysWasm();
const share = await yosysShareTree();
// The digest test/programs/yosys.test.ts pins for the unmetered run.
const JSON_SHA256 = '48b67502210adfcdd7d1e272c98f439762d2a434d7812c85eb603c74729bc046';

async function synth(limits: RunOptions['limits']) {
  const work = memoryFs({ 'counter.v': COUNTER_V });
  const result = await run(wasm, {
    args: SYNTH_ARGS, stdout: 'capture', stderr: 'capture',
    mounts: { '/share': memoryFs(share), '/tmp': memoryFs(), '/work': work },
    limits: { timeoutMs: 120_000, ...limits },
  });
  return { result, work };
}

test('yosys under fuel: same netlist, same fuel on every run', async () => {
  const a = await synth({ fuel: 1e13 });
  const b = await synth({ fuel: 1e13, memoryBytes: 1 << 30 });
  for (const { result, work } of [a, b]) {
    assert.equal(result.outcome, 'exited', String(result.error));
    assert.equal(result.exitCode, 0);
    assert.equal(createHash('sha256').update(work.readFile('counter.json')).digest('hex'), JSON_SHA256);
  }
  assert.ok(a.result.fuelUsed! > 1e8, String(a.result.fuelUsed));
  assert.equal(a.result.fuelUsed, b.result.fuelUsed);

  const short = await synth({ fuel: Math.floor(a.result.fuelUsed! / 3) });
  assert.equal(short.result.outcome, 'limit');
  assert.equal((short.result.error as LimitExceeded).limit, 'fuel');
  assert.match(new TextDecoder().decode(short.result.stdout), /Yosys 0\.55/, 'output up to the stop is kept');
});

test('yosys with too little memory ends with outcome limit (memory)', async () => {
  // It starts at 210 pages (13.1 MiB) and peaks near 18 MiB for this design.
  const { result } = await synth({ memoryBytes: 16 << 20 });
  assert.equal(result.outcome, 'limit', String(result.error));
  assert.equal((result.error as LimitExceeded).limit, 'memory');
  // A large request failed below the cap: the run still names the memory limit.
  assert.ok(result.memoryPeakBytes <= 16 << 20);
  const tiny = await synth({ memoryBytes: 8 << 20 });
  assert.equal(tiny.result.outcome, 'limit');
  assert.match(String(tiny.result.error), /starts at 210 pages/);
});
