// Copy-on-write overlay: reads come from the lower filesystem, every change lands in the upper
// one (in memory by default). The lower filesystem is only ever reached through a readOnly()
// wrapper, so it cannot be written whatever happens here.
//
// - Files (and symlinks) are copied up whole on the first mutation: open for writing or
//   truncating, set-times, link, rename. Handles opened for reading before a copy-up keep
//   reading the lower file (like Linux overlayfs before 4.19).
// - Directories are created in the upper layer on demand, keeping the lower times.
// - Deleting a lower entry records a whiteout; readdir merges upper and lower minus whiteouts.
// - Renaming a directory copies its whole merged subtree up and makes it opaque (simple and
//   always correct; costs time proportional to the subtree).
// - Inode numbers: lower ino * 2, upper ino * 2 + 1, so the layers never collide; a copied-up
//   file therefore changes inode number, and lower hard links are copied up separately.

import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type {
  DirEntry, DirHandle, FileHandle, FileSystem, Handle, MountContext, OpenOptions, Stat,
} from './types.js';
import { memoryFs } from './memory.js';
import { readOnly } from './readonly.js';
import { quota, type QuotaOptions } from './quota.js';
import { Layer, Layers, OvDir, absent, type Found } from './overlay-layers.js';
import { diffChanges, exportChanges, type OverlayChange, type OverlayExport } from './overlay-changes.js';
import { pread1Of } from './pread1.js';

export type { OverlayChange, OverlayExport } from './overlay-changes.js';

export interface OverlayOptions {
  /** Where changes go; default: a fresh memoryFs(). */
  upper?: FileSystem;
  /** Limits on what the guest may add: applied to the upper layer (copied-up files count). */
  quota?: QuotaOptions;
}

const READ_ONLY: OpenOptions = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false };

export class OverlayFileSystem implements FileSystem {
  readonly readOnly = false;
  readonly lower: FileSystem;
  readonly upper: FileSystem;
  /** @internal */
  readonly layers: Layers;
  /** @internal */
  dev = 0n;
  private attached = 0;

  constructor(lower: FileSystem, options: OverlayOptions = {}) {
    this.lower = readOnly(lower);
    const upper = options.upper ?? memoryFs();
    this.upper = options.quota ? quota(upper, options.quota) : upper;
    this.layers = new Layers(() => this.upper.openRoot(), () => this.lower.openRoot());
  }

  openRoot(): DirHandle {
    return new OvDirHandle(this, this.layers.rootNode());
  }

  attach(ctx: MountContext): void {
    this.attached++;
    this.dev = ctx.dev;
    this.lower.attach?.(ctx);
    this.upper.attach?.(ctx);
  }

  detach(): void {
    this.attached = Math.max(0, this.attached - 1);
    // The layers may close their handles at detach (a host directory does): drop ours.
    this.layers.unresolveAll();
    this.lower.detach?.();
    this.upper.detach?.();
  }

  /** What the guest changed relative to the lower filesystem, parents before children. */
  changes(): OverlayChange[] {
    return this.hostRead((root) => diffChanges(root, root.upper!, this.lower.openRoot()));
  }

  /**
   * The changes with their content: path → file bytes, `{ symlink }`, `{}` for a directory,
   * or null for a deletion (of a whole subtree, for a directory).
   */
  exportChanges(): OverlayExport {
    return this.hostRead((root) => exportChanges(diffChanges(root, root.upper!, this.lower.openRoot()), root.upper!));
  }

  /** Host-side reads after a run must not leave layer handles open once detached. */
  private hostRead<T>(fn: (root: OvDir) => T): T {
    try {
      return fn(this.layers.rootNode());
    } finally {
      if (this.attached === 0) this.layers.unresolveAll();
    }
  }

  /** @internal */
  map(st: Stat, layer: Layer): Stat {
    return { ...st, dev: this.dev, ino: mapIno(st.ino, layer) };
  }
}

/** A copy-on-write view of `lower`; see the file comment for the rules. */
export function overlay(lower: FileSystem, options?: OverlayOptions): OverlayFileSystem {
  return new OverlayFileSystem(lower, options);
}

function mapIno(ino: bigint, layer: Layer): bigint {
  return layer === Layer.UPPER ? ino * 2n + 1n : ino * 2n;
}

class OvFileHandle implements FileHandle {
  readonly kind = 'file';
  readonly filetype: FileType;

  constructor(
    readonly fs: OverlayFileSystem, private inner: FileHandle, private layer: Layer,
    private readonly dir: OvDir, private readonly name: string,
  ) {
    this.filetype = inner.filetype;
  }

  stat(): Stat { return this.fs.map(this.inner.stat(), this.layer); }
  size(): number { return this.inner.size(); }
  pread(bufs: Uint8Array[], position: number): number { return this.inner.pread(bufs, position); }
  pread1(into: Uint8Array, offset: number, length: number, position: number): number {
    return pread1Of(this.inner, into, offset, length, position);
  }
  pwrite(bufs: Uint8Array[], position: number): number { return this.inner.pwrite(bufs, position); }
  setSize(size: number): void { this.inner.setSize(size); }
  allocate(offset: number, len: number): void { this.inner.allocate(offset, len); }
  sync(dataOnly: boolean): void { this.inner.sync(dataOnly); }
  close(): void { this.inner.close(); }

