// Preview1 imports with the wrong signature, and a `_start` that takes or returns values, are
// rejected at link time in every engine (a JS import accepts any signature on its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, ModuleRejected } from '../../src/index.js';
import { PREVIEW1_FUNCTIONS } from '../../src/abi/preview1.js';
import { PREVIEW1_SIGNATURES, formatSignature } from '../../src/abi/signatures.js';
import { importSignatureRejection } from '../../src/run/import-signatures.js';
import { wat } from '../helpers/wat.js';

const engines = ['inline', 'worker', 'process'] as const;
const text = (b?: Uint8Array): string => new TextDecoder().decode(b);

const WRITE_HELLO = `
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 7))))`;

/** A module importing `name` from preview1 as `type` (WAT params/results), with a plain _start. */
const importing = (name: string, type: string, start = '(func (export "_start"))'): Promise<Uint8Array> => wat(`
(module
  (import "wasi_snapshot_preview1" "${name}" (func ${type}))
  (memory (export "memory") 1)
  ${start})`);

test('the signature table covers exactly the 46 preview1 functions', () => {
  assert.equal(PREVIEW1_FUNCTIONS.length, 46);
  assert.deepEqual(Object.keys(PREVIEW1_SIGNATURES).sort(), [...PREVIEW1_FUNCTIONS].sort());
  const spot: Record<string, string> = {
    fd_write: '(param i32 i32 i32 i32) (result i32)',
    fd_seek: '(param i32 i64 i32 i32) (result i32)',
    proc_exit: '(param i32)',
    sched_yield: '(result i32)',
    path_open: '(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)',
    clock_time_get: '(param i32 i64 i32) (result i32)',
    fd_pread: '(param i32 i32 i32 i64 i32) (result i32)',
    fd_pwrite: '(param i32 i32 i32 i64 i32) (result i32)',
    fd_advise: '(param i32 i64 i64 i32) (result i32)',
    fd_allocate: '(param i32 i64 i64) (result i32)',
    fd_filestat_set_size: '(param i32 i64) (result i32)',
    fd_filestat_set_times: '(param i32 i64 i64 i32) (result i32)',
    path_filestat_set_times: '(param i32 i32 i32 i32 i64 i64 i32) (result i32)',
    fd_readdir: '(param i32 i32 i32 i64 i32) (result i32)',
    fd_fdstat_set_rights: '(param i32 i64 i64) (result i32)',
    sock_recv: '(param i32 i32 i32 i32 i32 i32) (result i32)',
  };
  for (const [name, sig] of Object.entries(spot)) {
    assert.equal(formatSignature(PREVIEW1_SIGNATURES[name as keyof typeof PREVIEW1_SIGNATURES]), sig, name);
  }
  // Only the five 64-bit witx types lower to i64; every function but proc_exit returns an errno.
  for (const name of PREVIEW1_FUNCTIONS) {
    const s = PREVIEW1_SIGNATURES[name];
    assert.ok(s.params.every((t) => t === 'i32' || t === 'i64'), name);
    assert.deepEqual(s.results, name === 'proc_exit' ? [] : ['i32'], name);
  }
});

test('every preview1 function imported with its table signature passes the check', async () => {
  const lines = PREVIEW1_FUNCTIONS.map((name) => {
    const s = PREVIEW1_SIGNATURES[name];
    return `(import "wasi_snapshot_preview1" "${name}" (func ${formatSignature(s).replace('()', '')}))`;
  });
  const bytes = await wat(`(module ${lines.join('\n')} (memory (export "memory") 1) (func (export "_start")))`);
  assert.equal(importSignatureRejection(bytes), null);
});

test('the check runs once per byte array', async () => {
  const bytes = await importing('fd_write', '(param i64) (result i32)');
  const first = importSignatureRejection(bytes);
  assert.ok(first instanceof ModuleRejected);
  assert.equal(importSignatureRejection(bytes), first);
});

for (const isolation of engines) {
  const go = (bytes: Uint8Array) => run(bytes, { isolation, stdout: 'capture', limits: { timeoutMs: 10_000 } });

  test(`${isolation}: fd_write imported as (param i64) (result i32) is a link rejection`, async () => {
    const r = await go(await importing('fd_write', '(param i64) (result i32)'));
    assert.equal(r.outcome, 'rejected');
    assert.ok(r.error instanceof ModuleRejected, String(r.error));
    assert.equal(r.error.kind, 'link');
    assert.match(r.error.message, /wasi_snapshot_preview1\.fd_write/);
    assert.ok(r.error.message.includes('(param i64) (result i32)'), r.error.message);
    assert.ok(r.error.message.includes('(param i32 i32 i32 i32) (result i32)'), r.error.message);
  });

  test(`${isolation}: proc_exit with a result is a link rejection`, async () => {
    const r = await go(await importing('proc_exit', '(param i32) (result i32)'));
    assert.equal(r.outcome, 'rejected');
    assert.ok(r.error instanceof ModuleRejected, String(r.error));
    assert.equal(r.error.kind, 'link');
    assert.match(r.error.message, /wasi_snapshot_preview1\.proc_exit has signature \(param i32\) \(result i32\), but preview1 defines \(param i32\)$/);
  });

  test(`${isolation}: a module with correct signatures (i64 included) still runs`, async () => {
    const r = await go(await wat(WRITE_HELLO));
    assert.equal(r.outcome, 'exited', String(r.error));
    assert.equal(r.exitCode, 7);
    assert.equal(text(r.stdout), 'hello\n');
  });

  test(`${isolation}: _start taking a parameter is an entry rejection`, async () => {
    const r = await go(await wat('(module (memory (export "memory") 1) (func (export "_start") (param i32)))'));
    assert.equal(r.outcome, 'rejected');
    assert.ok(r.error instanceof ModuleRejected, String(r.error));
    assert.equal(r.error.kind, 'entry');
    assert.match(r.error.message, /_start .*\(param i32\)/);
  });

  test(`${isolation}: _start returning a value is an entry rejection`, async () => {
    const r = await go(await wat('(module (memory (export "memory") 1) (func (export "_start") (result i32) (i32.const 0)))'));
    assert.equal(r.outcome, 'rejected');
    assert.ok(r.error instanceof ModuleRejected, String(r.error));
    assert.equal(r.error.kind, 'entry');
    assert.match(r.error.message, /\(result i32\)/);
  });

  test(`${isolation}: an unknown preview1 name is still a link rejection`, async () => {
    const r = await go(await importing('fd_frobnicate', '(param i32) (result i32)'));
    assert.equal(r.outcome, 'rejected');
    assert.ok(r.error instanceof ModuleRejected, String(r.error));
    assert.equal(r.error.kind, 'link');
  });
}
