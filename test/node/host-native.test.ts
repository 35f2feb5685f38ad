// The native openat shim (native/warden_fs.c) on its own, and hostDir's choice of backend.
// The behaviour of hostDir on top of either backend is covered by every other host suite,
// which scripts/run-tests.mjs runs once per backend.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { after, describe, it } from 'node:test';
import { Errno, FileType } from '../../src/abi/constants.js';
import { hostDir, hostDirWithPlatform } from '../../src/node/host-fs.js';
import { check, nativeFs, NativeFsError, NOT_OPENED, type NativeFs } from '../../src/node/host-native.js';
import { hostPlatform } from '../../src/node/host-platform.js';
import { removeDir, tempDir, throwsErrno } from './host-fs-helpers.js';

const ADDON = new URL('../../../native/build/Release/warden_fs.node', import.meta.url);
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

function world(): { dir: string; fd: number } {
  const dir = tempDir();
  dirs.push(dir);
  nfs.writeFileSync(`${dir}/file`, 'hello');
  nfs.mkdirSync(`${dir}/sub`);
  nfs.symlinkSync('file', `${dir}/link`);
  nfs.symlinkSync('/etc/passwd', `${dir}/abs`);
  return { dir, fd: nfs.openSync(dir, 'r') };
}

const ENOENT = -2;
const EINVAL = -22;
const ENAMETOOLONG = -36;
const ELOOP = -40;
const EEXIST = -17;

describe('hostDir backend choice', () => {
  it('uses the shim exactly when it is built (Linux), and /proc paths with WARDEN_NATIVE=0', () => {
    const dir = tempDir();
    dirs.push(dir);
    const built = process.platform === 'linux' && nfs.existsSync(ADDON);
    const want = built && process.env['WARDEN_NATIVE'] !== '0' ? 'native' : 'paths';
    assert.equal(hostDir(dir).sys.kind, want);
    assert.equal(nativeFs() !== null, want === 'native');
    assert.equal(hostDirWithPlatform(dir, {}, hostPlatform(), 'paths').sys.kind, 'paths');
    if (want === 'paths') assert.throws(() => hostDirWithPlatform(dir, {}, hostPlatform(), 'native'), /not built/);
  });

  it('maps a -errno result to a Node-style code without an Error stack', () => {
    assert.equal(check(5), 5);
    const e = ((): unknown => { try { check(ENOENT); } catch (x) { return x; } return null; })();
    assert.ok(e instanceof NativeFsError);
    assert.equal((e as NativeFsError).code, 'ENOENT');
    assert.equal(((): unknown => { try { check(-11); } catch (x) { return (x as NativeFsError).code; } })(), 'EAGAIN');
  });
});

const n = nativeFs();
if (n !== null) describeShim(n);

