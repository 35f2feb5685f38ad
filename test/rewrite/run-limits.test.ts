// Memory and fuel limits end to end through run(): outcomes, fuelUsed, unchanged output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, memoryFs, GuestTrap, LimitExceeded, ModuleRejected, WardenUsageError, type Limits, type RunOptions } from '../../src/index.js';
import { wat } from '../helpers/wat.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(join(root, 'fixtures', 'wasm', `${name}.wasm`)));
const PAGE = 65536;

// Grows one page at a time until memory.grow fails, prints how many pages it got as decimal,
// then ends as told: exit 0, exit 1, or trap (like a program whose malloc failed).
const GROWER = (end: string) => `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $n i32) (local $p i32)
    (block $done (loop $again
      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $n) (i32.const 4096)))))
    ;; digits right to left ending at 64
    (local.set $p (i32.const 64))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 64) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ${end}))`;

test('the guest sees memory.grow fail at the cap', async () => {
  const r = await run(await wat(GROWER('(call $exit (i32.const 0))')), { stdout: 'capture', limits: { memoryBytes: 10 * PAGE } });
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
  assert.equal(new TextDecoder().decode(r.stdout), '9');
  assert.equal(r.memoryPeakBytes, 10 * PAGE);
  const big = await run(await wat(GROWER('(call $exit (i32.const 0))')), { stdout: 'capture', limits: { memoryBytes: 100 * PAGE + 5 } });
  assert.equal(new TextDecoder().decode(big.stdout), '99');
});

test('a guest that dies after hitting the cap ends with outcome limit (memory)', async () => {
  for (const end of ['unreachable', '(call $exit (i32.const 1))']) {
    const r = await run(await wat(GROWER(end)), { stdout: 'capture', limits: { memoryBytes: 5 * PAGE } });
    assert.equal(r.outcome, 'limit', end);
    assert.ok(r.error instanceof LimitExceeded);
    assert.equal(r.error.limit, 'memory');
    assert.equal(new TextDecoder().decode(r.stdout), '4', 'output before the end is kept');
  }
});

test('initial memory above the cap is outcome limit (memory) without running', async () => {
  const r = await run(fixture('hello'), { stdout: 'capture', limits: { memoryBytes: PAGE } });
  assert.equal(r.outcome, 'limit');
  assert.ok(r.error instanceof LimitExceeded && r.error.limit === 'memory', String(r.error));
  assert.equal(r.stdout, undefined);
});

test('hello runs unchanged with fuel, and uses the same fuel every time', async () => {
  const bytes = fixture('hello');
  const opts = { args: ['hello'], env: { NAME: 'Ada' }, stdout: 'capture' as const };
  const plain = await run(bytes, opts);
  const a = await run(bytes, { ...opts, limits: { fuel: 1e9, memoryBytes: 16 << 20 } });
  const b = await run(bytes.slice(), { ...opts, limits: { fuel: 1e9 } });
  assert.equal(plain.outcome, 'exited');
  assert.equal(plain.fuelUsed, undefined);
  assert.match(new TextDecoder().decode(plain.stdout), /Hello, Ada/);
  for (const r of [a, b]) {
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.stdout, plain.stdout);
  }
  assert.ok(a.fuelUsed! > 1000, String(a.fuelUsed));
  assert.equal(a.fuelUsed, b.fuelUsed);
});

test('a compute guest uses the same fuel on every run', async () => {
  const bytes = fixture('bench-compute');
  const used = new Set<number | undefined>();
  for (let i = 0; i < 3; i++) {
    const r = await run(bytes, { args: ['compute', '2'], stdout: 'capture', limits: { fuel: 1e12 } });
    assert.equal(r.outcome, 'exited');
    used.add(r.fuelUsed);
  }
  assert.equal(used.size, 1);
  assert.ok([...used][0]! > 100_000);
});

