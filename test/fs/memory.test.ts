import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileType } from '../../src/abi/constants.js';
import { memoryFs, MemoryFileSystem } from '../../src/fs/memory.js';
import {
  RW_CREATE, bytes, get, manualClock, names, openFile, opts, put, readAll, text, throwsErrno,
} from './helpers.js';

function fresh(seed?: Parameters<typeof memoryFs>[0]) {
  const fs = memoryFs(seed);
  const clock = manualClock();
  fs.attach({ now: clock.now, dev: 7n });
  return { fs, root: fs.openRoot(), clock };
}

test('create, write, read back through handles and the host API', () => {
  const { fs, root } = fresh();
  put(root, 'a.txt', 'hello');
  assert.equal(get(root, 'a.txt'), 'hello');
  assert.equal(fs.readText('a.txt'), 'hello');
  assert.deepEqual(fs.list(''), ['a.txt']);
  assert.ok(fs.exists('/a.txt'));
  assert.ok(!fs.exists('b.txt'));
});

test('pread past EOF returns 0; pwrite past EOF zero-fills the gap', () => {
  const { root } = fresh();
  const h = openFile(root, 'f', { write: true, create: true });
  assert.equal(h.pread([new Uint8Array(4)], 10), 0);
  assert.equal(h.pwrite([bytes('xy')], 5), 2);
  assert.equal(h.size(), 7);
  assert.deepEqual([...readAll(h)], [0, 0, 0, 0, 0, 120, 121]);
  // Reads scatter over several buffers in order.
  const a = new Uint8Array(3), b = new Uint8Array(10);
  assert.equal(h.pread([a, b], 2), 5);
  assert.deepEqual([...a, ...b.subarray(0, 2)], [0, 0, 0, 120, 121]);
});

test('setSize shrinks and grows with zeros; allocate grows only', () => {
  const { root } = fresh();
  const h = openFile(root, 'f', { write: true, create: true });
  h.pwrite([bytes('abcdef')], 0);
  h.setSize(2);
  h.setSize(5);
  assert.deepEqual([...readAll(h)], [97, 98, 0, 0, 0]);
  h.allocate(0, 3);
  assert.equal(h.size(), 5);
  h.allocate(4, 4);
  assert.equal(h.size(), 8);
  throwsErrno(() => h.setSize(-1), 'EINVAL');
});

test('many small appending writes keep content exact', () => {
  const { root } = fresh();
  const h = openFile(root, 'log', { write: true, create: true });
  let expected = '';
  for (let i = 0; i < 5000; i++) {
    const line = `line ${i}\n`;
    h.pwrite([bytes(line)], h.size());
    expected += line;
  }
  assert.equal(text(readAll(h)), expected);
});

