// Virtual files and directories backed by host values or callbacks: `/etc/app.json`, a
// `/proc`-like status file, a small generated tree.
//
// - A file's `read()` is called each time the guest opens it; the handle works on that snapshot.
//   stat of a closed callback file also calls `read()` to report the size a reader will see.
// - A file with a `write` callback is writable: the handle collects the guest's changes and
//   `write(fullContent)` is called at sync and at close, only if the guest wrote something.
// - A file without `write` refuses opening for writing with EACCES: it is a permission the
//   mount does not grant (what a POSIX host gives for a mode 0444 file), not a read-only mount.
// - The directory structure is fixed: creating, removing, renaming or linking entries fails
//   with EACCES (EEXIST/ENOENT first where the name makes the outcome obvious).

import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type {
  DirEntry, DirHandle, FileHandle, FileSystem, Handle, MountContext, NowFn, OpenOptions, Stat,
} from './types.js';
import { ByteStore } from './memory-bytes.js';

export interface VirtualFileSpec {
  /** The file's content, read when the guest opens it. */
  read: () => string | Uint8Array;
  /** Receives the full content at sync/close after the guest wrote; absent: read-only file. */
  write?: (data: Uint8Array) => void;
  /** Report the file as a character device instead of a regular file. */
  characterDevice?: boolean;
}

/** Static content or host callbacks. */
export type VirtualFileSource = string | Uint8Array | VirtualFileSpec;

export interface VirtualEntries {
  [name: string]: VirtualFileSource | VirtualFileMount | VirtualFileSystem | VirtualEntries;
}

const utf8 = new TextEncoder();
const wallClock: NowFn = () => BigInt(Date.now()) * 1_000_000n;

/**
 * A mount whose guest path is a single file (`mounts: { '/etc/app.json': file('{}') }`). The
 * kernel groups such mounts by parent directory and mounts `virtualDir({ name: mount, ... })`
 * (or `asDirectory(name)` for a lone file) at the parent path.
 */
export class VirtualFileMount {
  readonly kind = 'virtual-file';

  constructor(readonly source: VirtualFileSource) {}

  /** True unless the file has a write callback. */
  get readOnly(): boolean {
    return !isSpec(this.source) || this.source.write === undefined;
  }

  /** A filesystem that is a directory containing just this file, named `name`. */
  asDirectory(name: string): VirtualFileSystem {
    return virtualDir({ [name]: this });
  }
}

export function isVirtualFileMount(value: unknown): value is VirtualFileMount {
  return value instanceof VirtualFileMount;
}

/** A single virtual file (static content or host callbacks), to mount at a file path. */
export function file(source: VirtualFileSource): VirtualFileMount {
  return new VirtualFileMount(source);
}

/** Alias of `file`. */
export const virtualFile = file;

/** A fixed directory tree of virtual files. */
export function virtualDir(entries: VirtualEntries): VirtualFileSystem {
  return new VirtualFileSystem(entries);
}

