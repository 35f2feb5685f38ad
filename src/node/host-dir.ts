// A host directory held by a real fd. Every operation on a child names it relative to that fd:
// with the native shim through the openat family, otherwise through /proc/<pid>/fd/<fd>/<name>,
// whose magic link resolves to the directory the fd refers to (even after it was renamed or
// replaced on the host). The final component `name` is never followed (O_NOFOLLOW opens, lstat,
// readlink, mkdir, symlink, unlink, rmdir, rename, link, utimes). A single validated name is all
// the kernel passes. The syscalls themselves live in host-sys.ts.

import * as nfs from 'node:fs';
import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { DirEntry, DirHandle, Handle, OpenOptions, Stat } from '../fs/types.js';
import type { HostFileSystem } from './host-fs.js';
import { C, FD_DIR, O_SAFE, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, errCode, rethrow } from './host-common.js';
import { HostFileHandle } from './host-file.js';
import { HostHandle } from './host-handle.js';
import { NOT_OPENED } from './host-native.js';
import type { HostSys, SysDir, SysEntry } from './host-sys.js';
import type { HostStat } from './host-times.js';

/** Bounded retries when a concurrent host process keeps swapping an entry during O_CREAT. */
const CREATE_RETRIES = 8;

export class HostDirHandle extends HostHandle implements DirHandle, SysDir {
  readonly kind = 'dir' as const;
  private readonly sys: HostSys;

  /**
   * `hostPath` is null on Linux, where children are named through the fd's magic link. Only the
   * unsafe path fallback (platforms without /proc/self/fd, see host-fs.ts) keeps a path string.
   */
  constructor(fs: HostFileSystem, fd: number, readonly hostPath: string | null) {
    super(fs, fd);
    this.sys = fs.sys;
  }

  /** The host fd for host-sys.ts (flushes gathered writes; EBADF once closed). */
  override get fd(): number {
    return super.fd;
  }

  /**
   * Checks a child name. The kernel only ever passes single validated names; checking again
   * here keeps a bug in any layer above (a wrapper building names) from turning into
   * "a/../../x" on the host. Costs a few nanoseconds.
   */
  private validName(name: string): void {
    if (name.length === 0 || name === '.' || name === '..' || name.indexOf('/') !== -1 || name.indexOf('\0') !== -1) {
      fail(Errno.INVAL);
    }
  }

  /** The host path naming child `name` of this directory (path backend). */
  at(name: string): string {
    this.validName(name);
    return this.hostPath === null ? `${FD_DIR}/${this.fd}/${name}` : `${this.self()}/${name}`;
  }

  /** The host path naming this directory itself. */
  self(): string {
    return this.hostPath === null ? `${FD_DIR}/${this.fd}` : this.fs.verifiedPath(this.fd, this.hostPath);
  }

  /** Path of a child directory for a new handle (only the path fallback needs it). */
  private childHostPath(name: string): string | null {
    return this.hostPath === null ? null : `${this.hostPath}/${name}`;
  }

  reopen(): DirHandle {
    let fd: number;
    try {
      fd = this.sys.reopenSelf(this);
    } catch (e) {
      rethrow(e);
    }
    return new HostDirHandle(this.fs, fd, this.hostPath);
  }

  statAt(name: string): Stat {
    let st: HostStat | undefined;
    try {
      st = this.sys.lstat(this, name);
    } catch (e) {
      rethrow(e);
    }
    if (st === undefined) fail(Errno.NOENT);
    return this.fs.toStat(st);
  }

  openDir(name: string): DirHandle {
    let fd: number;
    try {
      fd = this.sys.open(this, name, C.O_RDONLY | C.O_DIRECTORY | O_SAFE, 0);
    } catch (e) {
      // O_DIRECTORY|O_NOFOLLOW reports a symlink as ENOTDIR; the contract wants ELOOP.
      if (errCode(e) === 'ENOTDIR' && this.isSymlink(name)) fail(Errno.LOOP);
      rethrow(e);
    }
    return new HostDirHandle(this.fs, fd, this.childHostPath(name));
  }

