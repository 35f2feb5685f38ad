import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileType } from '../../src/abi/constants.js';
import { file, isVirtualFileMount, virtualDir, virtualFile } from '../../src/fs/virtual.js';
import { bytes, get, manualClock, names, openFile, opts, put, readAll, text, throwsErrno } from './helpers.js';

test('static content and nested directories', () => {
  const fs = virtualDir({
    'app.json': '{"a":1}',
    bin: new Uint8Array([1, 2, 3]),
    etc: { hosts: 'localhost', deeper: virtualDir({ x: 'y' }) },
  });
  assert.equal(fs.readOnly, true);
  const root = fs.openRoot();
  assert.deepEqual(names(root), ['app.json', 'bin', 'etc']);
  assert.equal(get(root, 'app.json'), '{"a":1}');
  assert.deepEqual([...readAll(openFile(root, 'bin'))], [1, 2, 3]);
  const etc = root.openDir('etc');
  assert.equal(get(etc, 'hosts'), 'localhost');
  assert.equal(get(etc.openDir('deeper'), 'x'), 'y');
  assert.equal(root.statAt('app.json').size, 7);
  assert.equal(root.statAt('etc').filetype, FileType.DIRECTORY);
  // Inode numbers are unique across the nested tree.
  const inos = new Set([root.stat().ino, root.statAt('app.json').ino, etc.stat().ino, etc.statAt('deeper').ino]);
  assert.equal(inos.size, 4);
});

test('read callback runs at each open; each handle keeps its snapshot', () => {
  let counter = 0;
  const fs = virtualDir({ status: { read: () => `count=${++counter}` } });
  const root = fs.openRoot();
  const first = openFile(root, 'status');
  assert.equal(text(readAll(first)), 'count=1');
  assert.equal(get(root, 'status'), 'count=2');
  assert.equal(text(readAll(first)), 'count=1');
});

test('write callback receives the full content at close, only if written', () => {
  const writes: string[] = [];
  let stored = 'old content';
  const fs = virtualDir({
    cfg: { read: () => stored, write: (d) => { stored = text(d); writes.push(stored); } },
  });
  assert.equal(fs.readOnly, false);
  const root = fs.openRoot();
  openFile(root, 'cfg', { write: true }).close();
  assert.deepEqual(writes, []);
  const h = openFile(root, 'cfg', { write: true });
  h.pwrite([bytes('NEW')], 0);
  h.sync(false);
  assert.deepEqual(writes, ['NEW content']);
  h.close(); // nothing new since sync
  assert.equal(writes.length, 1);
  put(root, 'cfg', 'replaced'); // create+truncate+write
  assert.deepEqual(writes, ['NEW content', 'replaced']);
  assert.equal(get(root, 'cfg'), 'replaced');
  // Truncation alone is reported too.
  openFile(root, 'cfg', { write: true, truncate: true }).close();
  assert.equal(stored, '');
});

test('files without write refuse writing with EACCES; structure is fixed', () => {
  const fs = virtualDir({ ro: 'x', d: {} });
  const root = fs.openRoot();
  throwsErrno(() => root.open('ro', opts({ write: true })), 'EACCES');
  throwsErrno(() => root.open('ro', opts({ truncate: true, write: true })), 'EACCES');
  throwsErrno(() => root.open('new', opts({ create: true, write: true })), 'EACCES');
  throwsErrno(() => root.open('ro', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('d', opts({ write: true })), 'EISDIR');
  throwsErrno(() => root.open('ro', opts({ directory: true })), 'ENOTDIR');
  throwsErrno(() => root.open('nope', opts()), 'ENOENT');
  throwsErrno(() => root.mkdir('d'), 'EEXIST');
  throwsErrno(() => root.mkdir('e'), 'EACCES');
  throwsErrno(() => root.symlink('x', 'e'), 'EACCES');
  throwsErrno(() => root.unlink('ro'), 'EACCES');
  throwsErrno(() => root.unlink('d'), 'EISDIR');
  throwsErrno(() => root.rmdir('ro'), 'ENOTDIR');
  throwsErrno(() => root.rmdir('d'), 'EACCES');
  throwsErrno(() => root.rename('ro', root, 'x'), 'EACCES');
  throwsErrno(() => root.link('ro', root, 'x'), 'EACCES');
  throwsErrno(() => root.readlink('ro'), 'EINVAL');
  throwsErrno(() => root.openDir('ro'), 'ENOTDIR');
  // A handle opened read-only cannot write.
  throwsErrno(() => openFile(root, 'ro').pwrite([bytes('x')], 0), 'EBADF');
});

test('callback failures become EIO', () => {
  const fs = virtualDir({
    bad: { read: () => { throw new Error('host broke'); } },
    badw: { read: () => '', write: () => { throw new Error('host broke'); } },
  });
  const root = fs.openRoot();
  throwsErrno(() => root.open('bad', opts()), 'EIO');
  const h = openFile(root, 'badw', { write: true });
  h.pwrite([bytes('x')], 0);
  throwsErrno(() => h.close(), 'EIO');
});

test('timestamps and dev come from attach; character devices', () => {
  const clock = manualClock(5n);
  const fs = virtualDir({ tty: { read: () => '', write: () => {}, characterDevice: true } });
  fs.attach({ now: clock.now, dev: 3n });
  const root = fs.openRoot();
  const st = root.statAt('tty');
  assert.deepEqual([st.dev, st.mtim, st.filetype], [3n, 5n, FileType.CHARACTER_DEVICE]);
  clock.set(9n);
  const h = openFile(root, 'tty', { write: true });
  h.pwrite([bytes('x')], 0);
  assert.equal(h.stat().mtim, 9n);
  assert.equal(h.filetype, FileType.CHARACTER_DEVICE);
});

test('file() makes a single-file mount that becomes a one-entry directory', () => {
  const mount = file('{"port":80}');
  assert.ok(isVirtualFileMount(mount));
  assert.ok(!isVirtualFileMount({ source: 'x' }));
  assert.equal(mount.readOnly, true);
  assert.equal(virtualFile({ read: () => '', write: () => {} }).readOnly, false);
  const fs = mount.asDirectory('app.json');
  const root = fs.openRoot();
  assert.deepEqual(names(root), ['app.json']);
  assert.equal(get(root, 'app.json'), '{"port":80}');
  // Several single-file mounts can share a directory.
  const grouped = virtualDir({ 'a.json': file('a'), 'b.json': file('b') });
  assert.deepEqual(names(grouped.openRoot()), ['a.json', 'b.json']);
  assert.throws(() => mount.asDirectory('a/b'), TypeError);
});
