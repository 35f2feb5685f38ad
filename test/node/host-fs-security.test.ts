// hostDir red-team tests at the FileSystem level: symlinks never followed, special files never
// reached, open handles not redirected, read-only enforced, no fd leaks, platform fallbacks.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { after, describe, it } from 'node:test';
import { Errno, FileType } from '../../src/abi/constants.js';
import type { FileHandle, Handle } from '../../src/fs/types.js';
import { hostDir, hostDirWithPlatform } from '../../src/node/host-fs.js';
import { probeHostPlatform } from '../../src/node/host-platform.js';
import { RDWR, READ, opts, openFds, removeDir, secretWorld, text, throwsErrno } from './host-fs-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

function world(): { base: string; mount: string; outside: string } {
  const w = secretWorld(dirs);
  nfs.writeFileSync(`${w.mount}/inside.txt`, 'inside');
  return w;
}

describe('symlinks are never followed by the filesystem', () => {
  it('open/openDir of any symlink entry fails with ELOOP, wherever it points', () => {
    const { mount, outside } = world();
    nfs.symlinkSync(`${outside}/secret.txt`, `${mount}/abs-file`);
    nfs.symlinkSync(outside, `${mount}/abs-dir`);
    nfs.symlinkSync('../outside/secret.txt', `${mount}/rel-file`);
    nfs.symlinkSync('../outside', `${mount}/rel-dir`);
    nfs.symlinkSync('inside.txt', `${mount}/in-file`);
    nfs.symlinkSync('../outside/new.txt', `${mount}/dangling`);
    const root = hostDir(mount).openRoot();
    for (const name of ['abs-file', 'abs-dir', 'rel-file', 'rel-dir', 'in-file', 'dangling']) {
      throwsErrno(() => root.open(name, READ), Errno.LOOP, `open ${name}`);
      throwsErrno(() => root.open(name, RDWR), Errno.LOOP, `open rw ${name}`);
      throwsErrno(() => root.open(name, opts({ read: true, directory: true })), Errno.LOOP, `open dir ${name}`);
      throwsErrno(() => root.openDir(name), Errno.LOOP, `openDir ${name}`);
      throwsErrno(() => root.open(name, opts({ write: true, create: true })), Errno.LOOP, `create ${name}`);
      throwsErrno(() => root.open(name, opts({ write: true, truncate: true })), Errno.LOOP, `trunc ${name}`);
      throwsErrno(() => root.open(name, opts({ write: true, create: true, exclusive: true })), Errno.EXIST);
      assert.equal(root.statAt(name).filetype, FileType.SYMBOLIC_LINK);
    }
    assert.equal(nfs.existsSync(`${outside}/new.txt`), false, 'O_CREAT through a dangling link created nothing');
    assert.equal(nfs.readFileSync(`${outside}/secret.txt`, 'utf8'), 'TOP SECRET');
    throwsErrno(() => root.readlink('abs-dir'), Errno.PERM); // never reveal a host path
    assert.equal(root.readlink('rel-dir'), '../outside', 'relative targets are verbatim');
  });

  it('names that are not a single component are refused, whatever layer passes them', () => {
    const { mount } = world();
    nfs.mkdirSync(`${mount}/sub`);
    const root = hostDir(mount).openRoot();
    const sub = root.openDir('sub');
    for (const bad of ['', '.', '..', '../outside', 'sub/../..', '/etc/passwd', 'a\0b']) {
      throwsErrno(() => sub.statAt(bad), Errno.INVAL, `statAt ${JSON.stringify(bad)}`);
      throwsErrno(() => sub.open(bad, READ), Errno.INVAL);
      throwsErrno(() => sub.openDir(bad), Errno.INVAL);
      throwsErrno(() => sub.readlink(bad), Errno.INVAL);
      throwsErrno(() => sub.mkdir(bad), Errno.INVAL);
      throwsErrno(() => sub.unlink(bad), Errno.INVAL);
      throwsErrno(() => sub.rename('x', root, bad), Errno.INVAL);
      throwsErrno(() => sub.link('x', root, bad), Errno.INVAL);
      throwsErrno(() => sub.symlink('x', bad), Errno.INVAL);
      throwsErrno(() => sub.setTimesAt(bad, 1n, 1n), Errno.INVAL);
    }
  });

  it('mutations through symlink entries act on the link, never on its target', () => {
    const { mount, outside } = world();
    nfs.symlinkSync(outside, `${mount}/out`);
    nfs.symlinkSync(`${outside}/secret.txt`, `${mount}/sec`);
    const root = hostDir(mount).openRoot();
    const T = 1_000_000_000_000_000_000n;
    root.setTimesAt('sec', T, T);
    assert.notEqual(nfs.statSync(`${outside}/secret.txt`, { bigint: true }).mtimeNs, T);
    root.link('sec', root, 'sec-hard');
    assert.equal(nfs.lstatSync(`${mount}/sec-hard`).isSymbolicLink(), true);
    assert.equal(nfs.statSync(`${outside}/secret.txt`).nlink, 1, 'no hard link to the outside file');
    throwsErrno(() => root.rmdir('out'), Errno.NOTDIR);
    root.unlink('out');
    root.rename('sec', root, 'renamed');
    assert.equal(nfs.lstatSync(`${mount}/renamed`).isSymbolicLink(), true);
    assert.deepEqual(nfs.readdirSync(outside), ['secret.txt']);
  });

  it('an open directory handle is not redirected when the host renames it and plants a symlink', () => {
    const { mount, outside } = world();
    nfs.mkdirSync(`${mount}/d`);
    nfs.writeFileSync(`${mount}/d/mine.txt`, 'mine');
    const root = hostDir(mount).openRoot();
    const d = root.openDir('d');
    nfs.renameSync(`${mount}/d`, `${mount}/d-moved`);
    nfs.symlinkSync(outside, `${mount}/d`);
    assert.deepEqual(d.readdir().map((e) => e.name), ['mine.txt']);
    throwsErrno(() => d.open('secret.txt', READ), Errno.NOENT);
    throwsErrno(() => d.statAt('secret.txt'), Errno.NOENT);
    const f = d.open('created.txt', opts({ write: true, create: true })) as FileHandle;
    f.pwrite([text('x')], 0);
    f.close();
    assert.ok(nfs.existsSync(`${mount}/d-moved/created.txt`));
    assert.deepEqual(nfs.readdirSync(outside), ['secret.txt']);
    throwsErrno(() => root.openDir('d'), Errno.LOOP);
    // The same after replacing the directory by another real directory.
    nfs.unlinkSync(`${mount}/d`);
    nfs.mkdirSync(`${mount}/d`);
    assert.deepEqual(d.readdir().map((e) => e.name), ['created.txt', 'mine.txt']);
  });

  it('the root handle stays on the mounted directory if the host swaps the mount path', () => {
    const { base, mount, outside } = world();
    const fs = hostDir(mount);
    const root = fs.openRoot();
    nfs.renameSync(mount, `${base}/mount-moved`);
    nfs.symlinkSync(outside, mount);
    assert.deepEqual(root.readdir().map((e) => e.name), ['inside.txt']);
    const again = fs.openRoot();
    assert.deepEqual(again.readdir().map((e) => e.name), ['inside.txt'], 'openRoot reuses the root fd');
    fs.closeAll();
  });
});

