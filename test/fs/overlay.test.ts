import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileType } from '../../src/abi/constants.js';
import { memoryFs } from '../../src/fs/memory.js';
import { overlay } from '../../src/fs/overlay.js';
import { virtualDir } from '../../src/fs/virtual.js';
import type { MemoryTree } from '../../src/fs/memory-tree.js';
import {
  bytes, get, manualClock, names, openFile, opts, put, readAll, snapshot, text, throwsErrno,
} from './helpers.js';

const SEED: MemoryTree = {
  'readme.txt': 'lower readme',
  src: { 'main.c': 'int main(){}', 'util.c': 'util', lib: { 'x.h': 'x' } },
  empty: {},
  link: { symlink: 'src/main.c' },
};

function setup(seed: MemoryTree = SEED) {
  const lower = memoryFs(seed);
  const clock = manualClock(1000n);
  lower.attach({ now: clock.now, dev: 1n });
  const before = lower.toTree();
  const ov = overlay(lower);
  ov.attach({ now: clock.now, dev: 9n });
  const untouched = () => assert.deepEqual(lower.toTree(), before);
  return { lower, ov, root: ov.openRoot(), clock, untouched };
}

test('reads come from the lower layer', () => {
  const { ov, root, untouched } = setup();
  assert.equal(get(root, 'readme.txt'), 'lower readme');
  assert.deepEqual(snapshot(ov), snapshot(memoryFs(SEED)));
  assert.equal(root.readlink('link'), 'src/main.c');
  throwsErrno(() => root.open('link', opts()), 'ELOOP');
  throwsErrno(() => root.openDir('link'), 'ELOOP');
  assert.equal(root.statAt('readme.txt').dev, 9n);
  assert.deepEqual(ov.changes(), []);
  untouched();
});

test('writing copies the file up; the lower file is never changed', () => {
  const { lower, ov, root, untouched } = setup();
  const lowerIno = lower.openRoot().statAt('readme.txt').ino;
  const reader = openFile(root, 'readme.txt');
  const h = openFile(root, 'readme.txt', { write: true });
  h.pwrite([bytes('UPPER')], 0);
  h.close();
  assert.equal(get(root, 'readme.txt'), 'UPPER readme');
  // A handle opened for reading before the copy-up keeps the lower content.
  assert.equal(text(readAll(reader)), 'lower readme');
  assert.notEqual(root.statAt('readme.txt').ino, lowerIno * 2n);
  assert.deepEqual(ov.changes(), [{ path: 'readme.txt', kind: 'modified', type: 'file' }]);
  untouched();
});

test('a file copied up but left unchanged is not reported', () => {
  const { ov, root, clock } = setup();
  openFile(root, 'readme.txt', { write: true }).close();
  root.setTimesAt('empty', null, null);
  assert.deepEqual(ov.changes(), []);
  clock.set(2000n);
  const h = openFile(root, 'readme.txt', { write: true });
  h.pwrite([bytes('l')], 0); // the same byte, but the mtime moves
  h.close();
  assert.deepEqual(ov.changes(), [{ path: 'readme.txt', kind: 'modified', type: 'file' }]);
});

test('open with truncate copies up an empty file', () => {
  const { root, untouched } = setup();
  const src = root.openDir('src');
  put(src, 'main.c', 'new');
  assert.equal(get(src, 'main.c'), 'new');
  openFile(src, 'util.c', { write: true, truncate: true }).close();
  assert.equal(src.statAt('util.c').size, 0);
  untouched();
});

test('new entries are added; readdir merges lower order then upper additions', () => {
  const { ov, root, untouched } = setup();
  put(root, 'new.txt', 'n');
  root.mkdir('newdir');
  put(root.openDir('newdir'), 'inner', 'i');
  root.symlink('readme.txt', 'sl');
  put(root, 'readme.txt', 'changed'); // shadowed in place, keeps its position
  assert.deepEqual(names(root), ['readme.txt', 'src', 'empty', 'link', 'new.txt', 'newdir', 'sl']);
  assert.deepEqual(ov.changes(), [
    { path: 'new.txt', kind: 'added', type: 'file' },
    { path: 'newdir', kind: 'added', type: 'directory' },
    { path: 'newdir/inner', kind: 'added', type: 'file' },
    { path: 'sl', kind: 'added', type: 'symlink' },
    { path: 'readme.txt', kind: 'modified', type: 'file' },
  ]);
  const exported = ov.exportChanges();
  assert.deepEqual(Object.keys(exported), ['new.txt', 'newdir', 'newdir/inner', 'sl', 'readme.txt']);
  assert.equal(text(exported['newdir/inner'] as Uint8Array), 'i');
  assert.deepEqual(exported['sl'], { symlink: 'readme.txt' });
  assert.deepEqual(exported['newdir'], {});
  untouched();
});

