// Gathered hostDir writes (src/node/host-file.ts): small sequential writes are held in memory
// while gathering is on, and every observable operation (same handle, other handles, path
// operations, close, detach, the end of an inline run) sees exactly what unbuffered writes give.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { after, describe, it } from 'node:test';
import { Errno } from '../../src/abi/constants.js';
import { errnoFromCode } from '../../src/kernel/errors.js';
import type { DirHandle, FileHandle } from '../../src/fs/types.js';
import { hostDir, type HostFileSystem } from '../../src/node/host-fs.js';
import { flushWrite } from '../../src/node/host-file.js';
import { gather } from '../../src/node/host-handle.js';
import { run } from '../../src/index.js';
import { fixturePath } from '../helpers/guest.js';
import { wat } from '../helpers/wat.js';
import { RDWR, READ, decode, opts, removeDir, tempDir, text, throwsErrno } from './host-fs-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

const CREATE = opts({ read: true, write: true, create: true, truncate: true });

function setup(): { dir: string; fs: HostFileSystem; root: DirHandle; f: FileHandle } {
  const dir = tempDir('warden-gather-');
  dirs.push(dir);
  const fs = hostDir(dir);
  fs.attach({ now: () => 0n, dev: 1n });
  fs.startGathering();
  const root = fs.openRoot();
  const f = root.open('f.txt', CREATE) as FileHandle;
  return { dir, fs, root, f };
}

function readBack(f: FileHandle, len: number, at = 0): string {
  const buf = new Uint8Array(len);
  const n = f.pread([buf], at);
  return decode(buf.subarray(0, n));
}

const onHost = (dir: string, name = 'f.txt'): string => nfs.readFileSync(`${dir}/${name}`, 'utf8');

