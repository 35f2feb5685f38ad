// Issue 2: a host that runs 10,000 trapping guests in a row keeps flat memory and fd counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { run, memoryFs } from '../../src/index.js';
import { wat } from '../helpers/wat.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fdCount = () => readdirSync('/proc/self/fd').length;

test('10,000 trapping guests leave fds and heap flat', async () => {
  const kinds = [
    '(func (export "_start") unreachable)',
    '(func (export "_start") (drop (i32.div_s (i32.const 1) (i32.const 0))))',
    '(func (export "_start") (drop (i32.load (i32.const -4))))',
    '(func $f (export "_start") (call $f))',
  ];
  const modules = await Promise.all(kinds.map(async (body) => WebAssembly.compile(await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1) ${body})`) as Uint8Array<ArrayBuffer>)));
  const runs = 10_000;
  const warm = 500;
  let fdBase = 0;
  let heapBase = 0;
  for (let i = 0; i < runs; i++) {
    if (i === warm) { gc(); fdBase = fdCount(); heapBase = process.memoryUsage().heapUsed; }
    const r = await run(modules[i % modules.length]!, { mounts: { '/tmp': memoryFs({ 'a.txt': 'x' }) } });
    assert.equal(r.outcome, 'trapped');
  }
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapBase;
  assert.equal(fdCount(), fdBase, 'fd count is back to baseline');
  assert.ok(heapGrowth < 8 * 1024 * 1024, `heap grew by ${heapGrowth} bytes over ${runs - warm} runs`);
});