  setTimes(atim: bigint | null, mtim: bigint | null): void {
    if (this.layer === Layer.LOWER) this.promote();
    this.inner.setTimes(atim, mtim);
  }

  /** Setting times on a file open from the lower layer: copy it up and continue on the copy. */
  private promote(): void {
    const layers = this.fs.layers;
    const ino = this.inner.stat().ino;
    layers.with(this.dir, (d) => {
      const found = layers.find(d, this.name);
      if (found === null || found.layer !== Layer.LOWER || found.stat.ino !== ino) fail(Errno.NOENT);
      layers.copyUp(d, this.name, found.stat);
      const upper = d.upper!.open(this.name, READ_ONLY) as FileHandle;
      this.inner.close();
      this.inner = upper;
      this.layer = Layer.UPPER;
    });
  }
}

class OvDirHandle implements DirHandle {
  readonly kind = 'dir';
  private closed = false;

  constructor(readonly fs: OverlayFileSystem, readonly node: OvDir, pinned = false) {
    if (!pinned) fs.layers.acquire(node);
  }

  private get layers(): Layers { return this.fs.layers; }

  /** The node, with its layer handles open (they are reopened after a detach). */
  private live(): OvDir {
    this.layers.ensureResolved(this.node);
    return this.node;
  }

  private find(name: string): Found {
    return this.layers.find(this.live(), name) ?? fail(Errno.NOENT);
  }

  stat(): Stat {
    const d = this.live();
    return d.upper ? this.fs.map(d.upper.stat(), Layer.UPPER) : this.fs.map(d.lower!.stat(), Layer.LOWER);
  }

  setTimes(atim: bigint | null, mtim: bigint | null): void {
    this.layers.ensureUpper(this.live()).setTimes(atim, mtim);
  }

  sync(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.layers.release(this.node);
  }

  reopen(): DirHandle { return new OvDirHandle(this.fs, this.node); }

  statAt(name: string): Stat {
    const found = this.find(name);
    return this.fs.map(found.stat, found.layer);
  }

  open(name: string, o: OpenOptions): Handle {
    const d = this.live();
    const found = this.layers.find(d, name);
    if (found === null) {
      if (!o.create) fail(Errno.NOENT);
      if (o.directory) fail(Errno.ISDIR);
      if (d.removed) fail(Errno.NOENT);
      const h = this.layers.ensureUpper(d).open(name, o) as FileHandle;
      return new OvFileHandle(this.fs, h, Layer.UPPER, d, name);
    }
    if (o.create && o.exclusive) fail(Errno.EXIST);
    const type = found.stat.filetype;
    if (type === FileType.SYMBOLIC_LINK) fail(Errno.LOOP);
    if (type === FileType.DIRECTORY) {
      if (o.write || o.truncate || o.create) fail(Errno.ISDIR);
      return new OvDirHandle(this.fs, this.layers.child(d, name));
    }
    if (o.directory) fail(Errno.NOTDIR);
    let layer = found.layer;
    if (layer === Layer.LOWER && (o.write || o.truncate)) {
      this.layers.copyUp(d, name, found.stat, o.truncate);
      layer = Layer.UPPER;
    }
    const inner = layer === Layer.UPPER
      ? d.upper!.open(name, { ...o, create: false, exclusive: false })
      : d.lower!.open(name, READ_ONLY);
    return new OvFileHandle(this.fs, inner as FileHandle, layer, d, name);
  }