describe('even a mount of /proc gives no way out through magic links', () => {
  it('fd, cwd and root magic links are symlinks: ELOOP to open, absolute targets hidden', () => {
    const fs = hostDir('/proc', { readOnly: true });
    const root = fs.openRoot();
    throwsErrno(() => root.openDir('self'), Errno.LOOP);
    assert.equal(root.readlink('self'), String(process.pid)); // relative: resolved in the mount
    const me = root.openDir(String(process.pid));
    for (const link of ['cwd', 'root', 'exe']) {
      throwsErrno(() => me.openDir(link), Errno.LOOP);
      throwsErrno(() => me.open(link, READ), Errno.LOOP);
      throwsErrno(() => me.readlink(link), Errno.PERM); // absolute host path: never revealed
    }
    const fds = me.openDir('fd');
    const held = nfs.openSync('/etc/hostname', 'r');
    throwsErrno(() => fds.open(String(held), READ), Errno.LOOP);
    throwsErrno(() => fds.openDir(String(held)), Errno.LOOP);
    throwsErrno(() => fds.readlink(String(held)), Errno.PERM);
    nfs.closeSync(held);
    fs.closeAll();
  });
});

describe('FIFOs, sockets and devices are refused without blocking', () => {
  const hostFsUrl = new URL('../../src/node/host-fs.js', import.meta.url).href;

  /** Run the probes in a child process so that a blocking open fails the test instead of hanging it. */
  function probeChild(mount: string, oPath: boolean): Record<string, string> {
    const code = `
      import { hostDir, hostDirWithPlatform } from ${JSON.stringify(hostFsUrl)};
      const fs = ${oPath ? `hostDir(${JSON.stringify(mount)})` : `hostDirWithPlatform(${JSON.stringify(mount)}, {}, { procFd: true, oPath: 0 })`};
      const root = fs.openRoot();
      const o = (x) => ({ read: false, write: false, create: false, exclusive: false, truncate: false, directory: false, ...x });
      const out = {};
      const tryit = (k, f) => { try { f(); out[k] = 'ok'; } catch (e) { out[k] = e.name ?? String(e); } };
      for (const n of ['fifo', 'sock', 'dev']) {
        tryit(n + ':read', () => root.open(n, o({ read: true })));
        tryit(n + ':write', () => root.open(n, o({ write: true })));
        tryit(n + ':rdwr', () => root.open(n, o({ read: true, write: true })));
        tryit(n + ':create', () => root.open(n, o({ write: true, create: true })));
        tryit(n + ':trunc', () => root.open(n, o({ write: true, truncate: true })));
        tryit(n + ':dir', () => root.openDir(n));
        out[n + ':type'] = String(root.statAt(n).filetype);
      }
      out.list = root.readdir().map((e) => e.name + '=' + e.filetype).join(',');
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { timeout: 10_000, encoding: 'utf8' });
    assert.equal(r.signal, null, `child blocked or crashed: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, string>;
  }

  function specialWorld(): string {
    const { mount } = world();
    execFileSync('mkfifo', [`${mount}/fifo`]);
    execFileSync('mknod', [`${mount}/dev`, 'c', '1', '3']); // /dev/null; the tests run as root
    // A unix socket file (the listener exits; the socket inode stays).
    const listener = spawnSync(process.execPath, ['-e',
      `require('net').createServer().listen(${JSON.stringify(`${mount}/sock`)}, () => process.exit(0))`]);
    assert.equal(listener.status, 0);
    return mount;
  }

  for (const oPath of [true, false]) {
    it(`every open fails with ENOTSUP/ENOTDIR (${oPath ? 'O_PATH pin' : 'O_NONBLOCK fallback'})`, () => {
      const out = probeChild(specialWorld(), oPath);
      for (const n of ['fifo', 'sock', 'dev']) {
        for (const k of ['read', 'write', 'rdwr', 'create', 'trunc']) assert.equal(out[`${n}:${k}`], 'ENOTSUP', `${n}:${k}`);
        assert.equal(out[`${n}:dir`], 'ENOTDIR', `${n}:dir`);
      }
      assert.equal(out['fifo:type'], String(FileType.UNKNOWN));
      assert.equal(out['sock:type'], String(FileType.SOCKET_STREAM));
      assert.equal(out['dev:type'], String(FileType.CHARACTER_DEVICE));
      assert.equal(out.list, `dev=${FileType.CHARACTER_DEVICE},fifo=${FileType.UNKNOWN},inside.txt=${FileType.REGULAR_FILE},sock=${FileType.SOCKET_STREAM}`);
    });
  }

  it('a read-only mount of /dev cannot open /dev/null or /dev/zero', () => {
    const root = hostDir('/dev', { readOnly: true }).openRoot();
    throwsErrno(() => root.open('null', READ), Errno.NOTSUP);
    throwsErrno(() => root.open('zero', READ), Errno.NOTSUP);
    root.close();
  });
});

