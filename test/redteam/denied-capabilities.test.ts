// Red team, denied capabilities: a guest without a clock (or with a frozen or virtual one)
// must not learn the host's time from file timestamps; denied random and env stay denied.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { hostDir, memoryFs, overlay, run, type Mountable, type RunOptions } from '../../src/index.js';
import { cleanup, guest, tempDir } from './helpers.js';

after(cleanup);

// Creates "f" in fd 3, writes a byte, optionally sets atim/mtim to NOW (flags 0b1010), then
// prints the fd's 64-byte filestat on stdout.
async function stampGuest(setNow: boolean): Promise<Uint8Array> {
  return guest(`(func (export "_start") (local $e i32) (local $fd i32)
    (i32.store (i32.const 0) (i32.const 102))
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (local.set $fd (i32.load (i32.const 8)))
    (i32.store (i32.const 16) (i32.const 0)) (i32.store (i32.const 20) (i32.const 1))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
    ${setNow ? '(local.set $e (call $set_times (local.get $fd) (i64.const 0) (i64.const 0) (i32.const 10)))' : ''}
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (local.set $e (call $filestat (local.get $fd) (i32.const 128)))
    (i32.store (i32.const 200) (i32.const 128)) (i32.store (i32.const 204) (i32.const 64))
    (drop (call $write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 24)))
    (call $exit (local.get $e)))`);
}

function times(out: Uint8Array): bigint[] {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  return [dv.getBigUint64(40, true), dv.getBigUint64(48, true), dv.getBigUint64(56, true)];
}

const mounts: [string, () => Mountable][] = [
  ['hostDir', () => hostDir(tempDir())],
  ['memoryFs', () => memoryFs()],
  ['overlay(hostDir)', () => overlay(hostDir(tempDir()))],
];

for (const setNow of [false, true]) {
  for (const [name, make] of mounts) {
    test(`${name}: a file the guest ${setNow ? 'touches (*_NOW)' : 'creates'} shows the guest's time, not the host's`, async () => {
      const g = await stampGuest(setNow);
      const frozen = 1_000_000_000_123_456_789n;
      const cases: [string, RunOptions['clock'], bigint][] = [
        ['deny', 'deny', 0n],
        ['frozen', { frozen }, frozen],
        ['virtual', { virtual: { start: frozen } }, frozen],
      ];
      for (const [label, clock, expected] of cases) {
        const r = await run(g, { clock, stdout: 'capture', mounts: { '/m': make() } });
        assert.equal(r.exitCode, 0, label);
        for (const t of times(r.stdout!)) assert.equal(t, expected, `${label}: ${t}`);
      }
      // With the real clock, times are real.
      const r = await run(g, { clock: 'real', stdout: 'capture', mounts: { '/m': make() } });
      const now = BigInt(Date.now()) * 1_000_000n;
      for (const t of times(r.stdout!)) assert.ok(now - t < 60_000_000_000n && t - now < 60_000_000_000n, `real: ${t}`);
    });
  }
}

test('host files older than the run keep their times under a denied clock', async () => {
  const dir = tempDir();
  const { writeFileSync, utimesSync } = await import('node:fs');
  writeFileSync(`${dir}/old`, 'x');
  utimesSync(`${dir}/old`, 1_000_000, 1_000_000);
  const g = await guest(`(func (export "_start") (local $e i32)
    (i32.store (i32.const 0) (i32.const 0x00646c6f))
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (drop (call $filestat (i32.load (i32.const 8)) (i32.const 128)))
    (i32.store (i32.const 200) (i32.const 128)) (i32.store (i32.const 204) (i32.const 64))
    (drop (call $write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 24)))
    (call $exit (i32.const 0)))`);
  const r = await run(g, { clock: 'deny', stdout: 'capture', mounts: { '/m': hostDir(dir) } });
  assert.equal(r.exitCode, 0);
  const [, mtim, ctim] = times(r.stdout!);
  assert.equal(mtim, 1_000_000_000_000_000n);
  assert.equal(ctim, 0n, 'ctime (set by the host just now) is hidden');
});

test('denied random and an empty environment stay denied', async () => {
  const g = await guest(`(func (export "_start")
    (if (i32.ne (call $random (i32.const 0) (i32.const 16)) (i32.const 76)) (then (call $exit (i32.const 1))))
    (if (i32.ne (call $random (i32.const 0) (i32.const 0)) (i32.const 76)) (then (call $exit (i32.const 2))))
    (drop (call $environ_sizes (i32.const 0) (i32.const 4)))
    (if (i32.load (i32.const 0)) (then (call $exit (i32.const 3))))
    (call $exit (i32.const 0)))`);
  const r = await run(g, { random: 'deny' });
  assert.equal(r.exitCode, 0);
  assert.ok(r.denials.some((d) => d.capability === 'random'));
});
