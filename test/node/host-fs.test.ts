// hostDir: every FileSystem operation and its error paths, driven directly on temp dirs.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { after, describe, it } from 'node:test';
import { Errno, FileType } from '../../src/abi/constants.js';
import type { DirHandle, FileHandle } from '../../src/fs/types.js';
import { hostDir } from '../../src/node/host-fs.js';
import { RDWR, READ, decode, opts, removeDir, tempDir, text, throwsErrno } from './host-fs-helpers.js';

const dirs: string[] = [];
function setup(): { dir: string; root: DirHandle; fs: ReturnType<typeof hostDir> } {
  const dir = tempDir();
  dirs.push(dir);
  nfs.writeFileSync(`${dir}/hello.txt`, 'hello world');
  nfs.mkdirSync(`${dir}/sub`);
  nfs.writeFileSync(`${dir}/sub/inner.txt`, 'inner');
  nfs.symlinkSync('hello.txt', `${dir}/link`);
  const fs = hostDir(dir);
  fs.attach({ now: () => 0n, dev: 7n });
  return { dir, root: fs.openRoot(), fs };
}
after(() => dirs.forEach(removeDir));

describe('hostDir mounting', () => {
  it('throws a clear Error for a missing path or a non-directory', () => {
    const dir = tempDir();
    dirs.push(dir);
    nfs.writeFileSync(`${dir}/file`, '');
    assert.throws(() => hostDir(`${dir}/missing`), /hostDir: ".*missing" does not exist/);
    assert.throws(() => hostDir(`${dir}/file`), /hostDir: ".*file" is not a directory/);
  });

  it('follows symlinks in the host path itself once, when the root opens', () => {
    const { dir } = setup();
    const base = tempDir();
    dirs.push(base);
    nfs.symlinkSync(dir, `${base}/link-to-mount`);
    nfs.writeFileSync(`${base}/file`, '');
    nfs.symlinkSync(`${base}/file`, `${base}/link-to-file`);
    const fs = hostDir(`${base}/link-to-mount`);
    const root = fs.openRoot();
    assert.deepEqual(root.readdir().map((e) => e.name), ['hello.txt', 'link', 'sub']);
    assert.throws(() => hostDir(`${base}/link-to-file`), /is not a directory/);
    fs.closeAll();
  });

  it('reports readOnly and the device number given by attach', () => {
    const { root, fs } = setup();
    assert.equal(fs.readOnly, false);
    assert.equal(root.stat().dev, 7n);
    assert.equal(root.statAt('hello.txt').dev, 7n);
    assert.equal(root.stat().filetype, FileType.DIRECTORY);
    assert.equal(hostDir(dirs[0]!, { readOnly: true }).readOnly, true);
  });
});

