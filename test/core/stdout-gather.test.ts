// 'inherit'ed stdout that is not a terminal is gathered (inline engine): the order against
// stderr and the bytes themselves must be exactly what the guest wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wat } from '../helpers/wat.js';

const GUEST = `
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "out1 err2 out3 ")
  (func $put (param $fd i32) (param $at i32)
    (i32.store (i32.const 0) (i32.add (i32.const 100) (local.get $at)))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call $w (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local $i i32)
    (call $put (i32.const 1) (i32.const 0))
    (call $put (i32.const 2) (i32.const 5))
    (call $put (i32.const 1) (i32.const 10))
    ;; 20,000 more stdout writes: crosses the 64 KiB gathering buffer several times
    (loop (call $put (i32.const 1) (i32.const 0))
      (br_if 0 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20000))))
    (call $exit (i32.const 3))))`;

test('gathered stdout keeps its order against stderr and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-gather-'));
  try {
    const mod = join(dir, 'g.wasm');
    writeFileSync(mod, await wat(GUEST));
    const outPath = join(dir, 'out.txt');
    const fd = openSync(outPath, 'w');
    const bin = join(process.cwd(), 'bin', 'warden.js');
    const r = spawnSync(process.execPath, [bin, 'run', mod], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    assert.equal(r.status, 3);
    const text = readFileSync(outPath, 'utf8');
    assert.equal(text, 'out1 err2 out3 ' + 'out1 '.repeat(20000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
