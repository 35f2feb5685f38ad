// The single-name host syscalls a hostDir directory handle needs, in two interchangeable
// backends chosen once per mount (host-fs.ts):
// - native: the openat family relative to the directory fd (host-native.ts, optional shim);
// - paths:  Node's path-based fs calls on the handle's path for the child, which is
//           /proc/<pid>/fd/<fd>/<name> on Linux (or a re-checked path string on platforms
//           without procfs, see host-fs.ts).
// Both never follow a final symlink and both throw Node-style `{ code }` errors, so host-dir.ts
// holds the semantics (types, errnos, retries) once. See RATIONALE.md, "Why an optional native
// openat shim?".

import * as nfs from 'node:fs';
import { FileType } from '../abi/constants.js';
import { FD_DIR, fileTypeOfDirent, fileTypeOfMode, nsToSeconds } from './host-common.js';
import { check, NOT_OPENED, type NativeFs } from './host-native.js';
import { exactAtim, exactMtim, lookupTimes, recordTimes, type HostStat } from './host-times.js';

/** What a backend needs from a directory handle. */
export interface SysDir {
  /** The host fd (flushes gathered writes; EBADF once closed). */
  readonly fd: number;
  /** A host path naming child `name` (path backend only). */
  at(name: string): string;
  /** A host path naming the directory itself (path backend only). */
  self(): string;
}

export interface SysEntry {
  name: string;
  filetype: FileType;
  /** Known when the backend read it with the entry; otherwise fetched when asked for. */
  ino: bigint | undefined;
}

export interface HostSys {
  readonly kind: 'native' | 'paths';
  /** lstat; undefined when the name does not exist. */
  lstat(d: SysDir, name: string): HostStat | undefined;
  /** open(2) of the child, never following a final symlink (`flags` carry O_NOFOLLOW). */
  open(d: SysDir, name: string, flags: number, mode: number): number;
  /** A new fd on the directory `d` holds. */
  reopenSelf(d: SysDir): number;
  /** A new fd on the directory a raw host fd holds (Linux: never by path). */
  reopenFd(fd: number): number;
  mkdir(d: SysDir, name: string): void;
  unlink(d: SysDir, name: string): void;
  rmdir(d: SysDir, name: string): void;
  rename(d: SysDir, name: string, to: SysDir, toName: string): void;
  link(d: SysDir, name: string, to: SysDir, toName: string): void;
  symlink(target: string, d: SysDir, name: string): void;
  readlink(d: SysDir, name: string): string;
  /** Set exact times (null: leave as is); the child must exist. */
  setTimes(d: SysDir, name: string, atim: bigint | null, mtim: bigint | null): void;
  readdir(d: SysDir): SysEntry[];
  /**
   * Native only: open an existing entry in one call, pinned first so that only a regular file
   * (fileFlags >= 0) or a directory (dirFlags >= 0) is ever really opened. `fd` is NOT_OPENED
   * for any other type, which `mode` then names.
   */
  openPinned?(d: SysDir, name: string, fileFlags: number, dirFlags: number): { fd: number; mode: number };
}

/** Node's path-based calls on /proc/<pid>/fd/<fd>/<name> (or the unsafe path fallback). */
export const pathSys: HostSys = {
  kind: 'paths',
  lstat: (d, name) => nfs.lstatSync(d.at(name), { bigint: true, throwIfNoEntry: false }),
  open: (d, name, flags, mode) => nfs.openSync(d.at(name), flags, mode),
  reopenSelf: (d) => nfs.openSync(d.self(), nfs.constants.O_RDONLY | nfs.constants.O_DIRECTORY),
  reopenFd: (fd) => nfs.openSync(`${FD_DIR}/${fd}`, nfs.constants.O_RDONLY | nfs.constants.O_DIRECTORY),
  mkdir: (d, name) => nfs.mkdirSync(d.at(name), 0o777),
  unlink: (d, name) => nfs.unlinkSync(d.at(name)),
  rmdir: (d, name) => nfs.rmdirSync(d.at(name)),
  rename: (d, name, to, toName) => nfs.renameSync(d.at(name), to.at(toName)),
  link: (d, name, to, toName) => nfs.linkSync(d.at(name), to.at(toName)),
  symlink: (target, d, name) => nfs.symlinkSync(target, d.at(name)),
  readlink: (d, name) => nfs.readlinkSync(d.at(name)),
  setTimes(d, name, atim, mtim) {
    // Node carries times as doubles: keep the exact values in host-times.ts's side table.
    const p = d.at(name);
    const before = nfs.lstatSync(p, { bigint: true });
    if (atim === null && mtim === null) return;
    const e = lookupTimes(before);
    const a = atim ?? exactAtim(before, e);
    const m = mtim ?? exactMtim(before, e);
    nfs.lutimesSync(p, nsToSeconds(a), nsToSeconds(m));
    recordTimes(nfs.lstatSync(p, { bigint: true }), a, m);
  },
  readdir: (d) => nfs.readdirSync(d.self(), { withFileTypes: true })
    .map((e) => ({ name: e.name, filetype: fileTypeOfDirent(e), ino: undefined })),
};