describe('hostDir directory operations', () => {
  it('statAt reports each type without following symlinks', () => {
    const { dir, root } = setup();
    const f = root.statAt('hello.txt');
    assert.equal(f.filetype, FileType.REGULAR_FILE);
    assert.equal(f.size, 11);
    assert.equal(f.ino, nfs.statSync(`${dir}/hello.txt`, { bigint: true }).ino);
    assert.equal(root.statAt('sub').filetype, FileType.DIRECTORY);
    const l = root.statAt('link');
    assert.equal(l.filetype, FileType.SYMBOLIC_LINK);
    assert.equal(l.size, 'hello.txt'.length);
    throwsErrno(() => root.statAt('missing'), Errno.NOENT);
  });

  it('readdir lists entries sorted, without . and .., with types and inodes', () => {
    const { root } = setup();
    const entries = root.readdir();
    assert.deepEqual(entries.map((e) => e.name), ['hello.txt', 'link', 'sub']);
    assert.deepEqual(entries.map((e) => e.filetype),
      [FileType.REGULAR_FILE, FileType.SYMBOLIC_LINK, FileType.DIRECTORY]);
    for (const e of entries) assert.equal(e.ino, root.statAt(e.name).ino);
  });

  it('openDir descends, and reopen gives an independent handle', () => {
    const { root } = setup();
    const sub = root.openDir('sub');
    assert.deepEqual(sub.readdir().map((e) => e.name), ['inner.txt']);
    const again = sub.reopen();
    sub.close();
    assert.deepEqual(again.readdir().map((e) => e.name), ['inner.txt']);
    again.close();
    throwsErrno(() => root.openDir('hello.txt'), Errno.NOTDIR);
    throwsErrno(() => root.openDir('missing'), Errno.NOENT);
  });

  it('readlink returns the target verbatim, EINVAL for a non-symlink', () => {
    const { root } = setup();
    assert.equal(root.readlink('link'), 'hello.txt');
    throwsErrno(() => root.readlink('hello.txt'), Errno.INVAL);
    throwsErrno(() => root.readlink('missing'), Errno.NOENT);
  });

  it('mkdir, symlink, unlink and rmdir follow POSIX errors', () => {
    const { dir, root } = setup();
    root.mkdir('new');
    assert.ok(nfs.statSync(`${dir}/new`).isDirectory());
    throwsErrno(() => root.mkdir('new'), Errno.EXIST);
    throwsErrno(() => root.mkdir('link'), Errno.EXIST);
    root.symlink('../somewhere/else', 'sl');
    assert.equal(nfs.readlinkSync(`${dir}/sl`), '../somewhere/else');
    throwsErrno(() => root.symlink('x', 'hello.txt'), Errno.EXIST);
    throwsErrno(() => root.symlink('a\0b', 'nul'), Errno.INVAL);
    throwsErrno(() => root.symlink('/etc/passwd', 'abs'), Errno.PERM);
    assert.equal(nfs.existsSync(`${dir}/abs`), false);
    throwsErrno(() => root.unlink('sub'), Errno.ISDIR);
    throwsErrno(() => root.rmdir('hello.txt'), Errno.NOTDIR);
    throwsErrno(() => root.rmdir('sub'), Errno.NOTEMPTY);
    throwsErrno(() => root.unlink('missing'), Errno.NOENT);
    root.unlink('sl');
    root.rmdir('new');
    assert.equal(nfs.existsSync(`${dir}/new`), false);
    assert.equal(nfs.existsSync(`${dir}/sl`), false);
  });

  it('rmdir on a symlink to a directory removes nothing', () => {
    const { dir, root } = setup();
    root.symlink('sub', 'subl');
    throwsErrno(() => root.rmdir('subl'), Errno.NOTDIR);
    assert.ok(nfs.statSync(`${dir}/sub`).isDirectory());
  });

  it('rename moves entries between handles of the same mount, EXDEV across mounts', () => {
    const { dir, root, fs } = setup();
    const sub = root.openDir('sub');
    root.rename('hello.txt', sub, 'moved.txt');
    assert.equal(nfs.readFileSync(`${dir}/sub/moved.txt`, 'utf8'), 'hello world');
    sub.rename('moved.txt', root, 'hello.txt');
    throwsErrno(() => root.rename('missing', root, 'x'), Errno.NOENT);
    root.mkdir('d1');
    nfs.writeFileSync(`${dir}/d1/f`, '');
    throwsErrno(() => root.rename('sub', root, 'd1'), Errno.NOTEMPTY);
    const other = hostDir(dir).openRoot();
    throwsErrno(() => root.rename('hello.txt', other, 'x'), Errno.XDEV);
    throwsErrno(() => root.link('hello.txt', other, 'x'), Errno.XDEV);
    other.close();
    sub.close();
    assert.equal(fs.readOnly, false);
  });

  it('link makes a hard link and never follows a symlink source', () => {
    const { dir, root } = setup();
    root.link('hello.txt', root, 'hard');
    assert.equal(root.statAt('hard').ino, root.statAt('hello.txt').ino);
    assert.equal(root.statAt('hard').nlink, 2);
    root.link('link', root, 'link2');
    assert.equal(root.statAt('link2').filetype, FileType.SYMBOLIC_LINK);
    assert.equal(nfs.lstatSync(`${dir}/link2`).isSymbolicLink(), true);
    throwsErrno(() => root.link('sub', root, 'subhard'), Errno.PERM);
    throwsErrno(() => root.link('hello.txt', root, 'link'), Errno.EXIST);
  });
});

