// Quota wrapper for any FileSystem: caps total bytes in regular files, number of inodes, and the
// size of one file. Usage is measured by walking the filesystem (at attach, or at the first
// openRoot), then tracked from the size changes the wrapper itself sees.
//
// A write that would exceed a limit is refused whole (no partial write): a partial write would
// leave the guest's file in a state it never asked for and most programs treat a short write
// as an error anyway. EFBIG: one file would exceed `fileBytes`; EDQUOT: `bytes` or `files`.
// Deleting (unlink, rmdir, rename over) gives the usage back once the last name is gone; bytes
// written through a handle to an already-unlinked file stay charged (conservative).

import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type {
  DirEntry, DirHandle, FileHandle, FileSystem, Handle, MountContext, OpenOptions, Stat,
} from './types.js';
import { pread1Of } from './pread1.js';

export interface QuotaOptions {
  /** Total bytes in regular files (hard links counted once). */
  bytes?: number;
  /** Number of inodes: files, directories and symlinks (the root excluded). */
  files?: number;
  /** Largest size one file may reach. */
  fileBytes?: number;
}

export interface QuotaUsage {
  bytes: number;
  files: number;
}

export class QuotaFileSystem implements FileSystem {
  readonly readOnly: boolean;
  private used: QuotaUsage | null = null;
  /** The FileSystem handles report as theirs (the wrapper itself, or a filesystem embedding it). */
  readonly owner: FileSystem;

  constructor(readonly inner: FileSystem, readonly limits: QuotaOptions, owner?: FileSystem) {
    this.readOnly = inner.readOnly;
    this.owner = owner ?? this;
  }

  openRoot(): DirHandle {
    const root = this.inner.openRoot();
    if (this.used === null) this.used = measure(root);
    return new QuotaDirHandle(this, root);
  }

  attach(ctx: MountContext): void {
    this.inner.attach?.(ctx);
    const root = this.inner.openRoot();
    this.used = measure(root);
    root.close();
  }

  detach(): void {
    this.inner.detach?.();
  }

  /** Current counters (measured on first use if the filesystem was never opened). */
  usage(): QuotaUsage {
    return { ...this.counters() };
  }

  /** @internal Refuse growing one file from `from` to `to` bytes if a limit would be crossed. */
  checkGrow(from: number, to: number): void {
    if (to <= from) return;
    const { fileBytes, bytes } = this.limits;
    if (fileBytes !== undefined && to > fileBytes) fail(Errno.FBIG);
    if (bytes !== undefined && this.counters().bytes + (to - from) > bytes) fail(Errno.DQUOT);
  }

  /** @internal */
  checkNewInode(): void {
    const { files } = this.limits;
    if (files !== undefined && this.counters().files + 1 > files) fail(Errno.DQUOT);
  }

  /** @internal */
  addBytes(delta: number): void { this.counters().bytes += delta; }
  /** @internal */
  addFiles(delta: number): void { this.counters().files += delta; }

  /** @internal Give back what an inode whose last name just went away held. */
  release(st: Stat): void {
    if (st.filetype !== FileType.DIRECTORY && st.nlink > 1) return;
    const used = this.counters();
    used.files--;
    if (st.filetype === FileType.REGULAR_FILE) used.bytes -= st.size;
  }

  private counters(): QuotaUsage {
    if (this.used === null) {
      const root = this.inner.openRoot();
      try { this.used = measure(root); } finally { root.close(); }
    }
    return this.used;
  }
}

/** Wrap `fs` so that it enforces `limits`. */
export function quota(fs: FileSystem, limits: QuotaOptions): QuotaFileSystem {
  return new QuotaFileSystem(fs, limits);
}

/**
 * Bytes in regular files and inode count below `root`, hard links counted once. Iterative with
 * an explicit stack of open directories: a guest can build a chain deeper than the JS stack.
 */
export function measure(root: DirHandle): QuotaUsage {
  const seen = new Set<bigint>();
  const used: QuotaUsage = { bytes: 0, files: 0 };
  // Each frame: a directory, its entries and the next index; frames above the root own their handle.
  const stack: Array<{ dir: DirHandle; entries: DirEntry[]; i: number }> = [{ dir: root, entries: root.readdir(), i: 0 }];
  try {
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.i === frame.entries.length) {
        stack.pop();
        if (stack.length > 0) frame.dir.close();
        continue;
      }
      const entry = frame.entries[frame.i++]!;
      let st: Stat;
      try { st = frame.dir.statAt(entry.name); } catch { continue; }
      if (st.filetype !== FileType.DIRECTORY && st.nlink > 1) {
        if (seen.has(st.ino)) continue;
        seen.add(st.ino);
      }
      used.files++;
      if (st.filetype === FileType.REGULAR_FILE) used.bytes += st.size;
      if (st.filetype === FileType.DIRECTORY) {
        let sub: DirHandle;
        try { sub = frame.dir.openDir(entry.name); } catch { continue; }
        let entries: DirEntry[];
        try { entries = sub.readdir(); } catch (e) { sub.close(); throw e; }
        stack.push({ dir: sub, entries, i: 0 });
      }
    }
  } finally {
    for (let i = stack.length - 1; i > 0; i--) stack[i]!.dir.close();
  }
  return used;
}