describe('read-only mounts', () => {
  it('every mutation fails with EROFS and nothing opens for writing', () => {
    const { mount } = world();
    nfs.mkdirSync(`${mount}/sub`);
    nfs.symlinkSync('inside.txt', `${mount}/l`);
    const fs = hostDir(mount, { readOnly: true });
    const root = fs.openRoot();
    const T = 5n;
    throwsErrno(() => root.open('inside.txt', RDWR), Errno.ROFS);
    throwsErrno(() => root.open('inside.txt', opts({ write: true })), Errno.ROFS);
    throwsErrno(() => root.open('inside.txt', opts({ read: true, truncate: true })), Errno.ROFS);
    throwsErrno(() => root.open('new', opts({ read: true, create: true })), Errno.ROFS);
    throwsErrno(() => root.mkdir('x'), Errno.ROFS);
    throwsErrno(() => root.symlink('a', 'x'), Errno.ROFS);
    throwsErrno(() => root.unlink('inside.txt'), Errno.ROFS);
    throwsErrno(() => root.rmdir('sub'), Errno.ROFS);
    throwsErrno(() => root.rename('inside.txt', root, 'y'), Errno.ROFS);
    throwsErrno(() => root.link('inside.txt', root, 'y'), Errno.ROFS);
    throwsErrno(() => root.setTimesAt('inside.txt', T, T), Errno.ROFS);
    throwsErrno(() => root.setTimes(T, T), Errno.ROFS);
    const f = root.open('inside.txt', READ) as FileHandle;
    const buf = new Uint8Array(6);
    assert.equal(f.pread([buf], 0), 6);
    throwsErrno(() => f.pwrite([text('x')], 0), Errno.ROFS);
    throwsErrno(() => f.setSize(0), Errno.ROFS);
    throwsErrno(() => f.allocate(0, 100), Errno.ROFS);
    throwsErrno(() => f.setTimes(T, T), Errno.ROFS);
    f.close();
    assert.deepEqual(nfs.readdirSync(mount).sort(), ['inside.txt', 'l', 'sub']);
    assert.equal(nfs.readFileSync(`${mount}/inside.txt`, 'utf8'), 'inside');
    fs.closeAll();
  });
});

