// Red team, host callbacks that throw: a virtual file's read/write, output callbacks under every
// engine, and a stack overflow inside a syscall. None may take the host down; each run resolves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryFs, run, virtualDir } from '../../src/index.js';
import { guest, ROOT } from './helpers.js';

const EIO = 29;

test('output callbacks that throw end nothing but their own output, under every engine', async () => {
  const hello = readFileSync(join(ROOT, 'fixtures/wasm/hello.wasm'));
  for (const isolation of ['inline', 'worker', 'process'] as const) {
    const r = await run(hello, { isolation, args: ['hello'], stdout: () => { throw new Error('host bug'); }, trace: () => { throw new Error('trace bug'); } });
    assert.equal(r.outcome, 'exited', isolation);
  }
});

test('virtual-file callbacks that throw give the guest EIO', async () => {
  // open "x" read-only (exit 100+errno on failure), read it, exit with the read's errno.
  const reader = await guest(`(data (i32.const 0) "x")
    (func (export "_start") (local $e i32)
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
        (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 64)))
      (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
      (i32.store (i32.const 100) (i32.const 128)) (i32.store (i32.const 104) (i32.const 16))
      (call $exit (call $read (i32.load (i32.const 64)) (i32.const 100) (i32.const 1) (i32.const 68))))`);
  const throwers: (() => never)[] = [
    () => { throw new Error('boom'); },
    () => { throw 'a string'; },
    () => { throw null; },
    () => { const f = (): never => f(); return f(); },
  ];
  for (const read of throwers) {
    const r = await run(reader, { mounts: { '/d': virtualDir({ x: { read } }) } });
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 100 + EIO);
  }
  // A write-back callback that throws: close reports EIO.
  const writer = await guest(`(data (i32.const 0) "x")
    (func (export "_start") (local $e i32)
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
        (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 64)))
      (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
      (i32.store (i32.const 100) (i32.const 0)) (i32.store (i32.const 104) (i32.const 1))
      (drop (call $write (i32.load (i32.const 64)) (i32.const 100) (i32.const 1) (i32.const 68)))
      (call $exit (call $close (i32.load (i32.const 64)))))`);
  const r = await run(writer, { mounts: { '/d': virtualDir({ x: { read: () => 'abc', write: () => { throw new Error('wboom'); } } }) } });
  assert.equal(r.exitCode, EIO);
});

test('a stack overflow inside a syscall is a stack_overflow trap, under every engine', async () => {
  const g = await guest(`(data (i32.const 0) "a/b/c/../../d")
    (func $r (param $n i32)
      (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 13) (i32.const 1)
        (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 64)))
      (drop (call $close (i32.load (i32.const 64))))
      (call $r (i32.add (local.get $n) (i32.const 1))))
    (func (export "_start") (call $r (i32.const 0)))`);
  for (const isolation of ['inline', 'worker', 'process'] as const) {
    const r = await run(g, { isolation, mounts: { '/m': memoryFs() }, limits: { timeoutMs: 10_000 } });
    assert.equal(r.outcome, 'trapped', isolation);
    assert.equal(r.error?.kind, 'stack_overflow', `${isolation}: ${r.error?.message}`);
  }
});
