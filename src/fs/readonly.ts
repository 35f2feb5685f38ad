// Read-only wrapper: every mutation fails with EROFS, whatever the wrapped filesystem allows.
// The kernel also withholds write rights on read-only mounts; this is the second lock.

import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type {
  DirEntry, DirHandle, FileHandle, FileSystem, Handle, MountContext, OpenOptions, Stat,
} from './types.js';
import { pread1Of } from './pread1.js';

export class ReadOnlyFileSystem implements FileSystem {
  readonly readOnly = true;

  constructor(readonly inner: FileSystem) {}

  openRoot(): DirHandle { return new ReadOnlyDirHandle(this, this.inner.openRoot()); }
  attach(ctx: MountContext): void { this.inner.attach?.(ctx); }
  detach(): void { this.inner.detach?.(); }
}

/** Wrap `fs` so that every mutation fails with EROFS (wrapping twice is a no-op). */
export function readOnly(fs: FileSystem): FileSystem {
  return fs instanceof ReadOnlyFileSystem ? fs : new ReadOnlyFileSystem(fs);
}

function rofs(): never {
  return fail(Errno.ROFS);
}

class ReadOnlyFileHandle implements FileHandle {
  readonly kind = 'file';
  readonly filetype: FileType;

  constructor(readonly fs: ReadOnlyFileSystem, private readonly inner: FileHandle) {
    this.filetype = inner.filetype;
  }

  pread(bufs: Uint8Array[], position: number): number { return this.inner.pread(bufs, position); }
  pread1(into: Uint8Array, offset: number, length: number, position: number): number {
    return pread1Of(this.inner, into, offset, length, position);
  }
  size(): number { return this.inner.size(); }
  stat(): Stat { return this.inner.stat(); }
  sync(dataOnly: boolean): void { this.inner.sync(dataOnly); }
  close(): void { this.inner.close(); }
  pwrite(): number { return rofs(); }
  setSize(): void { rofs(); }
  allocate(): void { rofs(); }
  setTimes(): void { rofs(); }
}

class ReadOnlyDirHandle implements DirHandle {
  readonly kind = 'dir';

  constructor(readonly fs: ReadOnlyFileSystem, private readonly inner: DirHandle) {}

  stat(): Stat { return this.inner.stat(); }
  sync(dataOnly: boolean): void { this.inner.sync(dataOnly); }
  close(): void { this.inner.close(); }
  reopen(): DirHandle { return new ReadOnlyDirHandle(this.fs, this.inner.reopen()); }
  statAt(name: string): Stat { return this.inner.statAt(name); }
  readlink(name: string): string { return this.inner.readlink(name); }
  readdir(): DirEntry[] { return this.inner.readdir(); }
  openDir(name: string): DirHandle { return new ReadOnlyDirHandle(this.fs, this.inner.openDir(name)); }

  open(name: string, o: OpenOptions): Handle {
    if (o.create) {
      // Like Linux on a read-only mount: O_CREAT on an existing name is not a mutation by itself.
      let st: Stat | null = null;
      try { st = this.inner.statAt(name); } catch { /* missing: creating it would write */ }
      if (st === null) rofs();
      if (o.exclusive) fail(Errno.EXIST);
      if (st.filetype === FileType.DIRECTORY) fail(Errno.ISDIR);
    }
    if (o.write || o.truncate) {
      // Keep the errno a writable filesystem would give for the entry's type.
      const probe = this.inner.open(name, { ...o, create: false, exclusive: false, write: false, truncate: false });
      probe.close();
      fail(probe.kind === 'dir' ? Errno.ISDIR : Errno.ROFS);
    }
    const h = this.inner.open(name, { ...o, create: false, exclusive: false });
    return h.kind === 'dir' ? new ReadOnlyDirHandle(this.fs, h) : new ReadOnlyFileHandle(this.fs, h);
  }

  setTimes(): void { rofs(); }
  mkdir(): void { rofs(); }
  symlink(): void { rofs(); }
  unlink(): void { rofs(); }
  rmdir(): void { rofs(); }
  rename(): void { rofs(); }
  link(): void { rofs(); }
  setTimesAt(): void { rofs(); }
}