describe('gathered hostDir writes', () => {
  it('holds small writes that continue the previous one back and reports their full length', () => {
    const { dir, fs, f } = setup();
    assert.equal(f.pwrite([text('ab'), text('c')], 0), 3);
    assert.equal(onHost(dir), 'abc', 'the first write of a run reaches the host');
    assert.equal(f.pwrite([text('de'), text('f')], 3), 3);
    assert.equal(f.pwrite([text('g')], 6), 1);
    assert.equal(onHost(dir), 'abc', 'the following ones do not, yet');
    assert.equal(gather.dirty, f);
    fs.detach();
    assert.equal(onHost(dir), 'abcdefg', 'detach flushed');
    assert.equal(gather.dirty, null);
  });

  it('a position the host refuses fails on the write itself, not on a later flush', () => {
    const { dir, fs, f } = setup();
    const at = 2 ** 53 - 2; // beyond ext4's and xfs's largest file: EFBIG there
    const probe = nfs.openSync(`${dir}/probe`, 'w');
    let code: string | undefined;
    try { nfs.writeSync(probe, text('x'), 0, 1, at); } catch (e) { code = (e as { code?: string }).code; }
    nfs.closeSync(probe);
    nfs.unlinkSync(`${dir}/probe`);
    if (code === undefined) {
      assert.equal(f.pwrite([text('x')], at), 1); // a filesystem that takes it (tmpfs)
      assert.equal(f.size(), at + 1);
      f.setSize(0);
    } else {
      throwsErrno(() => f.pwrite([text('x')], at), errnoFromCode(code));
    }
    f.pwrite([text('ok')], 0);
    f.pwrite([text('!')], 2);
    assert.equal(readBack(f, 8), 'ok!');
    fs.detach();
  });

  it('a pread on the same handle sees the gathered bytes', () => {
    const { fs, f } = setup();
    f.pwrite([text('hello ')], 0);
    f.pwrite([text('world')], 6);
    assert.equal(readBack(f, 64), 'hello world');
    fs.detach();
  });

  it('another handle opening and reading the file sees them', () => {
    const { fs, root, f } = setup();
    f.pwrite([text('one\n')], 0);
    f.pwrite([text('two\n')], 4);
    const g = root.open('f.txt', READ) as FileHandle;
    assert.equal(readBack(g, 64), 'one\ntwo\n');
    f.pwrite([text('three\n')], 8);
    assert.equal(readBack(g, 64, 8), 'three\n', 'an already open handle reads them too');
    fs.detach();
  });

  it('size and stat include the pending bytes, on this handle and through the path', () => {
    const { fs, root, f } = setup();
    f.pwrite([text('12345')], 0);
    assert.equal(f.size(), 5);
    f.pwrite([text('678')], 5);
    assert.equal(f.stat().size, 8);
    f.pwrite([text('9')], 8);
    assert.equal(root.statAt('f.txt').size, 9);
    fs.detach();
  });

  it('setSize, allocate, sync and setTimes apply after the pending bytes', () => {
    const { dir, fs, f } = setup();
    f.pwrite([text('abc')], 0);
    f.pwrite([text('def')], 3);
    f.setSize(3);
    assert.equal(onHost(dir), 'abc', 'a truncate is not undone by a later flush');
    f.pwrite([text('XY')], 3);
    f.pwrite([text('W')], 5);
    f.allocate(0, 10);
    assert.equal(onHost(dir), 'abcXYW\0\0\0\0');
    f.pwrite([text('Z')], 6);
    f.sync(true);
    assert.equal(onHost(dir), 'abcXYWZ\0\0\0');
    f.pwrite([text('!')], 7);
    f.setTimes(5_000_000_000n, 6_000_000_000n);
    assert.equal(nfs.statSync(`${dir}/f.txt`).mtimeMs, 6000, 'the flush came before the times were set');
    assert.equal(onHost(dir), 'abcXYWZ!\0\0');
    fs.detach();
  });

  it('rename, readdir and unlink of the file see the gathered bytes where they belong', () => {
    const { dir, fs, root, f } = setup();
    f.pwrite([text('moved')], 0);
    root.rename('f.txt', root, 'g.txt');
    assert.equal(onHost(dir, 'g.txt'), 'moved');
    f.pwrite([text('+more')], 5);
    assert.deepEqual(root.readdir().map((e) => e.name).sort(), ['g.txt']);
    assert.equal(onHost(dir, 'g.txt'), 'moved+more');
    f.pwrite([text('!')], 10);
    root.unlink('g.txt');
    assert.equal(f.size(), 11, 'the unlinked inode still got its bytes');
    assert.equal(readBack(f, 64), 'moved+more!');
    fs.detach();
  });

  it('a write that does not continue the run (seek back, gap) flushes first', () => {
    const { dir, fs, f } = setup();
    f.pwrite([text('aa')], 0);
    f.pwrite([text('aa')], 2);
    f.pwrite([text('bb')], 1); // overwrite inside the pending run
    assert.equal(onHost(dir), 'abba', 'the earlier run went out before this write');
    f.pwrite([text('c')], 3);
    f.pwrite([text('d')], 6); // past the end: a hole
    assert.equal(readBack(f, 64), 'abbc\0\0d');
    fs.detach();
  });

  it('a large write after small ones flushes them first and goes straight out', () => {
    const { dir, fs, f } = setup();
    f.pwrite([text('he')], 0);
    f.pwrite([text('ad:')], 2);
    const big = new Uint8Array(10_000).fill(0x41);
    assert.equal(f.pwrite([big], 5), 10_000);
    assert.equal(onHost(dir), `head:${'A'.repeat(10_000)}`);
    assert.equal(gather.dirty, null);
    fs.detach();
  });

  it('fills the 64 KiB buffer exactly in order across many writes', () => {
    const { dir, fs, f } = setup();
    let expected = '';
    for (let i = 0; i < 5000; i++) {
      const line = `line ${i} of the log\n`;
      assert.equal(f.pwrite([text(line)], expected.length), line.length);
      expected += line;
    }
    assert.ok(expected.length > 64 * 1024);
    f.close();
    assert.equal(onHost(dir), expected);
    fs.detach();
  });

  it('close flushes, and the handle is closed afterwards', () => {
    const { dir, fs, f } = setup();
    f.pwrite([text('clo')], 0);
    f.pwrite([text('sing')], 3);
    f.close();
    assert.equal(onHost(dir), 'closing');
    throwsErrno(() => f.pwrite([text('x')], 7), Errno.BADF);
    fs.detach();
  });

  it('two mounts of the same directory see each other', () => {
    const { dir, fs, f } = setup();
    const other = hostDir(dir);
    other.attach({ now: () => 0n, dev: 2n });
    f.pwrite([text('sha')], 0);
    f.pwrite([text('red')], 3);
    const g = other.openRoot().open('f.txt', RDWR) as FileHandle;
    assert.equal(readBack(g, 64), 'shared');
    other.detach();
    fs.detach();
  });

  it('does not gather unless gathering is on, and stopGathering flushes', () => {
    const { dir, fs, f } = setup();
    f.pwrite([text('pen')], 0);
    f.pwrite([text('ding')], 3);
    assert.equal(onHost(dir), 'pen');
    fs.stopGathering();
    assert.equal(onHost(dir), 'pending');
    f.pwrite([text('!')], 7);
    assert.equal(onHost(dir), 'pending!', 'written at once');
    assert.equal(gather.dirty, null);
    fs.detach();
  });

  it('a failed flush is thrown (as its errno) by the next operation on that handle', () => {
    const { fs, root, f } = setup();
    const real = flushWrite.fn;
    flushWrite.fn = () => { throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); };
    try {
      f.pwrite([text('lo')], 0); // reaches the host
      f.pwrite([text('st')], 2);
      const g = root.open('other.txt', CREATE) as FileHandle; // flushes f's bytes: fails
      g.close(); // the failure is f's, not g's
      throwsErrno(() => f.size(), Errno.NOSPC);
      assert.equal(f.size(), 2, 'reported once');
      f.pwrite([text('ag')], 0);
      f.pwrite([text('ain')], 2);
      throwsErrno(() => f.close(), Errno.NOSPC, 'close reports it');
      throwsErrno(() => f.close(), Errno.BADF, 'and still released the fd');
    } finally {
      flushWrite.fn = real;
    }
    fs.detach();
  });

  it('a real ENOSPC on a full filesystem is reported, not lost', (t) => {
    const base = tempDir('warden-gather-full-');
    dirs.push(base);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', base], { stdio: 'ignore' });
    } catch {
      t.diagnostic('cannot mount a tmpfs here (not root?): the injected-failure test above covers it');
      return;
    }
    try {
      const fs = hostDir(base);
      fs.attach({ now: () => 0n, dev: 3n });
      fs.startGathering();
      const f = fs.openRoot().open('f.txt', CREATE) as FileHandle;
      const chunk = new Uint8Array(4000).fill(0x42);
      let failed: unknown = null;
      let at = 0;
      try {
        for (let i = 0; i < 100; i++) at += f.pwrite([chunk], at); // 400 kB into 64 kB
      } catch (e) {
        failed = e;
      }
      if (failed === null) {
        throwsErrno(() => f.close(), Errno.NOSPC);
      } else {
        throwsErrno(() => { throw failed; }, Errno.NOSPC);
        f.close();
      }
      fs.detach();
    } finally {
      execFileSync('umount', [base]);
    }
  });
});

