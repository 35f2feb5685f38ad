// path_* calls. Every path is walked by the kernel (kernel/resolve.ts), one component at a
// time from the directory fd's handle; the filesystem only sees single names.
import {
  Errno, FdFlags, FileType, LookupFlags, OFlags, Rights, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_WRITE,
} from './constants.js';
import { writeFilestat } from './structs.js';
import { timesFromFlags } from './fd.js';
import type { Kernel } from '../kernel/kernel.js';
import { Descriptor, dirDescriptor, fileDescriptor } from '../kernel/descriptor.js';
import { fail, isWasiErrno } from '../kernel/errors.js';
import { Walk } from '../kernel/resolve.js';
import type { DirHandle, Handle, Stat } from '../fs/types.js';

/**
 * Requested rights that mean "open for writing". FD_DATASYNC is not among them: directories
 * carry it (fsync of a directory is legal), and reopening "." with a directory's own rights
 * must not count as a write open (EISDIR).
 */
/** Longest path or symlink target in UTF-16 units (Linux PATH_MAX; kernel/resolve.ts alike). */
const MAX_PATH_CHARS = 4096;

const WRITE_INTENT = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

export function pathImports(k: Kernel) {
  const m = k.mem;
  const fds = k.fds;

  /**
   * A directory descriptor holding `rights` (EPERM without them, like wasmtime). For a call
   * that changes the filesystem (`mutating` names it), a read-only mount answers EROFS first
   * and the attempt is recorded as a denial.
   */
  function dirFd(fd: number, rights: number, mutating?: string): Descriptor {
    const d = fds.get(fd);
    if (d.dir === null) fail(Errno.NOTDIR);
    if (mutating !== undefined) mutable(d, mutating);
    if ((d.rightsBase & rights) !== rights) fail(Errno.PERM);
    return d;
  }

  function walk(d: Descriptor, pathPtr: number, pathLen: number, call: string): Walk {
    const path = pathString(pathPtr, pathLen);
    try {
      return new Walk(d.dir!, path);
    } catch (e) {
      if (isWasiErrno(e) && e.errno === Errno.PERM) k.deny('fs', call, `path escapes its directory: ${JSON.stringify(path)}`);
      throw e;
    }
  }

  /** Follow the final symlink(s), recording escapes as denials; returns the final stat. */
  function followAll(w: Walk, call: string): Stat | null {
    try { return w.followAll(); } catch (e) {
      if (isWasiErrno(e) && e.errno === Errno.PERM) k.deny('fs', call, 'symlink leads outside its directory');
      throw e;
    }
  }

  /**
   * A guest path or symlink target, refused (ENAMETOOLONG) before decoding when it cannot fit
   * PATH_MAX: decoding megabytes per call (and quoting them in denials) exhausted the host.
   */
  function pathString(ptr: number, len: number): string {
    m.check(ptr, len);
    if (len >>> 0 > MAX_PATH_CHARS * 3) fail(Errno.NAMETOOLONG);
    return m.string(ptr, len);
  }

  function mutable(d: Descriptor, call: string): void {
    if (d.mount !== null && d.mount.readOnly) {
      k.deny('fs', call, `read-only mount ${d.mount.path}`);
      fail(Errno.ROFS);
    }
  }

  /** For trailing-slash paths: the (followed) entry must be a directory. */
  function requireDirEntry(w: Walk, call: string): Stat | null {
    const st = followAll(w, call);
    if (w.name !== null) {
      if (st === null) fail(Errno.NOENT);
      if (st.filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    }
    return st;
  }

  function open(fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
    base: bigint, inheriting: bigint, fdflags: number): Descriptor {
    let need = Rights.PATH_OPEN;
    if (oflags & OFlags.CREAT) need |= Rights.PATH_CREATE_FILE;
    if (oflags & OFlags.TRUNC) need |= Rights.PATH_FILESTAT_SET_SIZE;
    const d = fds.get(fd);
    if (d.dir === null) fail(Errno.NOTDIR);
    if ((oflags & ~0xf) !== 0) fail(Errno.INVAL);
    // As wasmtime: DIRECTORY with CREAT, EXCL or TRUNC is EINVAL before the path is looked at.
    if ((oflags & OFlags.DIRECTORY) && (oflags & (OFlags.CREAT | OFlags.EXCL | OFlags.TRUNC))) fail(Errno.INVAL);
    const baseR = Number(BigInt.asUintN(30, base)) & d.rightsInheriting;
    const inhR = Number(BigInt.asUintN(30, inheriting)) & d.rightsInheriting;
    const write = (baseR & WRITE_INTENT) !== 0 || (fdflags & FdFlags.APPEND) !== 0;
    const read = (baseR & (Rights.FD_READ | Rights.FD_READDIR)) !== 0;
    // A read-only mount answers EROFS (and records the denial) before any rights check.
    if (write || (oflags & (OFlags.CREAT | OFlags.TRUNC))) mutable(d, 'path_open');
    if ((d.rightsBase & need) !== need) fail(Errno.PERM);
    const w = walk(d, pathPtr, pathLen, 'path_open');
    const follow = (dirflags & LookupFlags.SYMLINK_FOLLOW) !== 0 || w.trailingSlash;
    const mustBeDir = (oflags & OFlags.DIRECTORY) !== 0 || w.trailingSlash;
    let handle: Handle;
    try {
      for (;;) {
        const name = w.name;
        if (name === null) {
          if ((oflags & (OFlags.CREAT | OFlags.EXCL)) === (OFlags.CREAT | OFlags.EXCL)) fail(Errno.EXIST);
          if (write || (oflags & OFlags.TRUNC)) fail(Errno.ISDIR);
          handle = w.takeDir() ?? w.dir.reopen();
          break;
        }
        try {
          handle = w.dir.open(name, {
            read, write,
            create: (oflags & OFlags.CREAT) !== 0,
            exclusive: (oflags & OFlags.EXCL) !== 0,
            truncate: (oflags & OFlags.TRUNC) !== 0,
            directory: mustBeDir,
          });
          break;
        } catch (e) {
          if (!isWasiErrno(e) || e.errno !== Errno.LOOP) throw e;
          if (!follow || (oflags & (OFlags.CREAT | OFlags.EXCL)) === (OFlags.CREAT | OFlags.EXCL)) {
            if (oflags & OFlags.EXCL) fail(Errno.EXIST);
            throw e;
          }
          try { w.followFinal(); } catch (e2) {
            if (isWasiErrno(e2) && e2.errno === Errno.PERM) k.deny('fs', 'path_open', 'symlink leads outside its directory');
            throw e2;
          }
        }
      }
    } finally {
      w.release();
    }
    const ro = d.mount!.readOnly ? ~RIGHTS_WRITE : -1;
    if (handle.kind === 'dir') {
      return dirDescriptor(handle, baseR & RIGHTS_DIR & ro, inhR & ro, fdflags & 0xffff, d.mount!);
    }
    if (mustBeDir) { handle.close(); fail(Errno.NOTDIR); }
    return fileDescriptor(handle, baseR & RIGHTS_FILE & ro, inhR & ro, fdflags & 0xffff, d.mount!);
  }

  /** Run `op` on a walked path, always releasing the walk's handles. */
  function at<T>(w: Walk, op: (dir: DirHandle, name: string | null) => T): T {
    try { return op(w.dir, w.name); } finally { w.release(); }
  }

  return {
    path_open(fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      base: bigint, inheriting: bigint, fdflags: number, fdPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const resPtr = m.check(fdPtr, 4);
        const desc = open(fd, dirflags, pathPtr, pathLen, oflags, base, inheriting, fdflags);
        const newFd = fds.add(desc);
        m.dv.setUint32(resPtr, newFd, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    path_create_directory(fd: number, pathPtr: number, pathLen: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_CREATE_DIRECTORY, 'path_create_directory');
        return at(walk(d, pathPtr, pathLen, 'path_create_directory'), (dir, name) => {
          if (name === null) fail(Errno.EXIST);
          dir.mkdir(name);
          return Errno.SUCCESS;
        });
      } catch (e) { return k.errno(e); }
    },

    path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, buf: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_FILESTAT_GET);
        const w = walk(d, pathPtr, pathLen, 'path_filestat_get');
        const st = at(w, () => {
          let found: Stat | null = null;
          if (w.trailingSlash) found = requireDirEntry(w, 'path_filestat_get');
          else if (flags & LookupFlags.SYMLINK_FOLLOW) found = followAll(w, 'path_filestat_get');
          if (found !== null) return found;
          return w.name === null ? w.dir.stat() : w.dir.statAt(w.name);
        });
        writeFilestat(m, buf, k.guestStat(d.mount, st));
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    path_filestat_set_times(fd: number, flags: number, pathPtr: number, pathLen: number,
      atim: bigint, mtim: bigint, fstflags: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_FILESTAT_SET_TIMES, 'path_filestat_set_times');
        const [a, mt] = timesFromFlags(k, atim, mtim, fstflags);
        const w = walk(d, pathPtr, pathLen, 'path_filestat_set_times');
        return at(w, () => {
          if (w.trailingSlash) requireDirEntry(w, 'path_filestat_set_times');
          else if (flags & LookupFlags.SYMLINK_FOLLOW) followAll(w, 'path_filestat_set_times');
          if (w.name === null) w.dir.setTimes(a, mt);
          else w.dir.setTimesAt(w.name, a, mt);
          return Errno.SUCCESS;
        });
      } catch (e) { return k.errno(e); }
    },

    path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number,
      newFd: number, newPtr: number, newLen: number): number {
      k.alive();
      try {
        m.refresh();
        const src = dirFd(oldFd, Rights.PATH_LINK_SOURCE);
        const dst = dirFd(newFd, Rights.PATH_LINK_TARGET, 'path_link');
        // Following a symlink source is refused, as in wasmtime.
        if (oldFlags & LookupFlags.SYMLINK_FOLLOW) fail(Errno.INVAL);
        const ws = walk(src, oldPtr, oldLen, 'path_link');
        return at(ws, () => {
          const wd = walk(dst, newPtr, newLen, 'path_link');
          return at(wd, () => {
            if (ws.name === null) fail(Errno.PERM);
            if (ws.trailingSlash) requireDirEntry(ws, 'path_link');
            if (wd.name === null) fail(Errno.EXIST);
            if (wd.trailingSlash) {
              const exists = tryStat(wd.dir, wd.name);
              fail(exists ? Errno.EXIST : Errno.NOENT);
            }
            if (ws.dir.fs !== wd.dir.fs) fail(Errno.XDEV);
            ws.dir.link(ws.name, wd.dir, wd.name);
            return Errno.SUCCESS;
          });
        });
      } catch (e) { return k.errno(e); }
    },

    path_readlink(fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, usedPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_READLINK);
        const out = m.check(buf, bufLen);
        const usedAt = m.check(usedPtr, 4);
        const target = at(walk(d, pathPtr, pathLen, 'path_readlink'), (dir, name) => {
          if (name === null) fail(Errno.INVAL);
          return dir.readlink(name);
        });
        const bytes = new TextEncoder().encode(target);
        const n = Math.min(bytes.length, bufLen >>> 0);
        m.u8.set(bytes.subarray(0, n), out);
        m.dv.setUint32(usedAt, n, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    path_remove_directory(fd: number, pathPtr: number, pathLen: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_REMOVE_DIRECTORY, 'path_remove_directory');
        return at(walk(d, pathPtr, pathLen, 'path_remove_directory'), (dir, name) => {
          if (name === null) fail(Errno.INVAL);
          dir.rmdir(name);
          return Errno.SUCCESS;
        });
      } catch (e) { return k.errno(e); }
    },

    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      k.alive();
      try {
        m.refresh();
        const src = dirFd(fd, Rights.PATH_RENAME_SOURCE, 'path_rename');
        const dst = dirFd(newFd, Rights.PATH_RENAME_TARGET, 'path_rename');
        const ws = walk(src, oldPtr, oldLen, 'path_rename');
        return at(ws, () => {
          const wd = walk(dst, newPtr, newLen, 'path_rename');
          return at(wd, () => {
            if (ws.name === null || wd.name === null) fail(Errno.BUSY);
            if (ws.trailingSlash || wd.trailingSlash) {
              // A trailing slash on either side requires the source to be a directory.
              if (ws.dir.statAt(ws.name).filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
            }
            if (ws.dir.fs !== wd.dir.fs) fail(Errno.XDEV);
            ws.dir.rename(ws.name, wd.dir, wd.name);
            return Errno.SUCCESS;
          });
        });
      } catch (e) { return k.errno(e); }
    },

    path_symlink(oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_SYMLINK, 'path_symlink');
        const target = pathString(oldPtr, oldLen);
        if (target.length === 0) fail(Errno.NOENT);
        if (target.length > MAX_PATH_CHARS) fail(Errno.NAMETOOLONG);
        if (target.indexOf('\0') !== -1) fail(Errno.INVAL);
        if (target.charCodeAt(0) === 47) {
          k.deny('fs', 'path_symlink', `absolute symlink target ${JSON.stringify(target)}`);
          fail(Errno.PERM);
        }
        const w = walk(d, newPtr, newLen, 'path_symlink');
        return at(w, (dir, name) => {
          if (name === null) fail(Errno.EXIST);
          if (w.trailingSlash) {
            // POSIX: "link/" names a directory; an existing file there is ENOTDIR.
            const t = statType(dir, name);
            fail(t === null ? Errno.NOENT : t === FileType.DIRECTORY ? Errno.EXIST : Errno.NOTDIR);
          }
          dir.symlink(target, name);
          return Errno.SUCCESS;
        });
      } catch (e) { return k.errno(e); }
    },

    path_unlink_file(fd: number, pathPtr: number, pathLen: number): number {
      k.alive();
      try {
        m.refresh();
        const d = dirFd(fd, Rights.PATH_UNLINK_FILE, 'path_unlink_file');
        const w = walk(d, pathPtr, pathLen, 'path_unlink_file');
        return at(w, (dir, name) => {
          if (name === null) fail(Errno.ISDIR);
          if (w.trailingSlash) {
            const t = dir.statAt(name).filetype;
            fail(t === FileType.DIRECTORY ? Errno.ISDIR : Errno.NOTDIR);
          }
          dir.unlink(name);
          return Errno.SUCCESS;
        });
      } catch (e) { return k.errno(e); }
    },
  };
}

function tryStat(dir: DirHandle, name: string): boolean {
  return statType(dir, name) !== null;
}

function statType(dir: DirHandle, name: string): FileType | null {
  try { return dir.statAt(name).filetype; } catch { return null; }
}