function isSpec(value: unknown): value is VirtualFileSpec {
  return typeof value === 'object' && value !== null && typeof (value as VirtualFileSpec).read === 'function';
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

abstract class VNode {
  atim = 0n;
  mtim = 0n;
  ctim = 0n;
  abstract readonly filetype: FileType;
  constructor(readonly ino: bigint) {}
  abstract size(): number;

  stamp(now: bigint): void {
    this.atim = this.mtim = this.ctim = now;
  }

  stat(dev: bigint, size = this.size()): Stat {
    return {
      dev, ino: this.ino, filetype: this.filetype, nlink: this.filetype === FileType.DIRECTORY ? 2 : 1,
      size, atim: this.atim, mtim: this.mtim, ctim: this.ctim,
    };
  }
}

class VFile extends VNode {
  readonly filetype: FileType;
  /** Content fixed at mount time, or null for callback files. */
  private readonly fixed: Uint8Array | null;
  readonly spec: VirtualFileSpec | null;

  constructor(ino: bigint, source: VirtualFileSource) {
    super(ino);
    this.spec = isSpec(source) ? source : null;
    this.fixed = this.spec === null ? toBytes(source as string | Uint8Array) : null;
    this.filetype = this.spec?.characterDevice ? FileType.CHARACTER_DEVICE : FileType.REGULAR_FILE;
  }

  get writable(): boolean { return this.spec?.write !== undefined; }

  content(): Uint8Array {
    if (this.fixed !== null) return this.fixed;
    try {
      return toBytes(this.spec!.read());
    } catch {
      return fail(Errno.IO);
    }
  }

  size(): number { return this.content().length; }
}

class VDir extends VNode {
  readonly filetype = FileType.DIRECTORY;
  readonly entries = new Map<string, VNode>();
  size(): number { return 4096; }
}

export class VirtualFileSystem implements FileSystem {
  readonly readOnly: boolean;
  private readonly root: VDir;
  private readonly nodes: VNode[] = [];
  private now: NowFn = wallClock;
  dev = 0n;

  constructor(readonly entries: VirtualEntries) {
    let ino = 0n;
    let writable = false;
    const build = (spec: VirtualEntries): VDir => {
      const dir = new VDir(++ino);
      this.nodes.push(dir);
      for (const [name, value] of Object.entries(spec)) {
        if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
          throw new TypeError(`virtualDir: invalid entry name '${name}'`);
        }
        let node: VNode;
        if (value instanceof VirtualFileSystem) node = build(value.entries);
        else if (value instanceof VirtualFileMount) node = new VFile(++ino, value.source);
        else if (typeof value === 'string' || value instanceof Uint8Array || isSpec(value)) node = new VFile(++ino, value);
        else node = build(value);
        if (node instanceof VFile) {
          this.nodes.push(node);
          writable ||= node.writable;
        }
        dir.entries.set(name, node);
      }
      return dir;
    };
    this.root = build(entries);
    this.readOnly = !writable;
    this.stampAll();
  }

  openRoot(): DirHandle { return new VDirHandle(this, this.root); }

  /** Virtual entries carry the guest's clock from the moment they are mounted. */
  attach(ctx: MountContext): void {
    this.now = ctx.now;
    this.dev = ctx.dev;
    this.stampAll();
  }

  /** @internal */
  clock(): bigint { return this.now(); }

  private stampAll(): void {
    const now = this.now();
    for (const node of this.nodes) node.stamp(now);
  }
}

class VFileHandle implements FileHandle {
  readonly kind = 'file';
  readonly filetype: FileType;
  private dirty = false;

  constructor(
    readonly fs: VirtualFileSystem, private readonly node: VFile,
    private readonly store: ByteStore, private readonly writable: boolean,
  ) {
    this.filetype = node.filetype;
  }

  stat(): Stat { return this.node.stat(this.fs.dev, this.store.size); }
  size(): number { return this.store.size; }
  pread(bufs: Uint8Array[], position: number): number { return this.store.read(bufs, position); }

  pwrite(bufs: Uint8Array[], position: number): number {
    this.checkWritable();
    const n = this.store.write(bufs, position);
    if (n > 0) this.modified();
    return n;
  }

  setSize(size: number): void {
    this.checkWritable();
    if (size < 0 || !Number.isSafeInteger(size)) fail(Errno.INVAL);
    this.store.resize(size);
    this.modified();
  }

  allocate(offset: number, len: number): void {
    this.checkWritable();
    if (offset + len > this.store.size) this.setSize(offset + len);
  }

  setTimes(atim: bigint | null, mtim: bigint | null): void { setNodeTimes(this.fs, this.node, atim, mtim); }
  sync(): void { this.flush(); }
  close(): void { this.flush(); }

  private checkWritable(): void {
    if (!this.writable) fail(Errno.BADF);
  }

