// End-to-end checks of run() on small WAT guests: outcomes, stdio, capabilities, denials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, memoryFs, GuestTrap, ModuleRejected } from '../../src/index.js';
import { wat } from '../helpers/wat.js';

const text = (b?: Uint8Array) => new TextDecoder().decode(b);

const WRITE_HELLO = `
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 7))))`;

test('captures stdout and reports the exit code', async () => {
  const r = await run(await wat(WRITE_HELLO), { stdout: 'capture' });
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 7);
  assert.equal(text(r.stdout), 'hello\n');
  assert.ok(r.memoryPeakBytes >= 65536);
});

test('a trap is a typed value with the wasm stack', async () => {
  const mod = await wat(`(module (memory (export "memory") 1)
    (func $inner unreachable)
    (func (export "_start") call $inner))`);
  const r = await run(mod);
  assert.equal(r.outcome, 'trapped');
  assert.ok(r.error instanceof GuestTrap);
  assert.equal(r.error.kind, 'unreachable');
  assert.ok(r.error.frames.some((f) => f.name.includes('inner')), JSON.stringify(r.error.frames));
});

test('stack overflow is a trap, and the host carries on', async () => {
  const mod = await wat(`(module (memory (export "memory") 1)
    (func $f (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))
    (func (export "_start") (drop (call $f (i32.const 0)))))`);
  const r = await run(mod);
  assert.equal(r.outcome, 'trapped');
  assert.equal((r.error as GuestTrap).kind, 'stack_overflow');
});

test('an invalid module is rejected, not thrown', async () => {
  const r = await run(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
  assert.equal(r.outcome, 'rejected');
  assert.ok(r.error instanceof ModuleRejected);
});

test('an unknown import is rejected at link time', async () => {
  const mod = await wat(`(module (import "env" "nope" (func)) (memory (export "memory") 1) (func (export "_start")))`);
  const r = await run(mod);
  assert.equal(r.outcome, 'rejected');
  assert.equal((r.error as ModuleRejected).kind, 'link');
});

const CLOCK_AND_RANDOM = `
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; exit code = clock errno * 100 + random errno
    (call $exit (i32.add
      (i32.mul (call $clock (i32.const 0) (i64.const 1) (i32.const 16)) (i32.const 100))
      (call $random (i32.const 32) (i32.const 16))))))`;

test('clock and random are denied by default and the denials are recorded', async () => {
  const r = await run(await wat(CLOCK_AND_RANDOM));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 76 * 100 + 76);
  assert.deepEqual(r.denials.map((d) => d.capability).sort(), ['clock', 'random']);
});

test('granted clock and random succeed; frozen clock reads back exactly', async () => {
  const mod = await wat(CLOCK_AND_RANDOM.replace('(call $exit (i32.add',
    '(drop (call $clock (i32.const 0) (i64.const 1) (i32.const 16))) (call $exit (i32.wrap_i64 (i64.load (i32.const 16)))) (call $exit (i32.add'));
  const r = await run(mod, { clock: { frozen: 123456789n }, random: { seed: 1 } });
  assert.equal(r.exitCode, 123456789 >>> 0);
  assert.equal(r.denials.length, 0);
});

test('proc_exit cannot be survived by catching the unwind', async () => {
  const mod = await wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (try (do (call $exit (i32.const 3))) (catch_all))
      ;; the guest keeps going: any further call ends it again, and its return is the exit
      (drop (call $yield))))`, { exceptions: true });
  const r = await run(mod);
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 3);
});

test('an infinite loop hits the deadline and the host carries on', async () => {
  const mod = await wat(`(module (memory (export "memory") 1) (func (export "_start") (loop br 0)))`);
  const t0 = Date.now();
  const r = await run(mod, { limits: { timeoutMs: 200 } });
  assert.equal(r.outcome, 'timeout');
  assert.ok(Date.now() - t0 < 5000);
});

test('output limit stops the guest and keeps output up to the cap', async () => {
  const mod = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "0123456789")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 100))
      (i32.store (i32.const 4) (i32.const 10))
      (loop (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br 0))))`);
  const r = await run(mod, { limits: { outputBytes: 25 } });
  assert.equal(r.outcome, 'limit');
  assert.equal(r.stdout?.length, 25);
});

test('files written to a memory mount can be read back by the host', async () => {
  const mod = await wat(`(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "out.txt")
    (data (i32.const 200) "written")
    (func (export "_start") (local $e i32)
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 7) (i32.const 1)
        (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 16)))
      (if (local.get $e) (then (call $exit (local.get $e))))
      (i32.store (i32.const 0) (i32.const 200))
      (i32.store (i32.const 4) (i32.const 7))
      (call $exit (call $fd_write (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
  const fs = memoryFs();
  const r = await run(mod, { mounts: { '/out': fs } });
  assert.equal(r.exitCode, 0);
  assert.equal(fs.readText('out.txt'), 'written');
});

test('bad options reject with a clear error', async () => {
  await assert.rejects(run(new Uint8Array(8), { mounts: { '/a/../b': memoryFs() } }), /must not contain/);
  await assert.rejects(run('/nonexistent/x.wasm'), /cannot read module/);
  await assert.rejects(run(new Uint8Array(8), { limits: { timeoutMs: -1 } }), /timeoutMs/);
});

test('every preview1 function is provided', async () => {
  const { preview1Imports, PREVIEW1_FUNCTIONS } = await import('../../src/abi/preview1.js');
  const { Kernel } = await import('../../src/kernel/kernel.js');
  const { kernelConfig } = await import('../../src/node/run.js');
  const imports = preview1Imports(new Kernel(kernelConfig({}, null, 1000, () => {})));
  assert.equal(PREVIEW1_FUNCTIONS.length, 46);
  assert.deepEqual(Object.keys(imports).sort(), [...PREVIEW1_FUNCTIONS].sort());
  for (const name of PREVIEW1_FUNCTIONS) assert.equal(typeof imports[name], 'function', name);
});

test('a guest that dies after EMFILE is reported as the openFiles limit', async () => {
  const mod = await wat(`(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) ".")
    (func (export "_start")
      (loop
        (br_if 0 (i32.eqz (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 0)
          (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 16)))))
      (call $exit (i32.const 1))))`);
  const r = await run(mod, { mounts: { '/d': memoryFs() }, limits: { openFiles: 8 } });
  assert.equal(r.outcome, 'limit');
  assert.equal((r.error as { limit?: string }).limit, 'openFiles');
  assert.equal(r.denials.filter((d) => d.capability === 'openFiles').length, 1);
});
