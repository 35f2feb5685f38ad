// Directory and file handles of the in-memory filesystem: POSIX semantics on MemNode inodes.
// Timestamps: new inodes get now() for all three; writes and truncation set mtim+ctim; entry
// changes set the directory's mtim+ctim; link, unlink, rename and set-times set the inode's ctim.
// atim is never moved by reads (like a `noatime` mount): only set-times changes it.

import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { DirEntry, DirHandle, FileHandle, FileSystem, Handle, OpenOptions, Stat } from './types.js';
import { DirNode, FileNode, MemNode, SymlinkNode } from './memory-nodes.js';

/** What the handles need from their filesystem: clock, device number and inode numbers. */
export interface MemContext {
  readonly owner: FileSystem;
  now(): bigint;
  dev(): bigint;
  nextIno(): bigint;
}

export class MemFileHandle implements FileHandle {
  readonly kind = 'file';
  readonly filetype = FileType.REGULAR_FILE;
  readonly fs: FileSystem;

  constructor(private readonly ctx: MemContext, readonly node: FileNode) {
    this.fs = ctx.owner;
  }

  stat(): Stat { return this.node.stat(this.ctx.dev()); }
  pread(bufs: Uint8Array[], position: number): number { return this.node.content.read(bufs, position); }
  pread1(into: Uint8Array, offset: number, length: number, position: number): number {
    return this.node.content.read1(into, offset, length, position);
  }

  pwrite(bufs: Uint8Array[], position: number): number {
    const n = this.node.content.write(bufs, position);
    if (n > 0) this.touch();
    return n;
  }

  size(): number { return this.node.content.size; }

  setSize(size: number): void {
    if (size < 0 || !Number.isSafeInteger(size)) fail(Errno.INVAL);
    this.node.content.resize(size);
    this.touch();
  }

  allocate(offset: number, len: number): void {
    const end = offset + len;
    if (end > this.node.content.size) this.setSize(end);
  }

  setTimes(atim: bigint | null, mtim: bigint | null): void { setTimes(this.ctx, this.node, atim, mtim); }
  sync(): void {}
  close(): void {}

  private touch(): void {
    const now = this.ctx.now();
    this.node.mtim = now;
    this.node.ctim = now;
  }
}

export class MemDirHandle implements DirHandle {
  readonly kind = 'dir';
  readonly fs: FileSystem;

  constructor(private readonly ctx: MemContext, readonly node: DirNode) {
    this.fs = ctx.owner;
  }

  stat(): Stat { return this.node.stat(this.ctx.dev()); }
  setTimes(atim: bigint | null, mtim: bigint | null): void { setTimes(this.ctx, this.node, atim, mtim); }
  sync(): void {}
  close(): void {}
  reopen(): DirHandle { return new MemDirHandle(this.ctx, this.node); }

  statAt(name: string): Stat { return this.get(name).stat(this.ctx.dev()); }

  open(name: string, o: OpenOptions): Handle {
    const existing = this.node.entries.get(name);
    if (existing === undefined) {
      if (!o.create) fail(Errno.NOENT);
      if (o.directory) fail(Errno.ISDIR); // "name/" with O_CREAT, as Linux
      this.checkLive();
      const file = new FileNode(this.ctx.nextIno(), this.ctx.now());
      this.insert(name, file);
      return new MemFileHandle(this.ctx, file);
    }
    if (o.create && o.exclusive) fail(Errno.EXIST);
    if (existing instanceof SymlinkNode) fail(Errno.LOOP);
    if (existing instanceof DirNode) {
      // As on Linux: O_CREAT on an existing directory is EISDIR too.
      if (o.write || o.truncate || o.create) fail(Errno.ISDIR);
      return new MemDirHandle(this.ctx, existing);
    }
    if (o.directory) fail(Errno.NOTDIR);
    const file = existing as FileNode;
    if (o.truncate) {
      file.content.resize(0);
      const now = this.ctx.now();
      file.mtim = now;
      file.ctim = now;
    }
    return new MemFileHandle(this.ctx, file);
  }

  openDir(name: string): DirHandle {
    const node = this.get(name);
    if (node instanceof DirNode) return new MemDirHandle(this.ctx, node);
    return fail(node instanceof SymlinkNode ? Errno.LOOP : Errno.NOTDIR);
  }