test('running out of fuel is outcome limit (fuel), with the output so far', async () => {
  const bytes = fixture('bench-compute');
  const need = (await run(bytes, { args: ['compute', '3'], limits: { fuel: 1e12 } })).fuelUsed!;
  const r = await run(bytes, { args: ['compute', '3'], stdout: 'capture', limits: { fuel: Math.floor(need / 2) } });
  assert.equal(r.outcome, 'limit');
  assert.ok(r.error instanceof LimitExceeded);
  assert.equal(r.error.limit, 'fuel');
  assert.equal(r.fuelUsed, Math.floor(need / 2));
  const exact = await run(bytes, { args: ['compute', '3'], limits: { fuel: need } });
  assert.equal(exact.outcome, 'exited');
  assert.equal(exact.fuelUsed, need);
});

test('an endless loop is stopped by fuel, not by the deadline', async () => {
  const mod = await wat('(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))');
  const r = await run(mod, { limits: { fuel: 1e6, timeoutMs: 20_000 } });
  assert.equal(r.outcome, 'limit');
  assert.equal((r.error as LimitExceeded).limit, 'fuel');
  assert.ok(r.durationMs < 5_000);
});

test('an unlimited (Infinity) fuel budget runs to the end and still counts', async () => {
  const r = await run(fixture('hello'), { args: ['hello'], stdout: 'capture', limits: { fuel: Infinity } });
  assert.equal(r.outcome, 'exited');
  const finite = await run(fixture('hello'), { args: ['hello'], stdout: 'capture', limits: { fuel: 1e9 } });
  assert.equal(r.fuelUsed, finite.fuelUsed);
});

test('a guest trap under fuel is still a trap', async () => {
  const mod = await wat('(module (memory (export "memory") 1) (func (export "_start") (drop (i32.div_u (i32.const 1) (i32.const 0)))))');
  const r = await run(mod, { limits: { fuel: 1e6 } });
  assert.equal(r.outcome, 'trapped');
  assert.ok(r.fuelUsed! > 0);
});

test('limits that rewrite the module need its bytes; unmeterable modules are rejected', async () => {
  const compiled = new WebAssembly.Module(fixture('hello') as Uint8Array<ArrayBuffer>);
  await assert.rejects(run(compiled, { limits: { fuel: 10 } }), WardenUsageError);
  await assert.rejects(run(compiled, { limits: { memoryBytes: 1 << 20 } }), WardenUsageError);
  const gc = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0xfb, 0x00, 0x0b]);
  const r = await run(gc, { limits: { fuel: 10 } });
  assert.equal(r.outcome, 'rejected');
  assert.ok(r.error instanceof ModuleRejected && /cannot meter/.test(r.error.message));
});

test('every conformance fixture behaves the same with fuel and a memory cap', async () => {
  const dir = join(root, 'fixtures', 'wasm');
  const names = readdirSync(dir).filter((f) => f.endsWith('.wasm') && !f.startsWith('bench-'));
  assert.ok(names.length >= 10);
  for (const name of names) {
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    const opts = (limits: Limits): RunOptions => ({
      args: [name], stdout: 'capture', stderr: 'capture', mounts: { '/tmp': memoryFs() }, limits: { timeoutMs: 20_000, ...limits },
    });
    const plain = await run(bytes, opts({}));
    const limited = await run(bytes, opts({ fuel: 1e12, memoryBytes: 256 << 20 }));
    assert.equal(limited.outcome, plain.outcome, name);
    assert.equal(limited.exitCode, plain.exitCode, name);
    assert.deepEqual(limited.stdout, plain.stdout, name);
    assert.deepEqual(limited.stderr, plain.stderr, name);
    assert.ok(limited.fuelUsed! > 0, name);
    if (plain.error instanceof GuestTrap) {
      // Same trap kind, and the same function names on the wasm stack (indices are unchanged).
      assert.ok(limited.error instanceof GuestTrap, name);
      assert.equal(limited.error.kind, plain.error.kind, name);
      assert.deepEqual(limited.error.frames.map((f) => f.name), plain.error.frames.map((f) => f.name), name);
    }
  }
});