  open(name: string, o: OpenOptions): Handle {
    const ro = this.fs.readOnly;
    if (ro && (o.write || o.create || o.truncate)) fail(Errno.ROFS);
    this.validName(name);
    const access = o.write ? (o.read ? C.O_RDWR : C.O_WRONLY) : C.O_RDONLY;
    const trunc = o.truncate ? C.O_TRUNC : 0;
    if (o.create && o.exclusive) return this.createNew(name, access | trunc, o.directory) ?? fail(Errno.EXIST);
    for (let i = 0; i < CREATE_RETRIES; i++) {
      const h = this.openExisting(name, access | trunc, o, !o.create)
        // Missing and O_CREAT: create it exclusively; if something appeared meanwhile, retry.
        ?? this.createNew(name, access | trunc, o.directory);
      if (h !== null) return h;
    }
    fail(Errno.AGAIN);
  }

  /**
   * O_CREAT|O_EXCL: the result is always a new regular file (never a symlink, FIFO...);
   * null when the name exists (symlinks included).
   */
  private createNew(name: string, flags: number, directory: boolean): Handle | null {
    let fd: number;
    try {
      if (directory) {
        // "name/" with O_CREAT: EEXIST if the name exists, else EISDIR (as memoryFs and Linux).
        if (this.sys.lstat(this, name) !== undefined) return null;
        fail(Errno.ISDIR);
      }
      fd = this.sys.open(this, name, flags | C.O_CREAT | C.O_EXCL | O_SAFE, 0o666);
    } catch (e) {
      if (errCode(e) === 'EEXIST') return null;
      rethrow(e);
    }
    return new HostFileHandle(this.fs, fd);
  }

  /**
   * Open an entry that exists; null when it is missing and `mustExist` is false.
   * With O_PATH the entry is pinned without being opened, its type checked with fstat, and only
   * a regular file or directory is then reopened through the pinned fd: a FIFO or device is
   * never opened at all. Without O_PATH it is opened non-blocking and checked with fstat.
   */
  private openExisting(name: string, flags: number, o: OpenOptions, mustExist: boolean): Handle | null {
    if (this.sys.openPinned !== undefined) return this.openExistingPinned(name, flags, o, mustExist);
    const oPath = this.fs.platform.oPath;
    let pin: number;
    try {
      pin = this.sys.open(this, name, oPath !== 0 ? oPath | C.O_NOFOLLOW : flags | O_SAFE | (o.directory ? C.O_DIRECTORY : 0), 0);
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT' && !mustExist) return null;
      if (code === 'ENOTDIR' && o.directory && this.isSymlink(name)) fail(Errno.LOOP);
      // Without O_PATH a socket (or a FIFO opened for writing) fails the open itself with ENXIO.
      if (code === 'ENXIO') fail(Errno.NOTSUP);
      rethrow(e);
    }
    let keep = false;
    try {
      const type = nfs.fstatSync(pin).mode & S_IFMT;
      if (type === S_IFLNK) fail(Errno.LOOP); // only an O_PATH pin can land on a symlink
      if (type === S_IFDIR) {
        // As Linux: writing, truncating or O_CREAT on an existing directory is EISDIR.
        if (o.write || o.truncate || o.create) fail(Errno.ISDIR);
        if (oPath === 0) { keep = true; return new HostDirHandle(this.fs, pin, this.childHostPath(name)); }
        return new HostDirHandle(this.fs, nfs.openSync(`${FD_DIR}/${pin}`, C.O_RDONLY | C.O_DIRECTORY), null);
      }
      if (o.directory) fail(Errno.NOTDIR);
      // FIFOs, sockets and devices are never reachable (see hostfs notes: ENOTSUP).
      if (type !== S_IFREG) fail(Errno.NOTSUP);
      if (oPath === 0) { keep = true; return new HostFileHandle(this.fs, pin); }
      // Reopening the magic link of the pin opens exactly the inode we checked.
      return new HostFileHandle(this.fs, nfs.openSync(`${FD_DIR}/${pin}`, flags | C.O_NONBLOCK | C.O_NOCTTY));
    } catch (e) {
      return rethrow(e);
    } finally {
      if (!keep) nfs.closeSync(pin);
    }
  }