test('deleting lower entries leaves whiteouts', () => {
  const { ov, root, untouched } = setup();
  const src = root.openDir('src');
  src.unlink('util.c');
  throwsErrno(() => src.statAt('util.c'), 'ENOENT');
  throwsErrno(() => src.unlink('util.c'), 'ENOENT');
  assert.deepEqual(names(src), ['main.c', 'lib']);
  throwsErrno(() => src.rmdir('lib'), 'ENOTEMPTY');
  const lib = src.openDir('lib');
  lib.unlink('x.h');
  src.rmdir('lib');
  assert.deepEqual(names(src), ['main.c']);
  assert.deepEqual(lib.readdir(), []);
  throwsErrno(() => put(lib, 'x', 'x'), 'ENOENT');
  root.rmdir('empty');
  root.unlink('link');
  assert.deepEqual(names(root), ['readme.txt', 'src']);
  assert.deepEqual(ov.changes(), [
    { path: 'src/util.c', kind: 'deleted', type: 'file' },
    { path: 'src/lib', kind: 'deleted', type: 'directory' },
    { path: 'empty', kind: 'deleted', type: 'directory' },
    { path: 'link', kind: 'deleted', type: 'symlink' },
  ]);
  assert.deepEqual(ov.exportChanges()['src/util.c'], null);
  // Re-creating a deleted name shows the new entry, reported as modified.
  put(src, 'util.c', 'again');
  assert.equal(get(src, 'util.c'), 'again');
  untouched();
});

test('a directory re-created over a deleted lower one is opaque', () => {
  const { root, untouched } = setup();
  const src = root.openDir('src');
  src.unlink('main.c');
  src.unlink('util.c');
  const lib = src.openDir('lib');
  lib.unlink('x.h');
  src.rmdir('lib');
  root.rmdir('src');
  root.mkdir('src');
  assert.deepEqual(names(root.openDir('src')), []);
  throwsErrno(() => root.openDir('src').statAt('main.c'), 'ENOENT');
  untouched();
});

test('rename rules and copy-up through rename', () => {
  const { ov, root, untouched } = setup();
  root.rename('readme.txt', root, 'README');
  assert.equal(get(root, 'README'), 'lower readme');
  throwsErrno(() => root.statAt('readme.txt'), 'ENOENT');
  throwsErrno(() => root.rename('README', root, 'src'), 'EISDIR');
  throwsErrno(() => root.rename('src', root, 'README'), 'ENOTDIR');
  put(root, 'other', 'o');
  root.mkdir('full');
  put(root.openDir('full'), 'f', 'f');
  throwsErrno(() => root.rename('src', root, 'full'), 'ENOTEMPTY');
  throwsErrno(() => root.rename('src', root.openDir('src').openDir('lib'), 'x'), 'EINVAL');
  throwsErrno(() => root.rename('missing', root, 'x'), 'ENOENT');
  root.rename('other', root, 'README'); // file over file
  assert.equal(get(root, 'README'), 'o');
  root.rename('README', root, 'README'); // itself: no-op
  assert.equal(get(root, 'README'), 'o');
  const changes = ov.changes();
  assert.deepEqual(changes.find((c) => c.path === 'readme.txt'), { path: 'readme.txt', kind: 'deleted', type: 'file' });
  assert.deepEqual(changes.find((c) => c.path === 'README'), { path: 'README', kind: 'added', type: 'file' });
  untouched();
});

test('renaming a directory moves its merged content; open handles follow it', () => {
  const { ov, root, untouched } = setup();
  const src = root.openDir('src');
  src.unlink('util.c'); // a whiteout inside the directory being moved
  put(src, 'new.c', 'new');
  root.rename('src', root, 'empty'); // over an empty lower directory
  throwsErrno(() => root.statAt('src'), 'ENOENT');
  assert.deepEqual(snapshot(ov).empty, { 'main.c': 'int main(){}', lib: { 'x.h': 'x' }, 'new.c': 'new' });
  put(src, 'later.c', 'l'); // the handle now refers to /empty
  assert.equal(get(root.openDir('empty'), 'later.c'), 'l');
  const paths = ov.changes().map((c) => `${c.kind} ${c.path}`);
  assert.ok(paths.includes('deleted src'));
  assert.ok(paths.includes('added empty/main.c'));
  assert.ok(paths.includes('added empty/lib/x.h'));
  untouched();
});

test('hard links copy the lower file up once and share it', () => {
  const { root, untouched } = setup();
  root.link('readme.txt', root, 'hard');
  assert.equal(root.statAt('hard').ino, root.statAt('readme.txt').ino);
  assert.equal(root.statAt('hard').nlink, 2);
  put(root, 'hard', 'shared');
  assert.equal(get(root, 'readme.txt'), 'shared');
  throwsErrno(() => root.link('src', root, 'x'), 'EPERM');
  throwsErrno(() => root.link('readme.txt', root, 'src'), 'EEXIST');
  untouched();
});