function tryStat(dir: DirHandle, name: string): Stat | null {
  try { return dir.statAt(name); } catch { return null; }
}

export class QuotaFileHandle implements FileHandle {
  readonly kind = 'file';
  readonly filetype: FileType;
  readonly fs: FileSystem;

  constructor(private readonly q: QuotaFileSystem, readonly inner: FileHandle) {
    this.fs = q.owner;
    this.filetype = inner.filetype;
  }

  pread(bufs: Uint8Array[], position: number): number { return this.inner.pread(bufs, position); }
  pread1(into: Uint8Array, offset: number, length: number, position: number): number {
    return pread1Of(this.inner, into, offset, length, position);
  }

  pwrite(bufs: Uint8Array[], position: number): number {
    let total = 0;
    for (let i = 0; i < bufs.length; i++) total += bufs[i]!.length;
    const before = this.inner.size();
    const end = position + total;
    if (end <= before) return this.inner.pwrite(bufs, position);
    this.q.checkGrow(before, end);
    const n = this.inner.pwrite(bufs, position);
    this.q.addBytes(this.inner.size() - before);
    return n;
  }

  size(): number { return this.inner.size(); }

  setSize(size: number): void {
    const before = this.inner.size();
    this.q.checkGrow(before, size);
    this.inner.setSize(size);
    this.q.addBytes(this.inner.size() - before);
  }

  allocate(offset: number, len: number): void {
    const before = this.inner.size();
    this.q.checkGrow(before, offset + len);
    this.inner.allocate(offset, len);
    this.q.addBytes(this.inner.size() - before);
  }

  stat(): Stat { return this.inner.stat(); }
  setTimes(atim: bigint | null, mtim: bigint | null): void { this.inner.setTimes(atim, mtim); }
  sync(dataOnly: boolean): void { this.inner.sync(dataOnly); }
  close(): void { this.inner.close(); }
}

export class QuotaDirHandle implements DirHandle {
  readonly kind = 'dir';
  readonly fs: FileSystem;

  constructor(private readonly q: QuotaFileSystem, readonly inner: DirHandle) {
    this.fs = q.owner;
  }

  stat(): Stat { return this.inner.stat(); }
  setTimes(atim: bigint | null, mtim: bigint | null): void { this.inner.setTimes(atim, mtim); }
  sync(dataOnly: boolean): void { this.inner.sync(dataOnly); }
  close(): void { this.inner.close(); }
  reopen(): DirHandle { return new QuotaDirHandle(this.q, this.inner.reopen()); }
  statAt(name: string): Stat { return this.inner.statAt(name); }
  readlink(name: string): string { return this.inner.readlink(name); }
  readdir(): DirEntry[] { return this.inner.readdir(); }
  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void { this.inner.setTimesAt(name, atim, mtim); }
  openDir(name: string): DirHandle { return new QuotaDirHandle(this.q, this.inner.openDir(name)); }

  open(name: string, o: OpenOptions): Handle {
    const before = o.create || o.truncate ? tryStat(this.inner, name) : null;
    const creating = o.create && before === null;
    if (creating) this.q.checkNewInode();
    const h = this.inner.open(name, o);
    if (creating) this.q.addFiles(1);
    if (h.kind === 'dir') return new QuotaDirHandle(this.q, h);
    if (o.truncate && before !== null && before.filetype === FileType.REGULAR_FILE) {
      this.q.addBytes(h.size() - before.size);
    }
    return new QuotaFileHandle(this.q, h);
  }

  mkdir(name: string): void {
    this.q.checkNewInode();
    this.inner.mkdir(name);
    this.q.addFiles(1);
  }

  symlink(target: string, name: string): void {
    this.q.checkNewInode();
    this.inner.symlink(target, name);
    this.q.addFiles(1);
  }

  unlink(name: string): void {
    const st = this.inner.statAt(name);
    this.inner.unlink(name);
    this.q.release(st);
  }

  rmdir(name: string): void {
    const st = this.inner.statAt(name);
    this.inner.rmdir(name);
    this.q.release(st);
  }

  rename(name: string, to: DirHandle, toName: string): void {
    const dst = this.unwrap(to);
    const src = this.inner.statAt(name);
    const replaced = tryStat(dst, toName);
    this.inner.rename(name, dst, toName);
    if (replaced !== null && !(replaced.ino === src.ino && replaced.dev === src.dev)) this.q.release(replaced);
  }

  link(name: string, to: DirHandle, toName: string): void {
    this.inner.link(name, this.unwrap(to), toName);
  }

  private unwrap(to: DirHandle): DirHandle {
    if (!(to instanceof QuotaDirHandle) || to.q !== this.q) fail(Errno.XDEV);
    return to.inner;
  }
}
