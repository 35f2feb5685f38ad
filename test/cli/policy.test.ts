// policyOptions / loadPolicy: the JSON policy mapped onto RunOptions (no child processes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy, policyOptions } from '../../src/cli/policy.js';
import { MemoryFileSystem } from '../../src/fs/memory.js';
import { OverlayFileSystem } from '../../src/fs/overlay.js';
import { HostFileSystem } from '../../src/node/host-fs.js';
import { WardenUsageError } from '../../src/run/errors.js';
import { validateOptions } from '../../src/run/options.js';

test('a full policy maps onto valid RunOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-policy-'));
  try {
    mkdirSync(join(dir, 'data'));
    const o = policyOptions({
      args: ['tool', '-v'], env: { LANG: 'C' }, stdin: { text: 'hi' }, stdout: 'discard',
      clock: { frozen: '2024-01-01T00:00:00Z' }, random: 'seed:5',
      mounts: { '/d': { host: 'data', readOnly: true }, '/o': { overlay: 'data' }, scratch: { memory: { a: 'x' } } },
      limits: { timeoutMs: 50, memoryBytes: '1M', outputBytes: 2048, openFiles: 9, fuel: 1e6 },
      isolation: 'worker', stackSizeMb: 4,
    }, { baseDir: dir });
    assert.deepEqual(o.args, ['tool', '-v']);
    assert.deepEqual(o.env, { LANG: 'C' });
    assert.deepEqual(o.stdin, { text: 'hi' });
    assert.equal(o.stdout, 'discard');
    assert.deepEqual(o.clock, { frozen: new Date(Date.UTC(2024, 0, 1)) });
    assert.deepEqual(o.random, { seed: 5 });
    assert.deepEqual(o.limits, { timeoutMs: 50, memoryBytes: 1 << 20, outputBytes: 2048, openFiles: 9, fuel: 1e6 });
    assert.equal(o.isolation, 'worker');
    assert.equal(o.stackSizeMb, 4);
    const d = o.mounts!['/d'] as HostFileSystem;
    assert.ok(d instanceof HostFileSystem);
    assert.equal(d.hostPath, join(dir, 'data'), 'relative to baseDir');
    assert.equal(d.readOnly, true);
    assert.ok(o.mounts!['/o'] instanceof OverlayFileSystem);
    assert.equal((o.mounts!.scratch as MemoryFileSystem).readText('a'), 'x');
    validateOptions(o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors are WardenUsageErrors naming the JSON path', () => {
  const cases: [unknown, RegExp][] = [
    [[], /\(top level\) must be an object/],
    [{ args: 'x' }, /args must be an array/],
    [{ args: [1] }, /args\[0\] must be a string/],
    [{ stdin: { text: 'a', file: 'b' } }, /stdin must be/],
    [{ stdout: 'capture' }, /stdout must be "inherit" or "discard"/],
    [{ clock: { frozen: 'soon' } }, /clock\.frozen must be an ISO 8601 date/],
    [{ clock: { coarse: { resolutionMs: 0 } } }, /resolutionMs must be greater than 0/],
    [{ random: { seed: 1.5 } }, /random\.seed must be an integer/],
    [{ limits: { memoryBytes: 'lots' } }, /limits\.memoryBytes is invalid/],
    [{ limits: { stack: 1 } }, /limits\.stack is not a known key/],
    [{ mounts: { '/f': { file: 'x', quota: { bytes: 1 } } } }, /quota does not apply to a file/],
    [{ mounts: { rel: { file: 'x' } } }, /a file mount needs an absolute path/],
    [{ mounts: { '/m': { memory: { a: 1 } } } }, /mounts\["\/m"\]\.memory\.a must be an object/],
    [{ isolation: 'vm' }, /isolation must be/],
  ];
  for (const [json, pattern] of cases) {
    assert.throws(() => policyOptions(json, { source: 'p.json' }),
      (e: unknown) => e instanceof WardenUsageError && e.message.startsWith('policy p.json: ') && pattern.test(e.message),
      JSON.stringify(json));
  }
});

test('loadPolicy reports unreadable files and bad JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-policy-'));
  try {
    assert.throws(() => loadPolicy(join(dir, 'missing.json')), /cannot read .*: no such file or directory/);
    writeFileSync(join(dir, 'bad.json'), '{');
    assert.throws(() => loadPolicy(join(dir, 'bad.json')), /is not valid JSON/);
    writeFileSync(join(dir, 'ok.json'), '{"env": {"A": "1"}}');
    assert.deepEqual(loadPolicy(join(dir, 'ok.json')), { env: { A: '1' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
