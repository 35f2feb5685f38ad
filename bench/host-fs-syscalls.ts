// What race-free host resolution costs: each hostDir operation next to the plain-path syscall
// it replaces, and the /proc/self/fd walk itself. Numbers go into the README's security model.
//
//   node dist/bench/host-fs-syscalls.js [iterations]
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDirWithPlatform } from '../src/node/host-fs.js';
import { hostPlatform } from '../src/node/host-platform.js';
import type { FileHandle, OpenOptions } from '../src/fs/types.js';

const N = Number(process.argv[2] ?? 50_000);
const C = nfs.constants;
const O_PATH = 0o10000000;

function bench(label: string, f: () => unknown): number {
  for (let i = 0; i < Math.min(N, 2000); i++) f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f();
  const us = Number(process.hrtime.bigint() - t) / N / 1000;
  console.log(`| ${label} | ${us.toFixed(2)} |`);
  return us;
}

const dir = nfs.mkdtempSync(join(tmpdir(), 'warden-cost-'));
try {
  nfs.mkdirSync(`${dir}/sub`);
  nfs.writeFileSync(`${dir}/sub/f`, 'hello');
  const sub = nfs.openSync(`${dir}/sub`, C.O_RDONLY | C.O_DIRECTORY);
  const plain = `${dir}/sub/f`;
  const proc = `/proc/self/fd/${sub}/f`;
  // hostDir with each syscall backend: the native openat shim (when built) and /proc paths.
  const mounts = (['native', 'paths'] as const).flatMap((b) => {
    try {
      const fs = hostDirWithPlatform(`${dir}/sub`, {}, hostPlatform(), b);
      return [{ b, fs, root: fs.openRoot() }];
    } catch {
      console.log(`(hostDir backend '${b}' unavailable: the native shim is not built)`);
      return [];
    }
  });
  const read: OpenOptions = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false };
  const excl: OpenOptions = { ...read, write: true, create: true, exclusive: true };

  console.log(`| operation (${N} iterations, µs per op) | µs |\n|---|---:|`);
  bench('lstat, plain path', () => nfs.lstatSync(plain));
  bench('lstat, /proc/self/fd/N/name', () => nfs.lstatSync(proc));
  bench('lstat bigint, /proc/self/fd/N/name', () => nfs.lstatSync(proc, { bigint: true }));
  for (const { b, root } of mounts) bench(`hostDir statAt (${b})`, () => root.statAt('f'));
  bench('open+close, plain path', () => nfs.closeSync(nfs.openSync(plain, C.O_RDONLY)));
  bench('open+close, /proc/self/fd/N/name O_NOFOLLOW', () => nfs.closeSync(nfs.openSync(proc, C.O_RDONLY | C.O_NOFOLLOW)));
  bench('open+fstat+close, /proc (O_NONBLOCK fallback)', () => {
    const fd = nfs.openSync(proc, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
    nfs.fstatSync(fd);
    nfs.closeSync(fd);
  });
  bench('O_PATH pin+fstat+reopen+close x2 (hostDir open)', () => {
    const p = nfs.openSync(proc, O_PATH | C.O_NOFOLLOW);
    nfs.fstatSync(p);
    const fd = nfs.openSync(`/proc/self/fd/${p}`, C.O_RDONLY);
    nfs.closeSync(p);
    nfs.closeSync(fd);
  });
  for (const { b, root } of mounts) bench(`hostDir open(read)+close (${b})`, () => (root.open('f', read) as FileHandle).close());
  bench('open dir+close, plain path', () => nfs.closeSync(nfs.openSync(`${dir}/sub`, C.O_RDONLY | C.O_DIRECTORY)));
  nfs.mkdirSync(`${dir}/sub/d`);
  for (const { b, root } of mounts) bench(`hostDir openDir+close (${b})`, () => root.openDir('d').close());
  bench('lstat of a child dir (what validating a cached dir fd costs)', () => nfs.lstatSync(`/proc/self/fd/${sub}/d`));
  let i = 0;
  bench('create (O_EXCL)+close+unlink, plain path', () => {
    const p = `${dir}/sub/c${i++}`;
    nfs.closeSync(nfs.openSync(p, C.O_WRONLY | C.O_CREAT | C.O_EXCL));
    nfs.unlinkSync(p);
  });
  for (const { b, root } of mounts) {
    bench(`hostDir create (O_EXCL)+close+unlink (${b})`, () => {
      const n = `c${i++}`;
      root.open(n, excl).close();
      root.unlink(n);
    });
  }
  const files = 1000;
  for (let k = 0; k < files; k++) nfs.writeFileSync(`${dir}/sub/r${k}`, '');
  const saved = N;
  const per = (label: string, f: () => unknown): void => {
    const t = process.hrtime.bigint();
    for (let k = 0; k < 50; k++) f();
    console.log(`| ${label} | ${(Number(process.hrtime.bigint() - t) / 50 / 1000).toFixed(0)} |`);
  };
  void saved;
  per(`readdirSync withFileTypes, ${files} entries, plain path`, () => nfs.readdirSync(`${dir}/sub`, { withFileTypes: true }));
  for (const { b, root } of mounts) {
    per(`hostDir readdir, ${files} entries (names+types) (${b})`, () => root.readdir());
    per(`hostDir readdir, ${files} entries, every ino read (${b})`, () => root.readdir().forEach((e) => e.ino));
  }
  for (const { fs } of mounts) fs.closeAll();
  nfs.closeSync(sub);
} finally {
  nfs.rmSync(dir, { recursive: true, force: true });
}
