// limitMemory: the rewritten module's memory.grow fails inside the guest at the cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROW_FAILED_EXPORT, limitMemory, MemoryLimitError, prepareModule, RewriteError, trackGrowFailures } from '../../src/run/rewrite/index.js';
import { parseSections, SEC } from '../../src/run/rewrite/sections.js';
import { wat } from '../helpers/wat.js';

const PAGE = 65536;

// Grows one page at a time until memory.grow returns -1; returns how many grows succeeded.
const growLoop = (memory: string) => `(module
  ${memory}
  (func (export "grow") (result i32) (local $n i32)
    (block $done (loop $again
      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $n) (i32.const 100000)))))
    (local.get $n))
  (func (export "size") (result i32) (memory.size)))`;

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}) {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports;
  return { grow: ex.grow as () => number, size: ex.size as () => number };
}

test('a memory without a maximum gets one: grow fails at the cap', async () => {
  const g = instantiate(limitMemory(await wat(growLoop('(memory (export "memory") 1)')), 4 * PAGE));
  assert.equal(g.grow(), 3);
  assert.equal(g.size(), 4);
});

test('the cap rounds down to whole pages', async () => {
  const g = instantiate(limitMemory(await wat(growLoop('(memory 2)')), 5 * PAGE + PAGE - 1));
  assert.equal(g.grow(), 3);
  assert.equal(g.size(), 5);
});

test('a lower existing maximum is kept', async () => {
  const g = instantiate(limitMemory(await wat(growLoop('(memory 1 3)')), 10 * PAGE));
  assert.equal(g.grow(), 2);
});

test('a higher existing maximum is lowered', async () => {
  const g = instantiate(limitMemory(await wat(growLoop('(memory 1 50)')), 6 * PAGE));
  assert.equal(g.grow(), 5);
});

test('initial memory above the cap is a MemoryLimitError', async () => {
  const bytes = await wat(growLoop('(memory 8)'));
  assert.throws(() => limitMemory(bytes, 7 * PAGE), (e: unknown) => {
    assert.ok(e instanceof MemoryLimitError);
    assert.equal(e.initialPages, 8);
    assert.equal(e.capPages, 7);
    return true;
  });
  assert.equal(instantiate(limitMemory(bytes, 8 * PAGE)).grow(), 0);
});

test('only the memory section changes', async () => {
  const before = await wat(growLoop('(memory (export "memory") 1)\n(data (i32.const 0) "abc")\n(global i32 (i32.const 3))'));
  const after = limitMemory(before, 4 * PAGE);
  const a = parseSections(before);
  const b = parseSections(after);
  assert.deepEqual(b.map((s) => s.id), a.map((s) => s.id));
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.id === SEC.memory) {
      assert.deepEqual([...a[i]!.payload], [1, 0x00, 1]); // one memory, no max, min 1
      assert.deepEqual([...b[i]!.payload], [1, 0x01, 1, 4]); // max 4
    } else {
      assert.deepEqual(b[i]!.payload, a[i]!.payload, `section ${a[i]!.id} changed`);
    }
  }
});

test('an imported memory gets the cap as its declared maximum', async () => {
  const bytes = limitMemory(await wat(growLoop('(import "env" "mem" (memory 1))')), 4 * PAGE);
  // The provider's memory must now promise to stay under the cap for the link to succeed.
  assert.throws(() => instantiate(bytes, { env: { mem: new WebAssembly.Memory({ initial: 1 }) } }), WebAssembly.LinkError);
  assert.throws(() => instantiate(bytes, { env: { mem: new WebAssembly.Memory({ initial: 1, maximum: 5 }) } }), WebAssembly.LinkError);
  const g = instantiate(bytes, { env: { mem: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } });
  assert.equal(g.grow(), 3);
});

test('a shared memory is capped too', async () => {
  // wabt's validator refuses shared memories here, so set the shared flag in the binary.
  const plain = await wat(growLoop('(memory 1 100)'));
  const mem = parseSections(plain).find((s) => s.id === SEC.memory)!;
  assert.deepEqual([...mem.payload], [1, 0x01, 1, 100]);
  const shared = plain.slice();
  shared[mem.payload.byteOffset - plain.byteOffset + 1] = 0x03;
  const bytes = limitMemory(shared, 3 * PAGE);
  assert.deepEqual([...parseSections(bytes).find((s) => s.id === SEC.memory)!.payload], [1, 0x03, 1, 3]);
  assert.equal(instantiate(bytes).grow(), 2);
});

test('a 64-bit memory gets 64-bit limits', async () => {
  const bytes = limitMemory(await wat('(module (memory i64 2))', { memory64: true }), 9 * PAGE);
  const mem = parseSections(bytes).find((s) => s.id === SEC.memory)!;
  assert.deepEqual([...mem.payload], [1, 0x05, 2, 9]);
});

test('a module without memory passes through; garbage is a RewriteError', async () => {
  const bytes = await wat('(module (func (export "f")))');
  assert.deepEqual(limitMemory(bytes, PAGE), bytes);
  assert.throws(() => limitMemory(new Uint8Array([1, 2, 3]), PAGE), RewriteError);
  assert.throws(() => limitMemory(bytes.subarray(0, bytes.length - 2), PAGE), RewriteError);
});

test('trackGrowFailures flags a grow the cap refused, even a large one below the cap', async () => {
  const src = (memory: string) => `(module ${memory}
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))`;
  const load = (bytes: Uint8Array) => {
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports;
    return { grow: ex.grow as (n: number) => number, flag: ex[GROW_FAILED_EXPORT] as WebAssembly.Global };
  };
  const capped = load(trackGrowFailures(limitMemory(await wat(src('(memory 1)')), 10 * PAGE), 10)!);
  assert.equal(capped.grow(2), 1);
  assert.equal(capped.flag.value, 0);
  assert.equal(capped.grow(8), -1); // 3 + 8 pages > 10: refused by the cap
  assert.equal(capped.flag.value, 1);
  assert.equal(capped.grow(7), 3);

  // Refused by the module's own lower maximum, not by the cap: not flagged.
  const own = load(trackGrowFailures(limitMemory(await wat(src('(memory 1 4)')), 10 * PAGE), 10)!);
  assert.equal(own.grow(5), -1);
  assert.equal(own.flag.value, 0);

  // A memory cap alone does not reject code the tracker cannot decode (a GC opcode here).
  const gc = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 10, 6, 1, 4, 0, 0xfb, 0x00, 0x0b]);
  assert.throws(() => trackGrowFailures(gc, 10), RewriteError);
  assert.deepEqual([...prepareModule(gc, { memoryBytes: 10 * PAGE }).bytes], [...limitMemory(gc, 10 * PAGE)]);

  // Nothing to track without a memory.
  assert.equal(trackGrowFailures(await wat('(module (func (export "f")))'), 10), null);
});
