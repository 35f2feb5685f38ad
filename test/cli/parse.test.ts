// Unit tests of `warden` command-line parsing (no child processes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, type RunArgs } from '../../src/cli/parse.js';
import { CliUsageError } from '../../src/cli/errors.js';
import { parseClock, parseDir, parseMemfs, parseSize } from '../../src/cli/values.js';

function runArgs(argv: string[], env: Record<string, string> = {}): RunArgs {
  const c = parseCommandLine(['run', ...argv], env);
  assert.equal(c.kind, 'run');
  return (c as { args: RunArgs }).args;
}

function rejects(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseCommandLine(argv), (e: unknown) => e instanceof CliUsageError && pattern.test(e.message));
}

describe('warden command line', () => {
  test('options stop at MODULE; everything after it belongs to the guest', () => {
    const a = runArgs(['--env', 'A=1', 'm.wasm', '--env', 'B=2', '--', '-x']);
    assert.equal(a.module, 'm.wasm');
    assert.deepEqual(a.guestArgs, ['--env', 'B=2', '--', '-x']);
    assert.deepEqual(a.env, [['A', '1']]);
    const dashed = runArgs(['--', '-odd.wasm', 'x']);
    assert.equal(dashed.module, '-odd.wasm');
    assert.deepEqual(dashed.guestArgs, ['x']);
  });

  test('--flag=value and --flag value are the same; repeatable flags accumulate', () => {
    const a = runArgs(['--dir=/a', '--dir', '/b::/c', '--dir-ro', 'd', '--env=K=v=w', '--env', 'HOME', 'm'], { HOME: '/h' });
    assert.deepEqual(a.dirs, [
      { kind: 'dir', host: '/a', guest: '/a', readOnly: false },
      { kind: 'dir', host: '/b', guest: '/c', readOnly: false },
      { kind: 'dir', host: 'd', guest: 'd', readOnly: true },
    ]);
    assert.deepEqual(a.env, [['K', 'v=w'], ['HOME', '/h']]);
  });

  test('limits parse with units; --trace-file implies --trace', () => {
    const a = runArgs(['--memory-limit', '64M', '--max-output', '1.5k', '--fuel', '1e9', '--timeout-ms', '2.5',
      '--max-open-files', '16', '--trace-file', 't.txt', '--isolation', 'process', 'm']);
    assert.equal(a.memoryBytes, 64 * 1024 * 1024);
    assert.equal(a.outputBytes, 1536);
    assert.equal(a.fuel, 1e9);
    assert.equal(a.timeoutMs, 2.5);
    assert.equal(a.openFiles, 16);
    assert.equal(a.trace, true);
    assert.equal(a.traceFile, 't.txt');
    assert.equal(a.isolation, 'process');
  });

  test('help, version and usage errors', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help', topic: 'main' });
    assert.deepEqual(parseCommandLine(['run', '--env', 'A=1', '-h']), { kind: 'help', topic: 'run' });
    assert.deepEqual(parseCommandLine(['-V']), { kind: 'version' });
    rejects(['run'], /missing MODULE/);
    rejects(['run', '--clock'], /--clock needs a value/);
    rejects(['run', '--trace=yes', 'm'], /unknown option "--trace"/);
    rejects(['run', '--isolation', 'vm', 'm'], /--isolation: expected inline, worker or process/);
    rejects(['run', '--fuel', '-5', 'm'], /--fuel/);
    rejects(['run', '--random', 'seed:x', 'm'], /--random/);
    rejects(['run', '--env', '=x', 'm'], /--env/);
    rejects(['run', '--report', 'a', '--report', 'b', 'm'], /--report given more than once/);
    rejects(['wat'], /unknown command "wat"/);
  });
});

describe('flag values', () => {
  test('sizes are powers of 1024', () => {
    assert.equal(parseSize('--x', '65536'), 65536);
    assert.equal(parseSize('--x', '64K'), 65536);
    assert.equal(parseSize('--x', '1GiB'), 2 ** 30);
    assert.equal(parseSize('--x', '2mb'), 2 * 2 ** 20);
    assert.throws(() => parseSize('--x', '1X'), /--x: expected a byte count/);
    assert.throws(() => parseSize('--x', ''), CliUsageError);
  });

  test('clock specs', () => {
    const now = new Date('2030-05-06T07:08:09Z');
    assert.equal(parseClock('real'), 'real');
    assert.equal(parseClock('deny'), 'deny');
    assert.deepEqual(parseClock('frozen', () => now), { frozen: now });
    assert.deepEqual(parseClock('frozen:2024-01-01T00:00:00Z'), { frozen: new Date(Date.UTC(2024, 0, 1)) });
    assert.deepEqual(parseClock('virtual'), { virtual: {} });
    assert.deepEqual(parseClock('virtual:1970-01-02T00:00:00Z'), { virtual: { start: new Date(86_400_000) } });
    assert.deepEqual(parseClock('coarse:100'), { coarse: { resolutionMs: 100 } });
    assert.throws(() => parseClock('coarse'), /coarse needs a resolution/);
    assert.throws(() => parseClock('coarse:0'), /greater than 0/);
    assert.throws(() => parseClock('real:1'), /takes no value/);
    assert.throws(() => parseClock('frozen:yesterday'), /ISO 8601/);
  });

  test('--dir guest names: as written when relative (like wasmtime), normalised when absolute', () => {
    assert.deepEqual(parseDir('--dir', '/srv/data', false), { kind: 'dir', host: '/srv/data', guest: '/srv/data', readOnly: false });
    assert.deepEqual(parseDir('--dir', '/srv/data/::/d/./', true), { kind: 'dir', host: '/srv/data/', guest: '/d', readOnly: true });
    assert.equal(parseDir('--dir', '.', false).guest, '.');
    assert.equal(parseDir('--dir', './a', false).guest, './a');
    assert.equal(parseDir('--dir', '/tmp/x::fs-tests.dir', false).guest, 'fs-tests.dir');
    assert.equal(parseDir('--dir', '../up', false).guest, '../up');
    assert.throws(() => parseDir('--dir', '/a/../b', false), /must not contain "\.\."; name one/);
    assert.throws(() => parseDir('--dir', 'x::/a/../b', false), /must not contain "\.\."/);
    assert.throws(() => parseDir('--dir', '::/g', false), /HOST\[::GUEST\]/);
    assert.throws(() => parseDir('--dir', 'x::', false), /HOST\[::GUEST\]/);
  });

  test('--overlay and --memfs', () => {
    assert.deepEqual(parseDir('--overlay', 'src::/src', false, 'overlay'), { kind: 'overlay', host: 'src', guest: '/src', readOnly: false });
    assert.deepEqual(parseMemfs('/tmp/'), { kind: 'memory', host: '', guest: '/tmp', readOnly: false });
    assert.throws(() => parseMemfs('/a/../tmp'), /--memfs: .*must not contain/);
  });
});