  /** @internal */
  modified(): void {
    this.dirty = true;
    this.node.mtim = this.node.ctim = this.fs.clock();
  }

  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      this.node.spec!.write!(this.store.snapshot());
    } catch {
      fail(Errno.IO);
    }
  }
}

class VDirHandle implements DirHandle {
  readonly kind = 'dir';

  constructor(readonly fs: VirtualFileSystem, private readonly node: VDir) {}

  stat(): Stat { return this.node.stat(this.fs.dev); }
  setTimes(atim: bigint | null, mtim: bigint | null): void { setNodeTimes(this.fs, this.node, atim, mtim); }
  sync(): void {}
  close(): void {}
  reopen(): DirHandle { return new VDirHandle(this.fs, this.node); }
  statAt(name: string): Stat { return this.get(name).stat(this.fs.dev); }

  open(name: string, o: OpenOptions): Handle {
    const node = this.node.entries.get(name);
    if (node === undefined) return fail(o.create ? Errno.ACCES : Errno.NOENT);
    if (o.create && o.exclusive) fail(Errno.EXIST);
    if (node instanceof VDir) {
      if (o.write || o.truncate || o.create) fail(Errno.ISDIR);
      return new VDirHandle(this.fs, node);
    }
    if (o.directory) fail(Errno.NOTDIR);
    const file = node as VFile;
    const writing = o.write || o.truncate;
    if (writing && !file.writable) fail(Errno.ACCES);
    const store = new ByteStore(o.truncate ? undefined : file.content());
    const h = new VFileHandle(this.fs, file, store, o.write);
    // Truncating is a change the host hears about even if nothing is written afterwards.
    if (o.truncate) h.modified();
    return h;
  }

  openDir(name: string): DirHandle {
    const node = this.get(name);
    if (!(node instanceof VDir)) fail(Errno.NOTDIR);
    return new VDirHandle(this.fs, node);
  }

  readlink(name: string): string {
    this.get(name);
    return fail(Errno.INVAL);
  }

  readdir(): DirEntry[] {
    const out: DirEntry[] = [];
    for (const [name, node] of this.node.entries) out.push({ name, filetype: node.filetype, ino: node.ino });
    return out;
  }

  setTimesAt(name: string, atim: bigint | null, mtim: bigint | null): void {
    setNodeTimes(this.fs, this.get(name), atim, mtim);
  }

  mkdir(name: string): void { this.refuseCreate(name); }
  symlink(_target: string, name: string): void { this.refuseCreate(name); }
  unlink(name: string): void { this.refuseRemove(name, false); }
  rmdir(name: string): void { this.refuseRemove(name, true); }

  rename(name: string, to: DirHandle, _toName: string): void {
    if (!(to instanceof VDirHandle) || to.fs !== this.fs) fail(Errno.XDEV);
    this.get(name);
    fail(Errno.ACCES);
  }

  link(name: string, to: DirHandle, toName: string): void {
    if (!(to instanceof VDirHandle) || to.fs !== this.fs) fail(Errno.XDEV);
    if (this.get(name) instanceof VDir) fail(Errno.PERM);
    to.refuseCreate(toName);
  }

  private get(name: string): VNode {
    return this.node.entries.get(name) ?? fail(Errno.NOENT);
  }

  private refuseCreate(name: string): never {
    return fail(this.node.entries.has(name) ? Errno.EXIST : Errno.ACCES);
  }

  private refuseRemove(name: string, dir: boolean): never {
    const node = this.get(name);
    if (dir && !(node instanceof VDir)) fail(Errno.NOTDIR);
    if (!dir && node instanceof VDir) fail(Errno.ISDIR);
    return fail(Errno.ACCES);
  }
}

function setNodeTimes(fs: VirtualFileSystem, node: VNode, atim: bigint | null, mtim: bigint | null): void {
  if (atim !== null) node.atim = atim;
  if (mtim !== null) node.mtim = mtim;
  node.ctim = fs.clock();
}