  openDir(name: string): DirHandle {
    const found = this.find(name);
    if (found.stat.filetype === FileType.SYMBOLIC_LINK) fail(Errno.LOOP);
    if (found.stat.filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    return new OvDirHandle(this.fs, this.layers.child(this.node, name));
  }

  readlink(name: string): string {
    const found = this.find(name);
    const d = this.node;
    return (found.layer === Layer.UPPER ? d.upper! : d.lower!).readlink(name);
  }

  readdir(): DirEntry[] {
    const d = this.live();
    if (d.removed) return [];
    const upper = d.upper ? d.upper.readdir() : [];
    const out: DirEntry[] = [];
    if (d.lower) {
      const upperByName = new Map<string, DirEntry>();
      for (const e of upper) upperByName.set(e.name, e);
      for (const e of d.lower.readdir()) {
        const shadow = upperByName.get(e.name);
        if (shadow !== undefined) {
          out.push(mapEntry(shadow, Layer.UPPER));
          upperByName.delete(e.name);
        } else if (!d.whiteouts.has(e.name)) {
          out.push(mapEntry(e, Layer.LOWER));
        }
      }
      for (const e of upperByName.values()) out.push(mapEntry(e, Layer.UPPER));
    } else {
      for (const e of upper) out.push(mapEntry(e, Layer.UPPER));
    }
    return out;
  }

  mkdir(name: string): void {
    const d = this.live();
    if (this.layers.find(d, name) !== null) fail(Errno.EXIST);
    this.layers.ensureUpper(d).mkdir(name);
    const c = new OvDir(d, name);
    c.opaque = true; // a lower directory of that name, if any, was deleted: never merge with it
    d.children.set(name, c);
  }

  symlink(target: string, name: string): void {
    const d = this.live();
    if (this.layers.find(d, name) !== null) fail(Errno.EXIST);
    this.layers.ensureUpper(d).symlink(target, name);
  }

  unlink(name: string): void {
    const d = this.live();
    const found = this.find(name);
    if (found.stat.filetype === FileType.DIRECTORY) fail(Errno.ISDIR);
    if (found.layer === Layer.UPPER) d.upper!.unlink(name);
    this.whiteout(d, name);
  }

  rmdir(name: string): void {
    const d = this.live();
    const found = this.find(name);
    if (found.stat.filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    const c = this.layers.child(d, name);
    if (!this.isEmpty(c)) fail(Errno.NOTEMPTY);
    if (found.layer === Layer.UPPER) d.upper!.rmdir(name);
    this.whiteout(d, name);
    c.removed = true;
    d.children.delete(name);
  }

  rename(name: string, to: DirHandle, toName: string): void {
    const dst = this.sameOverlay(to);
    const sd = this.live();
    const dd = dst.live();
    const src = this.find(name);
    if (sd === dd && name === toName) return;
    const target = this.layers.find(dd, toName);
    const srcIsDir = src.stat.filetype === FileType.DIRECTORY;
    const moved = srcIsDir ? this.layers.child(sd, name) : null;
    // Checked in Linux's order: source above the target, target above the source, then types.
    if (moved !== null && moved.isAncestorOf(dd)) fail(Errno.INVAL);
    if (target?.stat.filetype === FileType.DIRECTORY && this.layers.child(dd, toName).isAncestorOf(sd)) {
      fail(Errno.NOTEMPTY);
    }
    if (target !== null) {
      if (target.layer === src.layer && target.stat.ino === src.stat.ino) return; // hard links
      const targetIsDir = target.stat.filetype === FileType.DIRECTORY;
      if (srcIsDir && !targetIsDir) fail(Errno.NOTDIR);
      if (!srcIsDir && targetIsDir) fail(Errno.ISDIR);
      if (targetIsDir && !this.isEmpty(this.layers.child(dd, toName))) fail(Errno.NOTEMPTY);
    }
    if (dd.removed) fail(Errno.NOENT);
    if (moved !== null) {
      this.layers.with(moved, (m) => this.layers.copyUpTree(m));
    } else if (src.layer === Layer.LOWER) {
      this.layers.copyUp(sd, name, src.stat);
    }
    const su = this.layers.ensureUpper(sd);
    const du = this.layers.ensureUpper(dd);
    su.rename(name, du, toName);
    this.whiteout(sd, name);
    this.whiteout(dd, toName);
    const replaced = dd.children.get(toName);
    if (replaced !== undefined) {
      replaced.removed = true;
      dd.children.delete(toName);
    }
    if (moved !== null) {
      sd.children.delete(name);
      moved.parent = dd;
      moved.name = toName;
      dd.children.set(toName, moved);
    }
  }

  link(name: string, to: DirHandle, toName: string): void {
    const dst = this.sameOverlay(to);
    const sd = this.live();
    const dd = dst.live();
    const src = this.find(name);
    if (src.stat.filetype === FileType.DIRECTORY) fail(Errno.PERM);
    if (this.layers.find(dd, toName) !== null) fail(Errno.EXIST);
    if (dd.removed) fail(Errno.NOENT);
    if (src.layer === Layer.LOWER) this.layers.copyUp(sd, name, src.stat);
    const du = this.layers.ensureUpper(dd);
    sd.upper!.link(name, du, toName);
  }

  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void {
    const d = this.live();
    const found = this.find(name);
    if (found.layer === Layer.LOWER) {
      if (found.stat.filetype === FileType.DIRECTORY) {
        this.layers.with(this.layers.child(d, name), (c) => this.layers.ensureUpper(c));
      } else {
        this.layers.copyUp(d, name, found.stat);
      }
    }
    d.upper!.setTimesAt(name, atim, mtim);
  }

  /** Hide the lower entry `name` of `d`, if there is one (the directory moves up to hold it). */
  private whiteout(d: OvDir, name: string): void {
    if (!this.layers.lowerHas(d, name)) return;
    this.layers.ensureUpper(d);
    d.whiteouts.add(name);
  }

  private isEmpty(node: OvDir): boolean {
    return this.layers.with(node, () => new OvDirHandle(this.fs, node, true).readdir().length === 0);
  }

  private sameOverlay(to: DirHandle): OvDirHandle {
    if (!(to instanceof OvDirHandle) || to.fs !== this.fs) fail(Errno.XDEV);
    return to;
  }
}

function mapEntry(e: DirEntry, layer: Layer): DirEntry {
  return { name: e.name, filetype: e.filetype, ino: mapIno(e.ino, layer) };
}
