// The in-memory filesystem: the default scratch mount, the overlay's default upper layer, and
// a seeded tree the host can read back after a run.

import type { DirHandle, FileSystem, MountContext, NowFn } from './types.js';
import { DirNode, FileNode } from './memory-nodes.js';
import { MemDirHandle, type MemContext } from './memory-handles.js';
import {
  MemoryFsError, applyTree, lookup, mkdirs, splitPath, toBytes, toTree, usageOf,
  type MemoryTree, type ToTreeOptions,
} from './memory-tree.js';
import { QuotaFileSystem, type QuotaOptions } from './quota.js';

export { MemoryFsError, type MemoryTree, type ToTreeOptions } from './memory-tree.js';

export interface MemoryFsOptions {
  /** Limits on bytes stored, number of inodes and size of one file (see quota.ts). */
  quota?: QuotaOptions;
}

const wallClock: NowFn = () => BigInt(Date.now()) * 1_000_000n;
const textDecoder = new TextDecoder();

export class MemoryFileSystem implements FileSystem {
  readonly readOnly = false;
  /** The root inode (exposed for the overlay and tests; the guest only sees handles). */
  readonly root: DirNode;
  private now: NowFn = wallClock;
  private dev = 0n;
  private ino = 0n;
  private readonly ctx: MemContext;
  private readonly limiter: QuotaFileSystem | null;

  constructor(seed?: MemoryTree, options: MemoryFsOptions = {}) {
    const self = this;
    this.ctx = {
      owner: this,
      now: () => self.now(),
      dev: () => self.dev,
      nextIno: () => ++self.ino,
    };
    this.root = new DirNode(this.ctx.nextIno(), this.now(), null);
    if (seed) applyTree(this.ctx, this.root, seed);
    this.limiter = options.quota
      ? new QuotaFileSystem({ readOnly: false, openRoot: () => this.openUnlimitedRoot() }, options.quota, this)
      : null;
  }

  openRoot(): DirHandle {
    return this.limiter ? this.limiter.openRoot() : this.openUnlimitedRoot();
  }

  attach(ctx: MountContext): void {
    this.now = ctx.now;
    this.dev = ctx.dev;
    this.limiter?.attach(ctx);
  }

  detach(): void {}

  /** The quota counters when created with `{ quota }`, else null. */
  quotaUsage(): { bytes: number; files: number } | null {
    return this.limiter ? this.limiter.usage() : null;
  }

  // ---- Host-side read-back API: '/'-separated paths relative to the root, symlinks never followed.

  readFile(path: string): Uint8Array {
    const node = lookup(this.root, path);
    if (!(node instanceof FileNode)) throw new MemoryFsError(node instanceof DirNode ? 'EISDIR' : 'EINVAL', path, 'not a regular file');
    return node.content.snapshot();
  }

  readText(path: string): string {
    return textDecoder.decode(this.readFile(path));
  }

  /** Create or replace a file, creating missing parent directories. */
  writeFile(path: string, data: string | Uint8Array): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new MemoryFsError('EISDIR', path, 'cannot write the root');
    const dir = mkdirs(this.ctx, this.root, parts, path);
    const existing = dir.entries.get(name);
    const bytes = toBytes(data);
    const now = this.now();
    if (existing instanceof FileNode) {
      existing.content.resize(0);
      existing.content.write([bytes], 0);
      existing.mtim = now;
      existing.ctim = now;
      return;
    }
    if (existing !== undefined) throw new MemoryFsError('EEXIST', path, 'not a regular file');
    dir.entries.set(name, new FileNode(this.ctx.nextIno(), now, bytes));
    dir.mtim = now;
    dir.ctim = now;
  }

  /** True if an entry exists at `path` (a symlink counts; it is not followed). */
  exists(path: string): boolean {
    try { lookup(this.root, path); return true; } catch { return false; }
  }

  /** Entry names of the directory at `path`, in readdir order. */
  list(path = ''): string[] {
    const node = lookup(this.root, path);
    if (!(node instanceof DirNode)) throw new MemoryFsError('ENOTDIR', path, 'not a directory');
    return [...node.entries.keys()];
  }

  /** The whole tree as a MemoryTree (the inverse of the seed). */
  toTree(options?: ToTreeOptions): MemoryTree {
    return toTree(this.root, options);
  }

  /** Bytes in regular files and number of inodes (root excluded, hard links counted once). */
  usage(): { bytes: number; files: number } {
    return usageOf(this.root);
  }

  private openUnlimitedRoot(): DirHandle {
    return new MemDirHandle(this.ctx, this.root);
  }
}

/**
 * An in-memory filesystem, optionally seeded. `memoryFs({ quota: {...} })` (a single argument
 * whose only key is `quota` holding numbers) is read as options, since seeds never hold numbers.
 */
export function memoryFs(seed?: MemoryTree | MemoryFsOptions, options?: MemoryFsOptions): MemoryFileSystem {
  if (options === undefined && seed !== undefined && isOptions(seed)) return new MemoryFileSystem(undefined, seed);
  return new MemoryFileSystem(seed as MemoryTree | undefined, options);
}

function isOptions(value: object): value is MemoryFsOptions {
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'quota') return false;
  const quota = (value as { quota: unknown }).quota;
  return typeof quota === 'object' && quota !== null && !(quota instanceof Uint8Array) &&
    Object.values(quota).every((v) => typeof v === 'number' || v === undefined);
}
