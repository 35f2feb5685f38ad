// Red team, exhaustion through the ABI: lists, counts and lengths a guest controls must never
// become host allocations proportional to them (each of these once exhausted the host's heap
// or parked its thread past the deadline).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { memoryFs, run } from '../../src/index.js';
import { assertOneLine, cleanup, guest, guestFile, warden } from './helpers.js';

after(cleanup);

const EFAULT = 21, EINVAL = 28, ENAMETOOLONG = 37, ENOTCAPABLE = 76;

test('4M one-byte iovecs: a short write of IOV_MAX bytes, not 4M host objects', async () => {
  const n = 4 << 20;
  // iovecs at 64 KiB, each {ptr 0, len 1}; exit code = nwritten (or 1000 + errno).
  const g = await guest(`(func (export "_start") (local $i i32) (local $e i32)
    (i32.store8 (i32.const 0) (i32.const 120))
    (loop $l (i32.store (i32.add (i32.const 65536) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0))
      (i32.store (i32.add (i32.const 65540) (i32.shl (local.get $i) (i32.const 3))) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const ${n}))))
    (local.set $e (call $write (i32.const 1) (i32.const 65536) (i32.const ${n}) (i32.const 16)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 1000) (local.get $e)))))
    (call $exit (i32.load (i32.const 16))))`, 1 + (n * 8) / 65536 + 1);
  const before = process.memoryUsage().rss;
  const r = await run(g, { stdout: 'capture', limits: { timeoutMs: 10_000 } });
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 1024);
  assert.equal(r.stdout!.length, 1024);
  assert.ok(process.memoryUsage().rss - before < 200e6, 'host memory stayed bounded');
});

test('iovec counts whose byte size wraps u32 fault; empty iovecs are skipped', async () => {
  const g = await guest(`(func (export "_start")
    (if (i32.ne (call $write (i32.const 1) (i32.const 0) (i32.const 0x20000000) (i32.const 16)) (i32.const ${EFAULT}))
      (then (call $exit (i32.const 1))))
    (if (i32.ne (call $write (i32.const 1) (i32.const 0) (i32.const 0x20000001) (i32.const 16)) (i32.const ${EFAULT}))
      (then (call $exit (i32.const 2))))
    ;; 8000 zero-length iovecs then one of 3 bytes: all 3 bytes are written
    (i32.store (i32.const ${8 * 8000}) (i32.const 64500)) (i32.store (i32.const ${8 * 8000 + 4}) (i32.const 3))
    (i32.store (i32.const 64500) (i32.const 0x0a6b6f))
    (if (call $write (i32.const 1) (i32.const 0) (i32.const 8001) (i32.const 16)) (then (call $exit (i32.const 3))))
    (call $exit (i32.load (i32.const 16))))`);
  const r = await run(g, { stdout: 'capture' });
  assert.equal(r.exitCode, 3);
  assert.equal(new TextDecoder().decode(r.stdout), 'ok\n');
});

test('poll_oneoff with a million subscriptions is EINVAL; 65,536 still work', async () => {
  // Subscriptions at 64 KiB: FD_WRITE (tag 2) on fd 1; events after them.
  const fill = (n: number) => `(local.set $a (i32.const 65536)) (local.set $i (i32.const 0))
    (loop $l (i32.store8 (i32.add (local.get $a) (i32.const 8)) (i32.const 2))
      (i32.store (i32.add (local.get $a) (i32.const 16)) (i32.const 1))
      (local.set $a (i32.add (local.get $a) (i32.const 48)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const ${n}))))`;
  const big = 1 << 20;
  const g = await guest(`(func (export "_start") (local $i i32) (local $a i32) (local $e i32)
    ${fill(big)}
    (if (i32.ne (call $poll (i32.const 65536) (local.get $a) (i32.const ${big}) (i32.const 0)) (i32.const ${EINVAL}))
      (then (call $exit (i32.const 1))))
    (if (i32.ne (call $poll (i32.const 65536) (i32.const 65536) (i32.const -1) (i32.const 0)) (i32.const ${EINVAL}))
      (then (call $exit (i32.const 2))))
    (local.set $e (call $poll (i32.const 65536) (local.get $a) (i32.const 65536) (i32.const 0)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (if (i32.ne (i32.load (i32.const 0)) (i32.const 65536)) (then (call $exit (i32.const 3))))
    (call $exit (i32.const 0)))`, 1 + Math.ceil((big * 80) / 65536) + 1);
  const r = await run(g, { stdout: 'capture', limits: { timeoutMs: 10_000 } });
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
});