const DT_DIR = 4;
const DT_REG = 8;
const DT_LNK = 10;
const DT_CHR = 2;
const DT_BLK = 6;
const DT_SOCK = 12;
const DT_UNKNOWN = 0;

function fileTypeOfDt(t: number): FileType {
  switch (t) {
    case DT_REG: return FileType.REGULAR_FILE;
    case DT_DIR: return FileType.DIRECTORY;
    case DT_LNK: return FileType.SYMBOLIC_LINK;
    case DT_CHR: return FileType.CHARACTER_DEVICE;
    case DT_BLK: return FileType.BLOCK_DEVICE;
    case DT_SOCK: return FileType.SOCKET_STREAM;
    default: return FileType.UNKNOWN; // FIFOs have no WASI file type
  }
}

/** The openat family relative to the directory fd: no procfs walk per call. */
export function nativeSys(n: NativeFs): HostSys {
  // One result buffer per backend: calls are synchronous and the values are copied out at once.
  const st = new BigInt64Array(8);
  const times = new BigUint64Array(2);
  const mode = new Int32Array(1);
  const lstat = (d: SysDir, name: string): HostStat | undefined => {
    const r = n.statAt(d.fd, name, st);
    if (r === -2 /* ENOENT */) return undefined;
    check(r);
    return {
      dev: st[0]!, ino: st[1]!, mode: st[2]!, nlink: st[3]!, size: st[4]!,
      atimeNs: st[5]!, mtimeNs: st[6]!, ctimeNs: st[7]!,
    };
  };
  return {
    kind: 'native',
    lstat,
    open: (d, name, flags, mode) => check(n.openAt(d.fd, name, flags, mode)),
    reopenSelf: (d) => check(n.reopenDir(d.fd)),
    reopenFd: (fd) => check(n.reopenDir(fd)),
    mkdir: (d, name) => void check(n.mkdirAt(d.fd, name, 0o777)),
    unlink: (d, name) => void check(n.unlinkAt(d.fd, name, false)),
    rmdir: (d, name) => void check(n.unlinkAt(d.fd, name, true)),
    rename: (d, name, to, toName) => void check(n.renameAt(d.fd, name, to.fd, toName)),
    link: (d, name, to, toName) => void check(n.linkAt(d.fd, name, to.fd, toName)),
    symlink: (target, d, name) => void check(n.symlinkAt(target, d.fd, name)),
    readlink(d, name) {
      const r = n.readlinkAt(d.fd, name);
      if (typeof r === 'number') check(r);
      return r as string;
    },
    setTimes(d, name, atim, mtim) {
      if (atim === null && mtim === null) {
        if (lstat(d, name) === undefined) check(-2 /* ENOENT */);
        return;
      }
      times[0] = atim ?? 0n;
      times[1] = mtim ?? 0n;
      check(n.utimensAt(d.fd, name, times, (atim === null ? 1 : 0) | (mtim === null ? 2 : 0)));
    },
    openPinned(d, name, fileFlags, dirFlags) {
      const fd = n.openPinned(d.fd, name, fileFlags, dirFlags, mode);
      if (fd !== NOT_OPENED) check(fd);
      return { fd, mode: mode[0]! };
    },
    readdir(d) {
      const r = n.readdir(d.fd);
      if (typeof r === 'number') { check(r); return []; }
      const [names, types, inos] = r;
      const out: SysEntry[] = [];
      let start = 0;
      for (let i = 0; i < types.length; i++) {
        const end = names.indexOf('\0', start);
        const name = names.slice(start, end);
        start = end + 1;
        const dt = types[i]!;
        if (dt !== DT_UNKNOWN) {
          out.push({ name, filetype: fileTypeOfDt(dt), ino: inos[i]! });
          continue;
        }
        // Some filesystems leave d_type unset: ask the inode itself (as Node's readdir does).
        const s = lstat(d, name);
        if (s !== undefined) out.push({ name, filetype: fileTypeOfMode(Number(s.mode)), ino: s.ino });
      }
      return out;
    },
  };
}
