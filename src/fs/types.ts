// The FileSystem interface every mount plugs into: in-memory, host directory, overlay,
// virtual files, read-only and quota wrappers.
//
// The contract that makes mounts unescapable lives in the kernel, not here: the kernel walks
// every guest path one component at a time and only ever hands a filesystem a single, already
// validated name relative to a directory handle it holds. A name passed to any method below is
// never "", ".", "..", never contains "/" or NUL, and never exceeds 255 UTF-8 bytes.
// Filesystems must never follow a symlink themselves: when the entry a method is asked to
// open or traverse is a symlink, it throws ELOOP and the kernel decides what to do
// (see RATIONALE.md, "Why does the kernel resolve paths, not the filesystem?").
//
// All failures are reported by throwing via `fail(errno)` from kernel/errors.ts.

import type { FileType } from '../abi/constants.js';

/** Timestamps are nanoseconds since the Unix epoch; dev/ino are opaque bigints. */
export interface Stat {
  dev: bigint;
  ino: bigint;
  filetype: FileType;
  nlink: number;
  size: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface DirEntry {
  name: string;
  filetype: FileType;
  ino: bigint;
}

export interface OpenOptions {
  read: boolean;
  write: boolean;
  /** O_CREAT: create a regular file if the name does not exist. */
  create: boolean;
  /** O_EXCL with create: fail with EEXIST if the name exists (symlinks included). */
  exclusive: boolean;
  /** O_TRUNC: truncate a regular file to zero (requires write). */
  truncate: boolean;
  /** O_DIRECTORY: fail with ENOTDIR unless the entry is a directory. */
  directory: boolean;
}

/** What `open` returns: a regular file or a directory. */
export type Handle = FileHandle | DirHandle;

interface HandleBase {
  /** The filesystem the handle belongs to; rename/link across filesystems fail with EXDEV. */
  readonly fs: FileSystem;
  stat(): Stat;
  /** `null` leaves a time unchanged. The kernel resolves "now" from the guest's clock. */
  setTimes(atim: bigint | null, mtim: bigint | null): void;
  sync(dataOnly: boolean): void;
  close(): void;
}

export interface FileHandle extends HandleBase {
  readonly kind: 'file';
  /** Usually REGULAR_FILE; virtual files may report CHARACTER_DEVICE. */
  readonly filetype: FileType;
  /** Read into `bufs` in order starting at `position`; returns bytes read (0 at EOF). */
  pread(bufs: Uint8Array[], position: number): number;
  /**
   * Optional fast path for the common one-buffer read: exactly what
   * `pread(length === 0 ? [] : [into.subarray(offset, offset + length)], position)` does, without
   * the list and the view. The kernel has bounds-checked [offset, offset + length) in `into`.
   */
  pread1?(into: Uint8Array, offset: number, length: number, position: number): number;
  /** Write `bufs` in order at `position`; returns bytes written. */
  pwrite(bufs: Uint8Array[], position: number): number;
  /** Current size in bytes (used for O_APPEND and SEEK_END). */
  size(): number;
  setSize(size: number): void;
  /** posix_fallocate: make sure [offset, offset+len) is backed; grows the file if needed. */
  allocate(offset: number, len: number): void;
}

export interface DirHandle extends HandleBase {
  readonly kind: 'dir';
  /** A second, independent handle on this same directory (path_open of "."). */
  reopen(): DirHandle;
  /** lstat of an entry: never follows a symlink. ENOENT if missing. */
  statAt(name: string): Stat;
  /**
   * Open an entry. A symlink throws ELOOP (the kernel follows it itself). A directory opened
   * for writing throws EISDIR; a non-directory with `directory` set throws ENOTDIR.
   */
  open(name: string, options: OpenOptions): Handle;
  /** Open a child directory for traversal: ENOTDIR for a file, ELOOP for a symlink. */
  openDir(name: string): DirHandle;
  /** The target of a symlink entry, verbatim. EINVAL if the entry is not a symlink. */
  readlink(name: string): string;
  /** The entries of this directory, without "." and "..", in a stable order. */
  readdir(): DirEntry[];
  mkdir(name: string): void;
  symlink(target: string, name: string): void;
  /** Remove a non-directory entry. EISDIR for a directory. */
  unlink(name: string): void;
  /** Remove an empty directory. ENOTDIR for a non-directory, ENOTEMPTY if not empty. */
  rmdir(name: string): void;
  /** POSIX rename(2) semantics; `to` is a handle of the same filesystem. */
  rename(name: string, to: DirHandle, toName: string): void;
  /** Hard link a non-directory entry (never following a symlink) as `to/toName`. */
  link(name: string, to: DirHandle, toName: string): void;
  /** Set times of an entry without following a symlink. */
  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void;
}

export interface FileSystem {
  /** True when every mutation fails with EROFS; the kernel also withholds write rights. */
  readonly readOnly: boolean;
  /** A fresh handle on the root directory of this filesystem. */
  openRoot(): DirHandle;
  /**
   * Called by the kernel when the filesystem is mounted for a run: `now` is the guest's granted
   * clock (stamp new/changed entries with it), `dev` the device number to report in Stat.
   */
  attach?(ctx: MountContext): void;
  /** Called by the kernel when the run ends (close cached host handles etc.). */
  detach?(): void;
  /**
   * True when the host stamps times itself (hostDir ignores `now`): under a clock that is not
   * `real`, the kernel then hides times from the run's start on (they would reveal the time).
   */
  readonly hostTimes?: boolean;
}

export interface MountContext {
  now: NowFn;
  dev: bigint;
}

/** The clock a filesystem stamps new timestamps with; the kernel passes the guest's clock. */
export type NowFn = () => bigint;
