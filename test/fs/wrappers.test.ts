import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryFs } from '../../src/fs/memory.js';
import { readOnly } from '../../src/fs/readonly.js';
import { quota } from '../../src/fs/quota.js';
import { overlay } from '../../src/fs/overlay.js';
import type { FileSystem } from '../../src/fs/types.js';
import { bytes, get, manualClock, names, openFile, opts, put, readAll, snapshot, text, throwsErrno } from './helpers.js';

test('readOnly: reads work, every mutation fails with EROFS', () => {
  const mem = memoryFs({ f: 'data', d: { inner: 'i' }, l: { symlink: 'f' } });
  const before = mem.toTree();
  const fs = readOnly(mem);
  assert.equal(fs.readOnly, true);
  assert.equal(readOnly(fs), fs);
  const root = fs.openRoot();
  assert.equal(get(root, 'f'), 'data');
  assert.deepEqual(names(root), ['f', 'd', 'l']);
  assert.equal(root.readlink('l'), 'f');
  assert.equal(get(root.openDir('d'), 'inner'), 'i');
  throwsErrno(() => root.open('f', opts({ write: true })), 'EROFS');
  throwsErrno(() => root.open('f', opts({ truncate: true })), 'EROFS');
  throwsErrno(() => root.open('new', opts({ create: true, write: true })), 'EROFS');
  throwsErrno(() => root.open('f', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('d', opts({ write: true })), 'EISDIR');
  throwsErrno(() => root.open('d', opts({ create: true })), 'EISDIR');
  throwsErrno(() => root.open('l', opts({ write: true })), 'ELOOP');
  throwsErrno(() => root.mkdir('x'), 'EROFS');
  throwsErrno(() => root.symlink('f', 'x'), 'EROFS');
  throwsErrno(() => root.unlink('f'), 'EROFS');
  throwsErrno(() => root.rmdir('d'), 'EROFS');
  throwsErrno(() => root.rename('f', root, 'g'), 'EROFS');
  throwsErrno(() => root.link('f', root, 'g'), 'EROFS');
  throwsErrno(() => root.setTimesAt('f', 1n, 1n), 'EROFS');
  throwsErrno(() => root.setTimes(1n, 1n), 'EROFS');
  // O_CREAT on an existing file without writing is fine.
  assert.equal(text(readAll(openFile(root, 'f', { create: true }))), 'data');
  const h = openFile(root, 'f');
  throwsErrno(() => h.pwrite([bytes('x')], 0), 'EROFS');
  throwsErrno(() => h.setSize(0), 'EROFS');
  throwsErrno(() => h.allocate(0, 10), 'EROFS');
  throwsErrno(() => h.setTimes(null, 1n), 'EROFS');
  assert.equal(h.fs, fs);
  assert.deepEqual(mem.toTree(), before);
});

function limited(limits: Parameters<typeof quota>[1], seed = {}) {
  const mem = memoryFs(seed);
  const fs = quota(mem, limits);
  return { mem, fs, root: fs.openRoot() };
}

test('quota: total bytes (EDQUOT), whole writes refused, usage given back', () => {
  const { fs, root, mem } = limited({ bytes: 100 }, { seeded: 'x'.repeat(30) });
  assert.deepEqual(fs.usage(), { bytes: 30, files: 1 });
  const h = openFile(root, 'a', { write: true, create: true });
  assert.equal(h.pwrite([new Uint8Array(60)], 0), 60);
  throwsErrno(() => h.pwrite([new Uint8Array(20)], 60), 'EDQUOT');
  assert.equal(h.size(), 60); // refused whole, nothing written
  assert.equal(h.pwrite([new Uint8Array(60)], 0), 60); // overwriting costs nothing
  assert.equal(h.pwrite([new Uint8Array(10)], 60), 10);
  throwsErrno(() => h.setSize(71), 'EDQUOT');
  throwsErrno(() => h.allocate(0, 200), 'EDQUOT');
  assert.deepEqual(fs.usage(), { bytes: 100, files: 2 });
  h.setSize(50);
  assert.deepEqual(fs.usage(), { bytes: 80, files: 2 });
  root.unlink('seeded');
  assert.deepEqual(fs.usage(), { bytes: 50, files: 1 });
  openFile(root, 'a', { write: true, truncate: true }).close();
  assert.deepEqual(fs.usage(), { bytes: 0, files: 1 });
  assert.deepEqual(mem.usage(), fs.usage());
});

test('quota: number of inodes (EDQUOT) and per-file size (EFBIG)', () => {
  const { fs, root } = limited({ files: 3, fileBytes: 10 });
  put(root, 'a', '');
  root.mkdir('d');
  root.symlink('a', 's');
  throwsErrno(() => root.mkdir('e'), 'EDQUOT');
  throwsErrno(() => root.symlink('a', 't'), 'EDQUOT');
  throwsErrno(() => root.open('b', opts({ create: true, write: true })), 'EDQUOT');
  root.link('a', root, 'hard'); // a hard link is not a new inode
  // Opening an existing file with create does not count.
  openFile(root, 'a', { create: true, write: true }).close();
  const h = openFile(root, 'a', { write: true });
  h.pwrite([new Uint8Array(10)], 0);
  throwsErrno(() => h.pwrite([new Uint8Array(1)], 10), 'EFBIG');
  throwsErrno(() => h.setSize(11), 'EFBIG');
  root.unlink('hard');
  assert.deepEqual(fs.usage(), { bytes: 10, files: 3 });
  root.unlink('a');
  root.rmdir('d');
  assert.deepEqual(fs.usage(), { bytes: 0, files: 1 });
  root.mkdir('e');
});

test('quota: rename over a file gives its bytes back; EXDEV across filesystems', () => {
  const { fs, root } = limited({ bytes: 100 }, { a: 'x'.repeat(40), b: 'y'.repeat(50) });
  root.rename('a', root, 'b');
  assert.deepEqual(fs.usage(), { bytes: 40, files: 1 });
  root.link('b', root, 'c');
  root.rename('b', root, 'c'); // same inode: nothing changes
  assert.deepEqual(fs.usage(), { bytes: 40, files: 1 });
  const other = limited({}).root;
  throwsErrno(() => root.rename('b', other, 'x'), 'EXDEV');
  throwsErrno(() => root.link('b', other, 'x'), 'EXDEV');
});

test('memoryFs({ quota }) enforces limits and keeps the read-back API', () => {
  const fs = memoryFs({ quota: { bytes: 10, files: 2 } });
  const root = fs.openRoot();
  put(root, 'a', '12345');
  throwsErrno(() => put(root, 'b', '123456'), 'EDQUOT');
  assert.equal(fs.readText('a'), '12345');
  assert.deepEqual(fs.quotaUsage(), { bytes: 5, files: 2 }); // 'b' was created empty, its write refused
  assert.equal(root.fs, fs);
  const seeded = memoryFs({ x: '1234' }, { quota: { bytes: 5 } });
  const sroot = seeded.openRoot();
  throwsErrno(() => put(sroot, 'y', '12'), 'EDQUOT');
  seeded.attach({ now: manualClock().now, dev: 1n });
  assert.deepEqual(seeded.quotaUsage(), { bytes: 4, files: 2 });
});

test('quota measures the wrapped filesystem through the interface (hard links once)', () => {
  const mem = memoryFs({ d: { a: 'abc', e: {} }, l: { symlink: 'd' } });
  const r = mem.openRoot();
  r.openDir('d').link('a', r, 'hard');
  const fs: FileSystem = quota(overlay(mem), { bytes: 1000 });
  fs.openRoot();
  assert.deepEqual((fs as ReturnType<typeof quota>).usage(), mem.usage());
  assert.deepEqual(snapshot(fs), snapshot(mem));
});

test('readOnly, quota and overlay forward the one-iovec read (pread1) and agree with pread', () => {
  const wrapped: [string, (inner: FileSystem) => FileSystem][] = [
    ['readOnly', (f) => readOnly(f)],
    ['quota', (f) => quota(f, { bytes: 1 << 20 })],
    ['overlay', (f) => overlay(f)],
  ];
  for (const [label, wrap] of wrapped) {
    const inner = memoryFs({ 'a.txt': 'hello, wrapped world' });
    const fs = wrap(inner);
    fs.attach?.({ now: manualClock().now, dev: 1n });
    const h = openFile(fs.openRoot(), 'a.txt');
    assert.equal(typeof h.pread1, 'function', label);
    let forwarded = 0;
    const original = Object.getPrototypeOf(openFile(inner.openRoot(), 'a.txt')) as { pread1: (...a: unknown[]) => number };
    const saved = original.pread1;
    original.pread1 = function (this: unknown, ...a: unknown[]): number { forwarded++; return saved.apply(this, a); };
    try {
      const mem = new Uint8Array(64);
      assert.equal(h.pread1!(mem, 10, 5, 7), 5, label);
      assert.equal(text(mem.subarray(10, 15)), 'wrapp', label);
      assert.equal(h.pread1!(mem, 0, 0, 0), 0, label);
      assert.equal(h.pread1!(mem, 0, 64, 18), 2, label); // short read at EOF
      const general = new Uint8Array(5);
      h.pread([general], 7);
      assert.equal(text(general), 'wrapp', label);
      assert.ok(forwarded >= 2, `${label}: the wrapped handle's pread1 was used`);
    } finally {
      original.pread1 = saved;
    }
  }
});
