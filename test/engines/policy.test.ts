// The JSON policy: every capability and limit as data, strict validation with precise errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../src/node/policy.js';
import { run } from '../../src/index.js';
import { MemoryFileSystem } from '../../src/fs/memory.js';
import { HostFileSystem } from '../../src/node/host-fs.js';

const hello = new URL('../../../fixtures/wasm/hello.wasm', import.meta.url).pathname;

test('policy: a full document becomes run options that work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));
  writeFileSync(join(dir, 'b.txt'), 'x');
  const o = loadPolicy(JSON.stringify({
    args: ['hello', '/data', '/tmp'],
    env: { NAME: 'Ada' },
    stdin: { text: 'in' },
    stdout: 'capture',
    clock: { frozen: '2024-01-01T00:00:00Z' },
    random: { seed: 7 },
    mounts: {
      '/data': { host: '.', readOnly: true },
      '/tmp': { memory: { 'a.txt': 'hi' }, quota: { bytes: 1000 } },
      '/etc/app.json': { file: '{}' },
    },
    limits: { timeoutMs: 5000, outputBytes: 4096, openFiles: 64 },
    isolation: 'worker',
  }), { baseDir: dir });
  assert.ok(o.mounts!['/data'] instanceof HostFileSystem);
  assert.equal((o.mounts!['/data'] as HostFileSystem).readOnly, true);
  assert.ok(o.mounts!['/tmp'] instanceof MemoryFileSystem);
  assert.deepEqual(o.limits, { timeoutMs: 5000, outputBytes: 4096, openFiles: 64 });
  const r = await run(hello, o);
  assert.equal(r.outcome, 'exited');
  assert.match(new TextDecoder().decode(r.stdout), /Hello, Ada[\s\S]*b\.txt/);
});

test('policy: errors name the exact setting', () => {
  const cases: [unknown, RegExp][] = [
    ['{', /policy is not valid JSON/],
    [{ limits: { timeoutMs: -1 } }, /policy\.limits\.timeoutMs must be a non-negative number/],
    [{ limits: { cpu: 1 } }, /policy\.limits\.cpu is not a known setting/],
    [{ mounts: { '/data': { host: './nope-does-not-exist' } } }, /policy\.mounts\["\/data"\]\.host cannot be mounted/],
    [{ mounts: { 'rel': { memory: {} } } }, /policy\.mounts\["rel"\].*absolute/],
    [{ mounts: { '/x': { memory: {}, host: '.' } } }, /exactly one of host, memory, overlay, file/],
    [{ mounts: { '/x': { memory: {}, readOnly: 'yes' } } }, /policy\.mounts\["\/x"\]\.readOnly must be true or false/],
    [{ clock: { frozen: 'not a date' } }, /policy\.clock\.frozen must be an ISO date/],
    [{ random: { seed: 1.5 } }, /policy\.random\.seed must be an integer/],
    [{ isolation: 'vm' }, /policy\.isolation must be/],
    [{ env: { A: 1 } }, /policy\.env\["A"\] must be a string/],
    [{ stdout: 'file' }, /policy\.stdout must be/],
    [{ imports: {} }, /policy\.imports is not a known setting/],
  ];
  for (const [doc, re] of cases) assert.throws(() => loadPolicy(typeof doc === 'string' ? doc : JSON.stringify(doc)), re, String(re));
});