function describeShim(n: NativeFs): void {
  describe('native shim: names', () => {
    it('refuses anything but one path component before any syscall', () => {
      const { dir, fd } = world();
      const st = new BigInt64Array(8);
      for (const bad of ['', '.', '..', 'a/b', '/etc', 'sub/', 'x\0y']) {
        assert.equal(n.statAt(fd, bad, st), EINVAL, JSON.stringify(bad));
        assert.equal(n.openAt(fd, bad, nfs.constants.O_RDONLY, 0), EINVAL, JSON.stringify(bad));
        assert.equal(n.mkdirAt(fd, bad, 0o777), EINVAL, JSON.stringify(bad));
        assert.equal(n.unlinkAt(fd, bad, false), EINVAL, JSON.stringify(bad));
      }
      assert.equal(n.statAt(fd, 'x'.repeat(256), st), ENAMETOOLONG);
      assert.equal(n.statAt(fd, 'é'.repeat(128), st), ENAMETOOLONG); // 256 bytes in UTF-8
      assert.equal(n.renameAt(fd, 'file', fd, '../escaped'), EINVAL);
      assert.equal(n.linkAt(fd, 'file', fd, '..'), EINVAL);
      assert.ok(nfs.existsSync(`${dir}/file`));
      assert.ok(!nfs.existsSync(`${dir}/../escaped`));
      nfs.closeSync(fd);
    });

    it('reports a bad fd as EBADF and throws only for wrong argument types', () => {
      const st = new BigInt64Array(8);
      assert.equal(n.statAt(-1, 'x', st), -9);
      assert.throws(() => n.statAt(0, 'x', new BigInt64Array(2)), /BigInt64Array\(8\)/);
      assert.throws(() => (n.statAt as (...a: unknown[]) => number)(0), /missing argument/);
    });
  });

  describe('native shim: never follows a final symlink', () => {
    it('statAt describes the link, openAt fails with ELOOP, readlinkAt returns the target', () => {
      const { fd } = world();
      const st = new BigInt64Array(8);
      assert.equal(n.statAt(fd, 'link', st), 0);
      assert.equal(Number(st[2]) & 0o170000, 0o120000);
      assert.equal(st[1], nfs.lstatSync(`${dirs.at(-1)}/link`, { bigint: true }).ino);
      assert.equal(n.openAt(fd, 'abs', nfs.constants.O_RDONLY, 0), ELOOP);
      assert.equal(n.openAt(fd, 'link', nfs.constants.O_RDONLY, 0), ELOOP);
      assert.equal(n.readlinkAt(fd, 'abs'), '/etc/passwd');
      assert.equal(n.readlinkAt(fd, 'file'), EINVAL);
      nfs.closeSync(fd);
    });

    it('creates exclusively, links the symlink itself and renames within the directory', () => {
      const { dir, fd } = world();
      const f = n.openAt(fd, 'new', nfs.constants.O_WRONLY | nfs.constants.O_CREAT | nfs.constants.O_EXCL, 0o600);
      assert.ok(f >= 0);
      nfs.closeSync(f);
      assert.equal(n.openAt(fd, 'new', nfs.constants.O_WRONLY | nfs.constants.O_CREAT | nfs.constants.O_EXCL, 0o600), EEXIST);
      assert.equal(n.linkAt(fd, 'abs', fd, 'abs2'), 0);
      assert.equal(nfs.readlinkSync(`${dir}/abs2`), '/etc/passwd');
      assert.equal(n.renameAt(fd, 'new', fd, 'renamed'), 0);
      assert.equal(n.symlinkAt('sub', fd, 's2'), 0);
      assert.equal(nfs.readlinkSync(`${dir}/s2`), 'sub');
      assert.equal(n.symlinkAt('a\0b', fd, 's3'), EINVAL);
      assert.equal(n.mkdirAt(fd, 'd', 0o755), 0);
      assert.equal(n.unlinkAt(fd, 'd', false), -21 /* EISDIR */);
      assert.equal(n.unlinkAt(fd, 'd', true), 0);
      assert.deepEqual(nfs.readdirSync(dir).sort(), ['abs', 'abs2', 'file', 'link', 'renamed', 's2', 'sub']);
      nfs.closeSync(fd);
    });
  });

  describe('native shim: readdir and times', () => {
    it('lists names, types and the inode numbers lstat reports, without moving the fd', () => {
      const { dir, fd } = world();
      const r = n.readdir(fd);
      assert.ok(Array.isArray(r));
      const [names, types, inos] = r;
      const list = names.split('\0');
      assert.equal(list.pop(), ''); // every name ends with NUL
      assert.equal(list.length, types.length);
      assert.equal(list.length, inos.length);
      const got = new Map<string, [number, bigint]>();
      list.forEach((name, i) => got.set(name, [types[i]!, inos[i]!]));
      assert.deepEqual([...got.keys()].sort(), ['abs', 'file', 'link', 'sub']);
      for (const [name, [, ino]] of got) assert.equal(ino, nfs.lstatSync(`${dir}/${name}`, { bigint: true }).ino, name);
      assert.equal(got.get('sub')![0], 4);
      assert.equal(got.get('file')![0], 8);
      assert.equal(got.get('link')![0], 10);
      assert.deepEqual(n.readdir(fd), r); // a second listing is the same: the offset did not move
      nfs.closeSync(fd);
    });

    it('lists a directory larger than one getdents64 batch, non-ASCII names included', () => {
      const dir = tempDir();
      dirs.push(dir);
      const want = new Set<string>();
      for (let i = 0; i < 3000; i++) want.add(`entry-${i}-${'é'.repeat(i % 40)}`);
      for (const name of want) nfs.writeFileSync(`${dir}/${name}`, '');
      const fd = nfs.openSync(dir, 'r');
      const r = n.readdir(fd);
      assert.ok(Array.isArray(r));
      const list = r[0].split('\0').slice(0, -1);
      assert.equal(list.length, 3000);
      assert.deepEqual(new Set(list), want);
      for (const i of [0, 1234, 2999]) assert.equal(r[2][i], nfs.lstatSync(`${dir}/${list[i]}`, { bigint: true }).ino);
      nfs.closeSync(fd);
    });

    it('sets exact nanosecond times, leaves omitted ones alone, and never follows a link', () => {
      const { dir, fd } = world();
      const t = new BigUint64Array([1_700_000_000_123_456_789n, 1_600_000_000_987_654_321n]);
      assert.equal(n.utimensAt(fd, 'file', t, 0), 0);
      let st = nfs.lstatSync(`${dir}/file`, { bigint: true });
      assert.equal(st.atimeNs, t[0]);
      assert.equal(st.mtimeNs, t[1]);
      assert.equal(n.utimensAt(fd, 'file', new BigUint64Array([5n, 1_500_000_000_000_000_001n]), 1), 0);
      st = nfs.lstatSync(`${dir}/file`, { bigint: true });
      assert.equal(st.atimeNs, t[0]);
      assert.equal(st.mtimeNs, 1_500_000_000_000_000_001n);
      const target = nfs.statSync(`${dir}/file`, { bigint: true }).mtimeNs;
      assert.equal(n.utimensAt(fd, 'link', t, 0), 0);
      assert.equal(nfs.lstatSync(`${dir}/link`, { bigint: true }).mtimeNs, t[1]);
      assert.equal(nfs.statSync(`${dir}/file`, { bigint: true }).mtimeNs, target);
      nfs.closeSync(fd);
    });
  });

  describe('native shim: openPinned', () => {
    it('opens only regular files and directories the caller allows; anything else is never opened', () => {
      const { dir, fd } = world();
      execFileSync('mkfifo', [`${dir}/fifo`]);
      const mode = new Int32Array(1);
      const type = (): number => mode[0]! & 0o170000;
      const f = n.openPinned(fd, 'file', nfs.constants.O_RDONLY, -1, mode);
      assert.ok(f >= 0);
      assert.equal(type(), 0o100000);
      assert.equal(nfs.readFileSync(f, 'utf8'), 'hello');
      nfs.closeSync(f);
      const d = n.openPinned(fd, 'sub', -1, nfs.constants.O_RDONLY | nfs.constants.O_DIRECTORY, mode);
      assert.ok(d >= 0);
      assert.equal(nfs.fstatSync(d).ino, nfs.statSync(`${dir}/sub`).ino);
      nfs.closeSync(d);
      for (const [name, want, fileFlags, dirFlags] of [
        ['link', 0o120000, 0, 0], ['abs', 0o120000, 0, 0], ['fifo', 0o010000, 0, 0],
        ['sub', 0o040000, 0, -1], ['file', 0o100000, -1, 0],
      ] as const) {
        assert.equal(n.openPinned(fd, name, fileFlags, dirFlags, mode), NOT_OPENED, name);
        assert.equal(type(), want, name);
      }
      // Nobody holds the FIFO open for reading: a non-blocking writer is refused (ENXIO).
      assert.throws(() => nfs.openSync(`${dir}/fifo`, nfs.constants.O_WRONLY | nfs.constants.O_NONBLOCK), { code: 'ENXIO' });
      assert.equal(n.openPinned(fd, 'missing', 0, 0, mode), ENOENT);
      assert.equal(n.openPinned(fd, '..', 0, 0, mode), EINVAL);
      nfs.closeSync(fd);
    });

    it('reopens through procfs only', () => {
      assert.equal(n.setFdDir('/tmp'), EINVAL);
      assert.equal(n.setFdDir(''), EINVAL);
    });
  });

  describe('native shim under hostDir', () => {
    it('gives the same answers as the /proc paths backend', () => {
      const { dir, fd } = world();
      nfs.closeSync(fd);
      const a = hostDirWithPlatform(dir, {}, hostPlatform(), 'native');
      const b = hostDirWithPlatform(dir, {}, hostPlatform(), 'paths');
      for (const fs of [a, b]) fs.attach({ now: () => 0n, dev: 3n });
      const ra = a.openRoot();
      const rb = b.openRoot();
      const list = (r: typeof ra): unknown => r.readdir().map((e) => [e.name, e.filetype, e.ino]);
      assert.deepEqual(list(ra), list(rb));
      for (const name of ['file', 'sub', 'link', 'abs']) assert.deepEqual(ra.statAt(name), rb.statAt(name));
      assert.equal(ra.readlink('link'), rb.readlink('link'));
      throwsErrno(() => ra.readlink('abs'), Errno.PERM);
      throwsErrno(() => ra.statAt('missing'), Errno.NOENT);
      throwsErrno(() => ra.statAt('..'), Errno.INVAL);
      ra.setTimesAt('file', 1_000_000_000_000_000_007n, null);
      assert.equal(rb.statAt('file').atim, 1_000_000_000_000_000_007n);
      assert.equal(ra.statAt('sub').filetype, FileType.DIRECTORY);
      a.closeAll();
      b.closeAll();
    });
  });
}
