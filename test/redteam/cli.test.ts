// Red team through the `warden` CLI: in-memory mounts are capped, output floods and sleeping
// or exit-catching guests end with the documented status, hostile command lines give one line.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { wat } from '../helpers/wat.js';
import { assertOneLine, cleanup, guestFile, ROOT, tempDir, warden } from './helpers.js';

after(cleanup);

// Opens "f" (created) under the first preopen, sets its size to $size, exits with the errno.
const setSize = (size: string) => `(data (i32.const 0) "f")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (call $exit (call $set_size (i32.load (i32.const 8)) (i64.const ${size}))))`;

test('--memfs and --overlay keep at most 1 GiB in memory: a 2 GiB file is EDQUOT', async () => {
  const big = await guestFile(setSize('2147483648'));
  const small = await guestFile(setSize('1048576'));
  const lower = tempDir();
  mkdirSync(join(lower, 'sub'));
  for (const mount of [['--memfs', '/t'], ['--overlay', `${lower}::/t`]]) {
    const r = await warden(['run', ...mount, big]);
    assert.equal(r.status, 19, `${mount[0]}: ${r.stderr}`); // EDQUOT
    assert.equal((await warden(['run', ...mount, small])).status, 0, mount[0]);
  }
});

test('--memfs caps the number of entries too: the 262,145th mkdir is EDQUOT', async () => {
  // mkdir 8-hex-digit names until one fails; exit 0 if it failed with EDQUOT at 262,144 entries.
  const g = await guestFile(`(func $hex (param $v i32) (result i32)
      (i32.add (local.get $v) (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $v) (i32.const 10)))))
    (func (export "_start") (local $i i32) (local $d i32) (local $e i32)
      (loop $l
        (local.set $d (i32.const 0))
        (loop $digits
          (i32.store8 (local.get $d) (call $hex (i32.and (i32.shr_u (local.get $i) (i32.shl (local.get $d) (i32.const 2))) (i32.const 15))))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br_if $digits (i32.lt_u (local.get $d) (i32.const 8))))
        (local.set $e (call $mkdir (i32.const 3) (i32.const 0) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.eqz (local.get $e))))
      (call $exit (select (i32.const 0) (i32.const 1)
        (i32.and (i32.eq (local.get $e) (i32.const 19)) (i32.eq (local.get $i) (i32.const 262145))))))`);
  const r = await warden(['run', '--memfs', '/t', g], { killAfterMs: 30_000 });
  assert.equal(r.status, 0, r.stderr);
});

test('an output flood ends with 137 and one line', async () => {
  const g = await guestFile(`(func (export "_start")
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 65536))
    (loop $l (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l)))`, 2);
  const r = await warden(['run', '--max-output', '1M', g]);
  assert.equal(r.status, 137);
  assertOneLine(r, /limit/);
  assert.equal(r.stdout.length, 1 << 20);
});

test('a guest sleeping an hour in poll_oneoff stops at --timeout-ms (124) under every engine', async () => {
  const g = await guestFile(`(func (export "_start")
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 200))))`);
  for (const isolation of ['inline', 'worker', 'process']) {
    const r = await warden(['run', '--isolation', isolation, '--timeout-ms', '300', g]);
    assert.equal(r.status, 124, isolation);
    assert.ok(r.ms < 5000, `${isolation}: ${r.ms} ms`);
    assertOneLine(r, /deadline/);
  }
});

test('worker and process engines: a stdin pipe that never ends does not outlast --timeout-ms', async () => {
  const g = await guestFile(`(func (export "_start")
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 16))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.load (i32.const 8))))`);
  for (const isolation of ['worker', 'process']) {
    const r = await warden(['run', '--isolation', isolation, '--timeout-ms', '300', g], { stdin: 'hold', killAfterMs: 10_000 });
    assert.equal(r.signal, null, `${isolation}: Warden ended on its own`);
    assert.equal(r.status, 124, isolation);
    assertOneLine(r, /deadline/);
    // Input that ends is read whole (the guest exits with the byte count).
    assert.equal((await warden(['run', '--isolation', isolation, g], { stdin: 'abc' })).status, 3, isolation);
  }
});