test('megabyte paths and symlink targets are ENAMETOOLONG before decoding; denials stay small', async () => {
  const len = 4 << 20;
  // 300 absolute-target symlinks of 4 MiB each (they used to be decoded and quoted in full in
  // the denial list: 1,000 of them exhausted the heap), then a 4 MiB path_open.
  const g = await guest(`(func (export "_start") (local $i i32)
    (memory.fill (i32.const 0) (i32.const 97) (i32.const ${len}))
    (i32.store8 (i32.const 0) (i32.const 47))
    (loop $l
      (if (i32.ne (call $symlink (i32.const 0) (i32.const ${len}) (i32.const 3) (i32.const 1) (i32.const 1)) (i32.const ${ENAMETOOLONG}))
        (then (call $exit (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
    (if (i32.ne (call $open (i32.const 3) (i32.const 0) (i32.const 1) (i32.const ${len}) (i32.const 0)
          (i64.const 0) (i64.const 0) (i32.const 0) (i32.const ${len})) (i32.const ${ENAMETOOLONG}))
      (then (call $exit (i32.const 2))))
    ;; a 5000-byte absolute target is refused too (longer than PATH_MAX)
    (if (i32.ne (call $symlink (i32.const 0) (i32.const 5000) (i32.const 3) (i32.const 1) (i32.const 1)) (i32.const ${ENAMETOOLONG}))
      (then (call $exit (i32.const 3))))
    ;; a 3000-byte absolute one is a denial, quoted but bounded
    (if (i32.ne (call $symlink (i32.const 0) (i32.const 3000) (i32.const 3) (i32.const 1) (i32.const 1)) (i32.const 63))
      (then (call $exit (i32.const 4))))
    (call $exit (i32.const 0)))`, len / 65536 + 2);
  const r = await run(g, { mounts: { '/m': memoryFs() }, limits: { timeoutMs: 10_000 } });
  assert.equal(r.exitCode, 0);
  assert.equal(r.denials.length, 1);
  assert.ok(r.denials[0]!.detail.length < 600, `detail of ${r.denials[0]!.detail.length} chars`);
});

test('a million denied calls: fast, counted, and the kept list is bounded', async () => {
  const g = await guest(`(func (export "_start") (local $i i32)
    (loop $l
      (if (i32.ne (call $time (i32.const 0) (i64.const 0) (i32.const 0)) (i32.const ${ENOTCAPABLE})) (then (call $exit (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
    (call $exit (i32.const 0)))`);
  const r = await run(g, { clock: 'deny', limits: { timeoutMs: 10_000 } });
  assert.equal(r.exitCode, 0);
  assert.ok(r.denials.length <= 1000 && r.denials.length > 0);
});

test('CLI: a guest reading a stdin pipe that never ends still stops at its deadline', async () => {
  const g = await guestFile(`(func (export "_start")
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 16))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 0)))`);
  const r = await warden(['run', '--timeout-ms', '300', g], { stdin: 'hold', killAfterMs: 10_000 });
  assert.equal(r.signal, null, 'not killed by the test: Warden stopped on its own');
  assert.equal(r.status, 124);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  assertOneLine(r, /deadline/);
  // Input that does arrive is still read.
  const ok = await warden(['run', '--timeout-ms', '3000', g], { stdin: 'x' });
  assert.equal(ok.status, 0, ok.stderr);
});

test('--trace quotes at most 1 KiB of a guest string (100 x 4 MiB paths: ~100 KiB of trace)', async () => {
  const len = 4 << 20;
  const g = await guest(`(func (export "_start") (local $i i32)
    (memory.fill (i32.const 0) (i32.const 97) (i32.const ${len}))
    (loop $l (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const ${len}) (i32.const 0)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (call $exit (i32.const 0)))`, len / 65536 + 2);
  let bytes = 0;
  const lines: string[] = [];
  const r = await run(g, { mounts: { '/m': memoryFs() }, trace: (l) => { bytes += l.length; if (lines.length < 1) lines.push(l); } });
  assert.equal(r.exitCode, 0);
  assert.ok(bytes < 200_000, `${bytes} bytes of trace`);
  assert.match(lines[0]!, /^path_open\(3, 0, "a{1024}"\.\.\.\(4194304 bytes\), .* = ENAMETOOLONG$/);
});