test('open flags: exclusive, directory, truncate, write on a directory', () => {
  const { root } = fresh({ f: 'data', d: {}, l: { symlink: 'f' } });
  throwsErrno(() => root.open('f', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('l', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('l', opts({ create: true })), 'ELOOP');
  throwsErrno(() => root.open('l', opts()), 'ELOOP');
  throwsErrno(() => root.open('d', opts({ write: true })), 'EISDIR');
  throwsErrno(() => root.open('d', opts({ create: true })), 'EISDIR');
  throwsErrno(() => root.open('d', opts({ create: true, directory: true })), 'EISDIR');
  throwsErrno(() => root.open('new', opts({ create: true, directory: true })), 'EISDIR');
  throwsErrno(() => root.open('f', opts({ create: true, directory: true })), 'ENOTDIR');
  throwsErrno(() => root.open('f', opts({ directory: true })), 'ENOTDIR');
  throwsErrno(() => root.open('missing', opts()), 'ENOENT');
  assert.equal(root.open('d', opts({ directory: true })).kind, 'dir');
  openFile(root, 'f', { write: true, truncate: true }).close();
  assert.equal(root.statAt('f').size, 0);
});

test('openDir and readlink errors', () => {
  const { root } = fresh({ f: 'x', l: { symlink: '../target' }, d: {} });
  throwsErrno(() => root.openDir('f'), 'ENOTDIR');
  throwsErrno(() => root.openDir('l'), 'ELOOP');
  throwsErrno(() => root.openDir('nope'), 'ENOENT');
  assert.equal(root.readlink('l'), '../target');
  throwsErrno(() => root.readlink('f'), 'EINVAL');
  throwsErrno(() => root.readlink('nope'), 'ENOENT');
  assert.equal(root.statAt('l').filetype, FileType.SYMBOLIC_LINK);
  assert.equal(root.statAt('l').size, 9);
});

test('mkdir, symlink and link refuse an existing name', () => {
  const { root } = fresh({ f: 'x', d: {} });
  throwsErrno(() => root.mkdir('f'), 'EEXIST');
  throwsErrno(() => root.mkdir('d'), 'EEXIST');
  throwsErrno(() => root.symlink('x', 'f'), 'EEXIST');
  throwsErrno(() => root.link('f', root, 'd'), 'EEXIST');
  throwsErrno(() => root.link('d', root, 'd2'), 'EPERM');
  throwsErrno(() => root.link('nope', root, 'n2'), 'ENOENT');
});

test('unlink and rmdir rules', () => {
  const { root } = fresh({ f: 'x', d: {}, full: { inner: 'y' }, l: { symlink: 'd' } });
  throwsErrno(() => root.unlink('d'), 'EISDIR');
  throwsErrno(() => root.rmdir('f'), 'ENOTDIR');
  throwsErrno(() => root.rmdir('l'), 'ENOTDIR');
  throwsErrno(() => root.rmdir('full'), 'ENOTEMPTY');
  throwsErrno(() => root.unlink('nope'), 'ENOENT');
  root.unlink('l');
  root.unlink('f');
  root.rmdir('d');
  assert.deepEqual(names(root), ['full']);
});

test('rename rules', () => {
  const { fs, root } = fresh({
    a: 'A', b: 'B', d1: { x: '1' }, d2: {}, d3: { y: '2' }, l: { symlink: 'a' },
  });
  root.rename('a', root, 'b'); // file over file replaces
  assert.equal(get(root, 'b'), 'A');
  assert.ok(!fs.exists('a'));
  throwsErrno(() => root.rename('b', root, 'd2'), 'EISDIR');
  throwsErrno(() => root.rename('d1', root, 'b'), 'ENOTDIR');
  throwsErrno(() => root.rename('d1', root, 'l'), 'ENOTDIR');
  throwsErrno(() => root.rename('d1', root, 'd3'), 'ENOTEMPTY');
  throwsErrno(() => root.rename('nope', root, 'z'), 'ENOENT');
  const d1 = root.openDir('d1');
  throwsErrno(() => root.rename('d1', d1, 'sub'), 'EINVAL');
  d1.mkdir('deeper');
  throwsErrno(() => root.rename('d1', d1.openDir('deeper'), 'x'), 'EINVAL');
  // A target above the source is never empty (Linux checks this before the types).
  throwsErrno(() => d1.rename('x', root, 'd1'), 'ENOTEMPTY');
  root.rename('d1', root, 'd2'); // dir over empty dir replaces
  assert.equal(fs.readText('d2/x'), '1');
  root.rename('b', root, 'b'); // to itself: no-op
  assert.equal(get(root, 'b'), 'A');
  root.rename('l', root, 'b'); // symlink over file
  assert.equal(root.readlink('b'), 'a');
  // The moved directory's handle keeps working at its new place.
  put(d1, 'new', 'n');
  assert.equal(fs.readText('d2/new'), 'n');
});

test('rename across directories updates nlink and parents', () => {
  const { root } = fresh({ p: { c: {} }, q: {} });
  const p = root.openDir('p');
  const q = root.openDir('q');
  assert.equal(p.stat().nlink, 3);
  assert.equal(q.stat().nlink, 2);
  p.rename('c', q, 'c2');
  assert.equal(p.stat().nlink, 2);
  assert.equal(q.stat().nlink, 3);
  // Renaming q into its moved child is now refused.
  throwsErrno(() => root.rename('q', q.openDir('c2'), 'x'), 'EINVAL');
});

test('rename of two hard links to one inode is a no-op', () => {
  const { fs, root } = fresh({ a: 'x' });
  root.link('a', root, 'b');
  root.rename('a', root, 'b');
  assert.deepEqual(fs.list(''), ['a', 'b']);
  assert.equal(root.statAt('a').nlink, 2);
});

test('hard links share the inode; nlink counts names', () => {
  const { root } = fresh({ a: 'x', d: {} });
  const d = root.openDir('d');
  root.link('a', d, 'b');
  assert.equal(root.statAt('a').ino, d.statAt('b').ino);
  assert.equal(root.statAt('a').nlink, 2);
  put(d, 'b', 'changed');
  assert.equal(get(root, 'a'), 'changed');
  root.unlink('a');
  assert.equal(d.statAt('b').nlink, 1);
  assert.equal(get(d, 'b'), 'changed');
  // A symlink is linked as itself, never followed.
  root.symlink('d', 's');
  root.link('s', root, 's2');
  assert.equal(root.readlink('s2'), 'd');
});

test('directory nlink is 2 + subdirectories', () => {
  const { root } = fresh();
  assert.equal(root.stat().nlink, 2);
  root.mkdir('a');
  root.mkdir('b');
  put(root, 'f', '');
  assert.equal(root.stat().nlink, 4);
  root.rmdir('a');
  assert.equal(root.stat().nlink, 3);
});

test('an open handle keeps working after its name is unlinked', () => {
  const { root } = fresh({ f: 'keep' });
  const h = openFile(root, 'f', { write: true });
  root.unlink('f');
  assert.equal(h.stat().nlink, 0);
  h.pwrite([bytes('!')], 4);
  assert.equal(text(readAll(h)), 'keep!');
  throwsErrno(() => root.statAt('f'), 'ENOENT');
});

test('a removed directory handle sees nothing and takes no entries', () => {
  const { root } = fresh({ d: {} });
  const d = root.openDir('d');
  root.rmdir('d');
  assert.deepEqual(d.readdir(), []);
  throwsErrno(() => d.open('x', RW_CREATE), 'ENOENT');
  throwsErrno(() => d.mkdir('x'), 'ENOENT');
  assert.equal(d.stat().nlink, 0);
});

test('readdir keeps insertion order and stays stable while the directory changes', () => {
  const { root } = fresh();
  for (const n of ['c', 'a', 'b', 'e', 'd']) put(root, n, n);
  assert.deepEqual(names(root), ['c', 'a', 'b', 'e', 'd']);
  root.unlink('b');
  put(root, 'a', 'rewritten'); // rewriting keeps the position
  put(root, 'f', 'f');
  assert.deepEqual(names(root), ['c', 'a', 'e', 'd', 'f']);
  const entries = root.readdir();
  assert.equal(entries[0]!.filetype, FileType.REGULAR_FILE);
  assert.equal(entries[0]!.ino, root.statAt('c').ino);
});

test('timestamps come from the attached clock; dev from attach', () => {
  const { root, clock } = fresh();
  clock.set(100n);
  put(root, 'f', 'x');
  let st = root.statAt('f');
  assert.equal(st.dev, 7n);
  assert.deepEqual([st.atim, st.mtim, st.ctim], [100n, 100n, 100n]);
  assert.equal(root.stat().mtim, 100n);

  clock.set(200n);
  const h = openFile(root, 'f', { write: true });
  h.pwrite([bytes('y')], 1);
  st = h.stat();
  assert.deepEqual([st.atim, st.mtim, st.ctim], [100n, 200n, 200n]);

  clock.set(300n);
  h.setSize(0);
  assert.equal(h.stat().mtim, 300n);

  clock.set(400n);
  root.link('f', root, 'g');
  st = root.statAt('f');
  assert.deepEqual([st.mtim, st.ctim], [300n, 400n]);
  assert.equal(root.stat().mtim, 400n);

  clock.set(500n);
  root.rename('g', root, 'h');
  assert.equal(root.statAt('h').ctim, 500n);
  assert.equal(root.stat().mtim, 500n);

  clock.set(600n);
  root.setTimesAt('h', 1n, null);
  st = root.statAt('h');
  assert.deepEqual([st.atim, st.mtim, st.ctim], [1n, 300n, 600n]);
  h.setTimes(null, 2n);
  assert.equal(h.stat().mtim, 2n);
});

test('before attach, timestamps are wall-clock nanoseconds', () => {
  const fs = memoryFs({ f: 'x' });
  const st = fs.openRoot().statAt('f');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  assert.ok(st.mtim <= nowNs && st.mtim > nowNs - 60_000_000_000n);
});

test('seed and toTree round trip, including multi-segment keys and binary', () => {
  const bin = new Uint8Array([0xff, 0, 1]);
  const fs = memoryFs({
    'a/b/c.txt': 'deep', top: 'x', bin, link: { symlink: 'a/b' }, empty: {}, a: { sibling: 's' },
  });
  assert.deepEqual(fs.toTree(), {
    a: { b: { 'c.txt': 'deep' }, sibling: 's' }, top: 'x', bin, link: { symlink: 'a/b' }, empty: {},
  });
  const again = memoryFs(fs.toTree());
  assert.deepEqual(again.toTree({ binary: true }), fs.toTree({ binary: true }));
  assert.equal(fs.openRoot().openDir('a').stat().nlink, 3);
});

test('host writeFile creates parents; readFile refuses symlinks in the path', () => {
  const fs = new MemoryFileSystem({ l: { symlink: 'd' }, d: {} });
  fs.writeFile('x/y/z.txt', 'z');
  assert.equal(fs.readText('x/y/z.txt'), 'z');
  fs.writeFile('x/y/z.txt', bytes('zz'));
  assert.equal(fs.readText('x/y/z.txt'), 'zz');
  assert.throws(() => fs.readFile('l/anything'), { code: 'ELOOP' });
  assert.throws(() => fs.readFile('d'), { code: 'EISDIR' });
  assert.throws(() => fs.readFile('../etc/passwd'), { code: 'EINVAL' });
  assert.deepEqual(fs.usage(), { bytes: 2, files: 5 });
});

test('rename and link into another filesystem fail with EXDEV', () => {
  const a = fresh({ f: 'x' }).root;
  const b = fresh().root;
  throwsErrno(() => a.rename('f', b, 'f'), 'EXDEV');
  throwsErrno(() => a.link('f', b, 'f'), 'EXDEV');
});

test('reopen gives an independent handle on the same directory', () => {
  const { root } = fresh();
  const again = root.reopen();
  put(again, 'f', 'x');
  assert.deepEqual(names(root), ['f']);
  assert.equal(again.stat().ino, root.stat().ino);
});