  readlink(name: string): string {
    const node = this.get(name);
    if (!(node instanceof SymlinkNode)) fail(Errno.INVAL);
    return node.target;
  }

  readdir(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, node] of this.node.entries) out.push({ name, filetype: node.filetype, ino: node.ino });
    return out;
  }

  mkdir(name: string): void {
    this.checkFree(name);
    const dir = new DirNode(this.ctx.nextIno(), this.ctx.now(), this.node);
    this.insert(name, dir);
    this.node.nlink++;
  }

  symlink(target: string, name: string): void {
    this.checkFree(name);
    this.insert(name, new SymlinkNode(this.ctx.nextIno(), this.ctx.now(), target));
  }

  unlink(name: string): void {
    const node = this.get(name);
    if (node instanceof DirNode) fail(Errno.ISDIR);
    this.remove(name, node);
  }

  rmdir(name: string): void {
    const node = this.get(name);
    if (!(node instanceof DirNode)) fail(Errno.NOTDIR);
    if (node.entries.size > 0) fail(Errno.NOTEMPTY);
    this.remove(name, node);
  }

  rename(name: string, to: DirHandle, toName: string): void {
    const dst = this.sameFs(to).node;
    const node = this.get(name);
    const target = dst.entries.get(toName);
    if (target === node) return; // same entry, or two hard links to one inode: a no-op
    // Checked in Linux's order: source above the target, target above the source, then types.
    if (node instanceof DirNode && node.isAncestorOf(dst)) fail(Errno.INVAL);
    if (target instanceof DirNode && target.isAncestorOf(this.node)) fail(Errno.NOTEMPTY);
    if (node instanceof DirNode) {
      if (target !== undefined) {
        if (!(target instanceof DirNode)) fail(Errno.NOTDIR);
        if (target.entries.size > 0) fail(Errno.NOTEMPTY);
      }
    } else if (target instanceof DirNode) {
      fail(Errno.ISDIR);
    }
    if (dst.removed) fail(Errno.NOENT);
    const now = this.ctx.now();
    if (target !== undefined) detach(dst, toName, target, now);
    this.node.entries.delete(name);
    dst.entries.set(toName, node);
    if (node instanceof DirNode && dst !== this.node) {
      this.node.nlink--;
      dst.nlink++;
      node.parent = dst;
    }
    node.ctim = now;
    touchDir(this.node, now);
    touchDir(dst, now);
  }

  link(name: string, to: DirHandle, toName: string): void {
    const dst = this.sameFs(to);
    const node = this.get(name);
    if (node instanceof DirNode) fail(Errno.PERM);
    dst.checkFree(toName);
    node.nlink++;
    node.ctim = this.ctx.now();
    dst.insert(toName, node);
  }

  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void {
    setTimes(this.ctx, this.get(name), atim, mtim);
  }

  private get(name: string): MemNode {
    return this.node.entries.get(name) ?? fail(Errno.NOENT);
  }

  private checkLive(): void {
    if (this.node.removed) fail(Errno.NOENT);
  }

  private checkFree(name: string): void {
    if (this.node.entries.has(name)) fail(Errno.EXIST);
    this.checkLive();
  }

  private insert(name: string, node: MemNode): void {
    this.node.entries.set(name, node);
    touchDir(this.node, node.ctim);
  }

  private remove(name: string, node: MemNode): void {
    const now = this.ctx.now();
    detach(this.node, name, node, now);
    touchDir(this.node, now);
  }

  private sameFs(to: DirHandle): MemDirHandle {
    if (!(to instanceof MemDirHandle) || to.ctx !== this.ctx) fail(Errno.XDEV);
    return to;
  }
}

/** Drop the entry `name` of `dir` (which maps to `node`) and update link counts. */
function detach(dir: DirNode, name: string, node: MemNode, now: bigint): void {
  dir.entries.delete(name);
  if (node instanceof DirNode) {
    dir.nlink--;
    node.nlink = 0;
    node.removed = true;
    node.parent = null;
  } else {
    node.nlink--;
  }
  node.ctim = now;
}

function touchDir(dir: DirNode, now: bigint): void {
  dir.mtim = now;
  dir.ctim = now;
}

function setTimes(ctx: MemContext, node: MemNode, atim: bigint | null, mtim: bigint | null): void {
  if (atim !== null) node.atim = atim;
  if (mtim !== null) node.mtim = mtim;
  node.ctim = ctx.now();
}