test('a guest cannot catch proc_exit or a limit with catch_all: no deadline needed, every engine', async () => {
  const spin = join(ROOT, 'fixtures/wasm/exit_catch_spin.wasm');
  // Output limit hit inside try/catch_all, then a spin without imports.
  const limit = await guestFile(`(func (export "_start")
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 4096))
    (try (do (loop $l (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l)))
      (catch_all (loop $spin (br $spin)))))`);
  for (const isolation of ['inline', 'worker', 'process']) {
    const r = await warden(['run', '--isolation', isolation, spin], { killAfterMs: 10_000 });
    assert.equal(r.signal, null, `${isolation}: Warden ended on its own`);
    assert.equal(r.status, 5, isolation);
    assert.equal(r.stdout, 'before exit\n');
    const l = await warden(['run', '--isolation', isolation, '--max-output', '64K', limit], { killAfterMs: 10_000 });
    assert.equal(l.signal, null, `${isolation}: Warden ended on its own`);
    assert.equal(l.status, 137, isolation);
  }
});

test('hostile command lines: one line, status 2, no stack trace', async () => {
  const dir = tempDir();
  const hello = join(ROOT, 'fixtures/wasm/hello.wasm');
  const cases: [string[], RegExp][] = [
    [['run', dir], /directory/],
    [['run', '--dir', `${dir}/missing`, hello], /does not exist/],
    [['run', '--dir', hello, hello], /not a directory/],
    [['run', '--dir', '::', hello], /expected HOST/],
    [['run', '--timeout-ms', '1e400', hello], /timeout/],
    [['run', '--memory-limit', '99999T', hello], /too large/],
    [['run', '--stdin', dir, hello], /directory/],
    [['run', '--trace-file', dir, hello], /directory/],
    [['run', '--clock', 'frozen:not-a-date', hello], /ISO 8601/],
    [['run', '--random', 'seed:1e30', hello], /seed/],
    [['run', '--policy', dir, hello], /policy/],
  ];
  for (const [args, pattern] of cases) {
    const r = await warden(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assertOneLine(r, pattern);
  }
});

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b); } while (n !== 0);
  return out;
}

test('a trap in a function named with terminal escapes and 5,000 chars prints one short, clean line', async () => {
  const compiled = await wat(`(module (memory (export "memory") 1) (func unreachable) (func (export "_start") (call 0)))`);
  // Drop the custom sections (wabt's name section), then add one naming the functions
  // "\x1b[2J\x07warden: exited OK" followed by 5,000 x.
  const plain: number[] = [...compiled.subarray(0, 8)];
  for (let i = 8; i < compiled.length;) {
    const start = i;
    const id = compiled[i++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) { const b = compiled[i++]!; size |= (b & 0x7f) << shift; if (b < 0x80) break; }
    i += size;
    if (id !== 0) plain.push(...compiled.subarray(start, i));
  }
  const name = new TextEncoder().encode('\x1b[2J\x07warden: exited OK' + 'x'.repeat(5000));
  // Both functions get the name (the trap may be reported in either if the call is inlined).
  const sub = [...leb(2), ...leb(0), ...leb(name.length), ...name, ...leb(1), ...leb(name.length), ...name];
  const content = [...leb(4), ...new TextEncoder().encode('name'), 1, ...leb(sub.length), ...sub];
  const file = join(tempDir(), 'named.wasm');
  writeFileSync(file, new Uint8Array([...plain, 0, ...leb(content.length), ...content]));
  const r = await warden(['run', file]);
  assert.equal(r.status, 134);
  assertOneLine(r, /^warden: guest trapped \(unreachable\) in \?\[2J\?warden: exited OKx+\.\.\.$/);
  assert.ok(r.stderr.length < 1100);
});