test('set-times copies up and keeps the lower times', () => {
  const { lower, root, untouched } = setup();
  const lowerMtim = lower.openRoot().statAt('readme.txt').mtim;
  assert.equal(root.statAt('readme.txt').mtim, lowerMtim);
  root.setTimesAt('readme.txt', 5n, 6n);
  assert.equal(root.statAt('readme.txt').mtim, 6n);
  root.setTimesAt('empty', null, 7n);
  assert.equal(root.statAt('empty').mtim, 7n);
  const h = openFile(root.openDir('src'), 'util.c');
  h.setTimes(null, 8n);
  assert.equal(h.stat().mtim, 8n);
  assert.equal(root.openDir('src').statAt('util.c').mtim, 8n);
  untouched();
});

test('open flag errors match the memory filesystem', () => {
  const { root } = setup();
  throwsErrno(() => root.open('readme.txt', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('link', opts({ create: true, exclusive: true })), 'EEXIST');
  throwsErrno(() => root.open('src', opts({ write: true })), 'EISDIR');
  throwsErrno(() => root.open('readme.txt', opts({ directory: true })), 'ENOTDIR');
  throwsErrno(() => root.open('nope', opts()), 'ENOENT');
  throwsErrno(() => root.mkdir('src'), 'EEXIST');
  throwsErrno(() => root.symlink('x', 'readme.txt'), 'EEXIST');
  throwsErrno(() => root.unlink('src'), 'EISDIR');
  throwsErrno(() => root.rmdir('readme.txt'), 'ENOTDIR');
  throwsErrno(() => root.readlink('readme.txt'), 'EINVAL');
  assert.equal(root.open('src', opts({ directory: true })).kind, 'dir');
  const other = overlay(memoryFs()).openRoot();
  throwsErrno(() => root.rename('readme.txt', other, 'x'), 'EXDEV');
  throwsErrno(() => root.link('readme.txt', other, 'x'), 'EXDEV');
});

test('inode numbers of the two layers never collide', () => {
  const { root } = setup({ a: 'x' });
  put(root, 'b', 'y'); // upper ino 2 (after its root), lower 'a' is ino 2 in its own fs
  const inos = root.readdir().map((e) => e.ino);
  assert.equal(new Set(inos).size, 2);
  assert.deepEqual(inos, [root.statAt('a').ino, root.statAt('b').ino]);
  assert.equal(root.readdir()[0]!.filetype, FileType.REGULAR_FILE);
});

test('quota applies to what the overlay stores', () => {
  const lower = memoryFs({ big: 'x'.repeat(1000) });
  const ov = overlay(lower, { quota: { bytes: 1200, files: 2 } });
  const root = ov.openRoot();
  put(root, 'a', 'y'.repeat(400));
  throwsErrno(() => openFile(root, 'big', { write: true }), 'EDQUOT'); // copy-up would exceed
  assert.equal(get(root, 'big').length, 1000);
  root.mkdir('d');
  throwsErrno(() => root.symlink('a', 'c'), 'EDQUOT');
  root.unlink('a');
  root.symlink('a', 'c');
});

test('whiteouts and content survive detach and re-attach', () => {
  const { ov, root, clock } = setup();
  const src = root.openDir('src');
  src.unlink('util.c');
  ov.detach();
  ov.attach({ now: clock.now, dev: 9n });
  const again = ov.openRoot();
  assert.deepEqual(names(again.openDir('src')), ['main.c', 'lib']);
  assert.deepEqual(names(src), ['main.c', 'lib']);
});

test('closing directory handles releases lower handles, state persists', () => {
  const lower = memoryFs(SEED);
  let opened = 0;
  let closed = 0;
  // Count directory handles the overlay holds on the lower filesystem.
  const counting = {
    readOnly: false,
    openRoot: () => track(lower.openRoot()),
  };
  function track(h: ReturnType<typeof lower.openRoot>): ReturnType<typeof lower.openRoot> {
    opened++;
    return new Proxy(h, {
      get(target, prop, recv) {
        if (prop === 'close') return () => { closed++; target.close(); };
        if (prop === 'openDir') return (n: string) => track(target.openDir(n));
        return Reflect.get(target, prop, recv);
      },
    });
  }
  const ov = overlay(counting);
  const root = ov.openRoot();
  for (let i = 0; i < 5; i++) {
    const src = root.openDir('src');
    const lib = src.openDir('lib');
    assert.deepEqual(names(lib), ['x.h']);
    lib.close();
    src.close();
  }
  assert.equal(opened - closed, 1); // only the root stays open
  const src = root.openDir('src');
  src.unlink('main.c');
  src.close();
  assert.deepEqual(names(root.openDir('src')), ['util.c', 'lib']);
});

test('works over a virtual directory as the lower layer', () => {
  const ov = overlay(virtualDir({ etc: { 'app.json': '{}' } }));
  const etc = ov.openRoot().openDir('etc');
  put(etc, 'app.json', '{"changed":true}');
  assert.equal(get(etc, 'app.json'), '{"changed":true}');
  assert.deepEqual(ov.changes(), [{ path: 'etc/app.json', kind: 'modified', type: 'file' }]);
});