describe('gathering in run()', () => {
  it('the host reads every line after an inline run, exactly as written', async () => {
    const dir = tempDir('warden-gather-run-');
    dirs.push(dir);
    const m = new WebAssembly.Module(nfs.readFileSync(fixturePath('bench-write')));
    const mount = hostDir(dir);
    const r = await run(m, { args: ['write', '3000', '/out/log.txt'], mounts: { '/out': mount } });
    assert.equal(r.exitCode, 0);
    let expected = '';
    for (let i = 0; i < 3000; i++) expected += `line ${i} of the log, some text\n`;
    assert.equal(onHost(dir, 'log.txt'), expected);
    assert.equal(mount.gatherWrites, false, 'off again after the run');
    assert.equal(gather.dirty, null);
  });

  it('a guest writes on one fd, reads on another, and exits without closing', async () => {
    const dir = tempDir('warden-gather-run-');
    dirs.push(dir);
    const bytes = await wat(`(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "f.txt")
      (data (i32.const 16) "abc")
      (data (i32.const 32) "\\10\\00\\00\\00\\03\\00\\00\\00")
      (data (i32.const 200) "\\40\\00\\00\\00\\40\\00\\00\\00")
      (func (export "_start")
        ;; fd A = open("f.txt", O_CREAT|O_TRUNC), write "abc" twice
        (if (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 9)
              (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 48))
          (then (call $exit (i32.const 10))))
        (drop (call $write (i32.load (i32.const 48)) (i32.const 32) (i32.const 1) (i32.const 40)))
        (drop (call $write (i32.load (i32.const 48)) (i32.const 32) (i32.const 1) (i32.const 40)))
        ;; fd B = open("f.txt"), read it, echo to stdout
        (if (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0)
              (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 52))
          (then (call $exit (i32.const 11))))
        (drop (call $read (i32.load (i32.const 52)) (i32.const 200) (i32.const 1) (i32.const 208)))
        (i32.store (i32.const 216) (i32.const 64))
        (i32.store (i32.const 220) (i32.load (i32.const 208)))
        (drop (call $write (i32.const 1) (i32.const 216) (i32.const 1) (i32.const 40)))
        ;; one more gathered write, then exit with both fds open
        (drop (call $write (i32.load (i32.const 48)) (i32.const 32) (i32.const 1) (i32.const 40)))
        (call $exit (i32.const 0))))`);
    const r = await run(bytes, { mounts: { '/': hostDir(dir) } });
    assert.equal(r.exitCode, 0, String(r.error));
    assert.equal(decode(r.stdout!), 'abcabc');
    assert.equal(onHost(dir), 'abcabcabc', 'flushed when the run ended');
  });
});