  /** openExisting in one native call (pin, fstat, reopen): the same checks, in the same order. */
  private openExistingPinned(name: string, flags: number, o: OpenOptions, mustExist: boolean): Handle | null {
    // As Linux: writing, truncating or O_CREAT on an existing directory is EISDIR.
    const dirOk = !(o.write || o.truncate || o.create);
    let r: { fd: number; mode: number };
    try {
      r = this.sys.openPinned!(this, name, o.directory ? -1 : flags | C.O_NONBLOCK | C.O_NOCTTY, dirOk ? C.O_RDONLY | C.O_DIRECTORY : -1);
    } catch (e) {
      if (errCode(e) === 'ENOENT' && !mustExist) return null;
      rethrow(e);
    }
    const type = r.mode & S_IFMT;
    if (r.fd === NOT_OPENED) {
      if (type === S_IFLNK) fail(Errno.LOOP);
      if (type === S_IFDIR) fail(Errno.ISDIR);
      if (o.directory) fail(Errno.NOTDIR);
      fail(Errno.NOTSUP); // FIFOs, sockets and devices are never reachable
    }
    return type === S_IFDIR ? new HostDirHandle(this.fs, r.fd, null) : new HostFileHandle(this.fs, r.fd);
  }

  private isSymlink(name: string): boolean {
    try {
      const st = this.sys.lstat(this, name);
      return st !== undefined && (Number(st.mode) & S_IFMT) === S_IFLNK;
    } catch {
      return false;
    }
  }

  /**
   * The target verbatim, except that an absolute target fails with EPERM (as in cap-std): it
   * could only name a host path, and following it is refused anyway, so never reveal it.
   */
  readlink(name: string): string {
    let target: string;
    try {
      target = this.sys.readlink(this, name);
    } catch (e) {
      rethrow(e);
    }
    if (target.charCodeAt(0) === 47 /* '/' */) fail(Errno.PERM);
    return target;
  }

  readdir(): DirEntry[] {
    let list: SysEntry[];
    try {
      list = this.sys.readdir(this);
    } catch (e) {
      rethrow(e);
    }
    const out: DirEntry[] = list.map((d) => new HostDirEntry(this, d.name, d.filetype, d.ino));
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  mkdir(name: string): void {
    this.writable();
    try {
      this.sys.mkdir(this, name);
    } catch (e) {
      rethrow(e);
    }
  }

  /** An absolute target is refused here too (the kernel refuses it first): it could only
   * point host programs that later follow it at a host path. */
  symlink(target: string, name: string): void {
    this.writable();
    if (target.charCodeAt(0) === 47 /* '/' */) fail(Errno.PERM);
    try {
      this.sys.symlink(target, this, name);
    } catch (e) {
      rethrow(e);
    }
  }

  unlink(name: string): void {
    this.writable();
    try {
      this.sys.unlink(this, name);
    } catch (e) {
      rethrow(e);
    }
  }

  rmdir(name: string): void {
    this.writable();
    try {
      this.sys.rmdir(this, name);
    } catch (e) {
      rethrow(e);
    }
  }

  rename(name: string, to: DirHandle, toName: string): void {
    const dest = this.sameFs(to);
    this.writable();
    try {
      this.sys.rename(this, name, dest, toName);
    } catch (e) {
      rethrow(e);
    }
  }

  /** Linux link(2) never follows a symlink source: the link names the symlink itself. */
  link(name: string, to: DirHandle, toName: string): void {
    const dest = this.sameFs(to);
    this.writable();
    try {
      this.sys.link(this, name, dest, toName);
    } catch (e) {
      rethrow(e);
    }
  }

  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void {
    this.writable();
    this.validName(name);
    try {
      this.sys.setTimes(this, name, atim, mtim);
    } catch (e) {
      rethrow(e);
    }
  }

  private writable(): void {
    this.fd; // EBADF after close takes precedence
    if (this.fs.readOnly) fail(Errno.ROFS);
  }

  private sameFs(to: DirHandle): HostDirHandle {
    if (!(to instanceof HostDirHandle) || to.fs !== this.fs) fail(Errno.XDEV);
    return to;
  }

  /** Inode of a child for readdir, fetched lazily: Node's readdir does not expose d_ino. */
  inoOf(name: string): bigint {
    if (this.hfd < 0) return 0n;
    try {
      return this.sys.lstat(this, name)?.ino ?? 0n;
    } catch {
      return 0n;
    }
  }
}

class HostDirEntry implements DirEntry {
  constructor(
    private readonly dir: HostDirHandle, readonly name: string, readonly filetype: FileType,
    private cachedIno: bigint | undefined,
  ) {}
  get ino(): bigint {
    this.cachedIno ??= this.dir.inoOf(this.name);
    return this.cachedIno;
  }
}
