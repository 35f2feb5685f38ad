// Red team: a guest nests directories thousands deep in a memory mount. Copying that tree back
// from a worker or child process overflowed the stack: the run came back as a trap and the
// child printed a Node stack trace. Now the run keeps its real outcome and the skipped
// write-back is recorded as a denial.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryFs, run } from '../../src/index.js';
import { ROOT, warden } from './helpers.js';

const DEEP = join(ROOT, 'fixtures/wasm/redteam2/deepwalk.wasm');

test('a 2,000-deep memory tree: the run exits 0 under worker and process, the write-back is a denial', async () => {
  const wasm = readFileSync(DEEP);
  for (const isolation of ['worker', 'process'] as const) {
    const fs = memoryFs({ seed: 'kept' });
    const r = await run(wasm, { isolation, args: ['deepwalk', '/m', '1'], stdout: 'capture', stderr: 'capture', mounts: { '/m': fs }, limits: { timeoutMs: 15_000 } });
    assert.equal(r.outcome, 'exited', `${isolation}: ${r.error?.message}`);
    assert.equal(r.exitCode, 0);
    assert.ok(r.denials.some((d) => d.call === 'write-back' && d.detail.includes('/m')), isolation);
    assert.deepEqual(fs.list(), ['seed'], 'the host keeps its tree as it was');
  }
});

test('CLI --isolation process: no stack trace, the guest status', async () => {
  const r = await warden(['run', '--isolation', 'process', '--memfs', '/m', DEEP, '/m', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'open: 0\nafter: 0\n');
});