describe('hostDir file operations', () => {
  it('opens, reads with iovecs at positions, writes, and reports size', () => {
    const { dir, root } = setup();
    const h = root.open('hello.txt', RDWR) as FileHandle;
    assert.equal(h.kind, 'file');
    assert.equal(h.filetype, FileType.REGULAR_FILE);
    const a = new Uint8Array(5);
    const b = new Uint8Array(3);
    assert.equal(h.pread([a, b], 0), 8);
    assert.equal(decode(a) + decode(b), 'hello wo');
    assert.equal(h.pread([new Uint8Array(10)], 11), 0);
    assert.equal(h.pread([], 0), 0);
    assert.equal(h.pwrite([text('HE'), text('LLO')], 0), 5);
    assert.equal(h.pwrite([text('!')], 20), 1);
    assert.equal(h.size(), 21);
    h.setSize(5);
    assert.equal(h.size(), 5);
    h.allocate(0, 3);
    assert.equal(h.size(), 5);
    h.allocate(4, 6);
    assert.equal(h.size(), 10);
    h.sync(false);
    h.sync(true);
    assert.equal(h.stat().size, 10);
    h.close();
    assert.equal(nfs.readFileSync(`${dir}/hello.txt`).subarray(0, 5).toString(), 'HELLO');
    throwsErrno(() => h.pread([new Uint8Array(1)], 0), Errno.BADF);
    throwsErrno(() => h.close(), Errno.BADF);
  });

  it('create, exclusive and truncate', () => {
    const { dir, root } = setup();
    const c = root.open('new.txt', opts({ write: true, create: true })) as FileHandle;
    c.pwrite([text('abc')], 0);
    c.close();
    assert.equal(nfs.readFileSync(`${dir}/new.txt`, 'utf8'), 'abc');
    (root.open('new.txt', opts({ write: true, create: true })) as FileHandle).close();
    assert.equal(nfs.readFileSync(`${dir}/new.txt`, 'utf8'), 'abc', 'O_CREAT alone keeps contents');
    throwsErrno(() => root.open('new.txt', opts({ write: true, create: true, exclusive: true })), Errno.EXIST);
    throwsErrno(() => root.open('link', opts({ write: true, create: true, exclusive: true })), Errno.EXIST);
    (root.open('new.txt', opts({ write: true, truncate: true })) as FileHandle).close();
    assert.equal(nfs.readFileSync(`${dir}/new.txt`, 'utf8'), '');
    const x = root.open('x.txt', opts({ read: true, write: true, create: true, exclusive: true })) as FileHandle;
    assert.equal(x.size(), 0);
    x.close();
    throwsErrno(() => root.open('missing', READ), Errno.NOENT);
  });

  it('files are not opened with O_APPEND: writes land at the position given', () => {
    const { dir, root } = setup();
    const h = root.open('hello.txt', opts({ write: true })) as FileHandle;
    h.pwrite([text('J')], 0);
    h.close();
    assert.equal(nfs.readFileSync(`${dir}/hello.txt`, 'utf8'), 'Jello world');
  });

  it('directories: open gives a dir handle, EISDIR for writing, ENOTDIR for files with directory', () => {
    const { root } = setup();
    const d = root.open('sub', READ);
    assert.equal(d.kind, 'dir');
    d.close();
    const d2 = root.open('sub', opts({ directory: true }));
    assert.equal(d2.kind, 'dir');
    d2.close();
    throwsErrno(() => root.open('sub', RDWR), Errno.ISDIR);
    throwsErrno(() => root.open('sub', opts({ read: true, truncate: true, write: true })), Errno.ISDIR);
    throwsErrno(() => root.open('hello.txt', opts({ read: true, directory: true })), Errno.NOTDIR);
  });

  it('a handle keeps working on its file after the name is unlinked', () => {
    const { root } = setup();
    const h = root.open('hello.txt', READ) as FileHandle;
    root.unlink('hello.txt');
    const buf = new Uint8Array(5);
    h.pread([buf], 0);
    assert.equal(decode(buf), 'hello');
    assert.equal(h.stat().nlink, 0);
    h.close();
  });
});

describe('hostDir exact timestamps', () => {
  const T = 1_700_000_000_123_456_789n;
  it('setTimes on a handle round-trips exact nanoseconds; null leaves a time unchanged', () => {
    const { root } = setup();
    const h = root.open('hello.txt', RDWR) as FileHandle;
    h.setTimes(T, T + 1n);
    assert.equal(h.stat().atim, T);
    assert.equal(h.stat().mtim, T + 1n);
    assert.equal(root.statAt('hello.txt').mtim, T + 1n);
    h.setTimes(null, T + 7n);
    assert.equal(h.stat().atim, T, 'atime kept exactly');
    assert.equal(h.stat().mtim, T + 7n);
    h.setTimes(T + 3n, null);
    assert.equal(h.stat().atim, T + 3n);
    assert.equal(h.stat().mtim, T + 7n, 'mtime kept exactly');
    h.close();
  });

  it('setTimesAt sets the entry itself, not a symlink target', () => {
    const { dir, root } = setup();
    const before = nfs.statSync(`${dir}/hello.txt`, { bigint: true }).mtimeNs;
    root.setTimesAt('link', T, T + 5n);
    assert.equal(root.statAt('link').mtim, T + 5n);
    assert.equal(root.statAt('link').atim, T);
    assert.equal(nfs.statSync(`${dir}/hello.txt`, { bigint: true }).mtimeNs, before);
    root.setTimesAt('sub', null, T + 9n);
    assert.equal(root.statAt('sub').mtim, T + 9n);
    throwsErrno(() => root.setTimesAt('missing', T, T), Errno.NOENT);
  });

  it('a later host change to the times wins over the remembered exact value', () => {
    const { dir, root } = setup();
    root.setTimesAt('hello.txt', T, T);
    nfs.utimesSync(`${dir}/hello.txt`, 1000, 2000);
    assert.equal(root.statAt('hello.txt').mtim, 2_000_000_000_000n);
    assert.equal(root.statAt('hello.txt').atim, 1_000_000_000_000n);
  });
});