describe('host fds are never leaked', () => {
  it('1,000 open/close cycles (files, dirs, failures) leave the fd count unchanged', () => {
    const { mount } = world();
    nfs.mkdirSync(`${mount}/sub`);
    nfs.symlinkSync('inside.txt', `${mount}/l`);
    execFileSync('mkfifo', [`${mount}/fifo`]);
    const fs = hostDir(mount);
    const root = fs.openRoot();
    const before = openFds();
    for (let i = 0; i < 1000; i++) {
      (root.open('inside.txt', READ) as FileHandle).close();
      root.openDir('sub').close();
      root.open('sub', READ).close();
      root.reopen().close();
      root.open(`f${i % 10}`, opts({ write: true, create: true })).close();
      root.readdir();
      throwsErrno(() => root.open('l', READ), Errno.LOOP);
      throwsErrno(() => root.openDir('l'), Errno.LOOP);
      throwsErrno(() => root.open('fifo', READ), Errno.NOTSUP);
      throwsErrno(() => root.open('missing', READ), Errno.NOENT);
      throwsErrno(() => root.open('sub', RDWR), Errno.ISDIR);
    }
    assert.equal(openFds(), before);
    fs.closeAll();
  });

  it('detach closes every handle the run left open, and the root fd', () => {
    const { mount } = world();
    const before = openFds();
    const fs = hostDir(mount);
    fs.attach({ now: () => 0n, dev: 1n });
    const root = fs.openRoot();
    const handles: Handle[] = [];
    for (let i = 0; i < 50; i++) handles.push(root.open('inside.txt', READ), root.reopen());
    assert.equal(openFds(), before + 102);
    fs.detach();
    assert.equal(openFds(), before);
    assert.equal(fs.openFdCount(), 0);
    throwsErrno(() => (handles[0] as FileHandle).pread([new Uint8Array(1)], 0), Errno.BADF);
    throwsErrno(() => root.readdir(), Errno.BADF);
    // The filesystem can be attached again for the next run.
    fs.attach({ now: () => 0n, dev: 2n });
    assert.equal(fs.openRoot().stat().dev, 2n);
    fs.detach();
    assert.equal(openFds(), before);
  });
});

describe('platforms without /proc/self/fd', () => {
  const NO_PROC = { procFd: false, oPath: 0 };

  it('refuse to mount unless allowUnsafePlatform, naming the problem', () => {
    const { mount } = world();
    assert.throws(() => hostDirWithPlatform(mount, {}, NO_PROC), /no \/proc\/self\/fd.*allowUnsafePlatform/);
  });

  it('emits a process warning at mount time, once per process', async () => {
    const { mount } = world();
    const seen: string[] = [];
    const onWarning = (w: Error): void => { seen.push(w.message); };
    process.on('warning', onWarning);
    hostDirWithPlatform(mount, { allowUnsafePlatform: true }, NO_PROC);
    hostDirWithPlatform(mount, { allowUnsafePlatform: true }, NO_PROC);
    await new Promise((res) => setTimeout(res, 20)); // warnings are emitted on a later tick
    process.off('warning', onWarning);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /no \/proc\/self\/fd.*race/);
  });

  it('with allowUnsafePlatform: work with path checks and still refuse symlinks', () => {
    const { mount, outside } = world();
    nfs.mkdirSync(`${mount}/sub`);
    nfs.symlinkSync(outside, `${mount}/out`);
    const fs = hostDirWithPlatform(mount, { allowUnsafePlatform: true }, NO_PROC);
    const root = fs.openRoot();
    const sub = root.openDir('sub');
    const f = sub.open('a.txt', opts({ write: true, create: true })) as FileHandle;
    f.pwrite([text('abc')], 0);
    f.close();
    assert.equal(nfs.readFileSync(`${mount}/sub/a.txt`, 'utf8'), 'abc');
    assert.deepEqual(sub.readdir().map((e) => e.name), ['a.txt']);
    throwsErrno(() => root.openDir('out'), Errno.LOOP);
    throwsErrno(() => root.open('out', READ), Errno.LOOP);
    // The fallback detects that a held directory's path no longer names it.
    nfs.renameSync(`${mount}/sub`, `${mount}/sub2`);
    nfs.symlinkSync(outside, `${mount}/sub`);
    throwsErrno(() => sub.readdir(), Errno.NOENT);
    throwsErrno(() => sub.open('secret.txt', READ), Errno.NOENT);
    fs.closeAll();
  });

});

describe('platform probe', () => {
  it('detects /proc/self/fd magic links and O_PATH on this Linux host, with or without a writable tmp', () => {
    assert.deepEqual(probeHostPlatform(true), { procFd: true, oPath: 0o10000000 });
    assert.deepEqual(probeHostPlatform(false), { procFd: true, oPath: 0o10000000 });
  });
});
