// The layer bookkeeping behind the copy-on-write overlay: one OvDir per directory the guest has
// reached, holding its upper/lower directory handles, its whiteouts and whether it is opaque.
//
// OvDir objects are canonical (one per directory, cached in the parent), so whiteouts recorded
// through one handle are seen through every other, and a renamed directory carries its state
// with it. The layer handles of a node are opened only while something pins it (an open guest
// handle or an operation in progress) and are closed when the last pin goes: a guest walking a
// large host tree does not accumulate host directory fds.

import { Errno, FileType } from '../abi/constants.js';
import { fail, isWasiErrno } from '../kernel/errors.js';
import type { DirHandle, FileHandle, OpenOptions, Stat } from './types.js';

export const enum Layer { UPPER = 1, LOWER = 2 }

export interface Found {
  layer: Layer;
  stat: Stat;
}

export class OvDir {
  readonly children = new Map<string, OvDir>();
  /** Lower names hidden by a deletion or a rename away. */
  readonly whiteouts = new Set<string>();
  /** An opaque directory never merges with the lower layer (made by mkdir or moved by rename). */
  opaque = false;
  removed = false;
  pins = 0;
  resolved = false;
  upper: DirHandle | null = null;
  lower: DirHandle | null = null;

  constructor(public parent: OvDir | null, public name: string) {}

  /** True when `this` is `other` or one of its ancestors. */
  isAncestorOf(other: OvDir): boolean {
    for (let d: OvDir | null = other; d !== null; d = d.parent) if (d === this) return true;
    return false;
  }
}

const READ: OpenOptions = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false };
const CREATE: OpenOptions = { read: true, write: true, create: true, exclusive: true, truncate: false, directory: false };
const COPY_CHUNK = 1 << 16;

/** Run `fn`, mapping ENOENT (and ENOTDIR, for lookups through a non-directory) to null. */
export function absent<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (isWasiErrno(e) && (e.errno === Errno.NOENT || e.errno === Errno.NOTDIR)) return null;
    throw e;
  }
}

export class Layers {
  constructor(private readonly openUpperRoot: () => DirHandle, private readonly openLowerRoot: () => DirHandle) {}

  root: OvDir | null = null;

  rootNode(): OvDir {
    if (this.root === null) {
      this.root = new OvDir(null, '');
      this.root.pins = 1; // the root stays resolved for the overlay's lifetime
    }
    this.ensureResolved(this.root);
    return this.root;
  }

  acquire(node: OvDir): void {
    this.ensureResolved(node);
    node.pins++;
  }

  release(node: OvDir): void {
    if (--node.pins === 0 && node.parent !== null) this.unresolve(node);
  }

  /**
   * Reopen layer handles of a pinned node after a detach closed them. Iterative, top-down: the
   * chain of unresolved ancestors can be deeper than the JS stack. Each parent is pinned only
   * while its child opens from it (unpinned ancestors are closed again right away).
   */
  ensureResolved(node: OvDir): void {
    if (node.resolved) return;
    const chain: OvDir[] = [];
    for (let n: OvDir | null = node; n !== null && !n.resolved; n = n.parent) {
      if (n.removed) fail(Errno.NOENT);
      chain.push(n);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i]!;
      const parent = n.parent;
      if (parent === null) {
        n.upper = this.openUpperRoot();
        n.lower = this.openLowerRoot();
      } else {
        parent.pins++;
        try {
          n.upper = parent.upper ? absent(() => parent.upper!.openDir(n.name)) : null;
          n.lower = !n.opaque && parent.lower && !parent.whiteouts.has(n.name)
            ? absent(() => parent.lower!.openDir(n.name)) : null;
        } finally {
          this.release(parent);
        }
      }
      n.resolved = true;
    }
  }

  unresolve(node: OvDir): void {
    node.upper?.close();
    node.lower?.close();
    node.upper = node.lower = null;
    node.resolved = false;
  }

  /** Drop every open layer handle (at detach); pinned nodes reopen on next use. Iterative. */
  unresolveAll(): void {
    const stack: OvDir[] = this.root ? [this.root] : [];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.resolved) this.unresolve(node);
      for (const child of node.children.values()) stack.push(child);
    }
  }

  /** The visible entry `name` of a resolved directory: upper first, then lower unless hidden. */
  find(d: OvDir, name: string): Found | null {
    if (d.removed) return null;
    if (d.upper) {
      const stat = absent(() => d.upper!.statAt(name));
      if (stat) return { layer: Layer.UPPER, stat };
    }
    if (d.lower && !d.whiteouts.has(name)) {
      const stat = absent(() => d.lower!.statAt(name));
      if (stat) return { layer: Layer.LOWER, stat };
    }
    return null;
  }

  /** True if the lower layer holds `name` in `d`, visible or not (a whiteout is then needed). */
  lowerHas(d: OvDir, name: string): boolean {
    return d.lower !== null && absent(() => d.lower!.statAt(name)) !== null;
  }

  /** The canonical node for the visible directory `name` of `d` (unpinned). */
  child(d: OvDir, name: string): OvDir {
    let c = d.children.get(name);
    if (c === undefined || c.removed) {
      c = new OvDir(d, name);
      d.children.set(name, c);
    }
    return c;
  }

  /** Run `fn` with `node` pinned. */
  with<T>(node: OvDir, fn: (node: OvDir) => T): T {
    this.acquire(node);
    try { return fn(node); } finally { this.release(node); }
  }

  /**
   * Make sure a resolved directory exists in the upper layer (creating parents), times kept.
   * Iterative: the ancestors missing from the upper layer (a deep lower chain) are pinned
   * bottom-up, then created top-down.
   */
  ensureUpper(d: OvDir): DirHandle {
    if (d.upper) return d.upper;
    if (d.removed) fail(Errno.NOENT);
    const missing: OvDir[] = [d];
    const pinned: OvDir[] = [];
    try {
      for (let n = d; ;) {
        const parent = n.parent!;
        this.acquire(parent);
        pinned.push(parent);
        if (parent.upper) break;
        if (parent.removed) fail(Errno.NOENT);
        missing.push(parent);
        n = parent;
      }
      for (let i = missing.length - 1; i >= 0; i--) {
        const n = missing[i]!;
        const pu = n.parent!.upper!;
        pu.mkdir(n.name);
        const upper = pu.openDir(n.name);
        if (n.lower) {
          const st = n.lower.stat();
          upper.setTimes(st.atim, st.mtim);
        }
        n.upper = upper;
      }
    } finally {
      for (let i = pinned.length - 1; i >= 0; i--) this.release(pinned[i]!);
    }
    return d.upper!;
  }

  /**
   * Copy the lower non-directory `name` of `d` into the upper layer: symlinks as symlinks,
   * everything else as a regular file with the same bytes (none with `empty`) and times.
   */
  copyUp(d: OvDir, name: string, st: Stat, empty = false): void {
    const pu = this.ensureUpper(d);
    if (st.filetype === FileType.SYMBOLIC_LINK) {
      pu.symlink(d.lower!.readlink(name), name);
      pu.setTimesAt(name, st.atim, st.mtim);
      return;
    }
    const dst = pu.open(name, CREATE) as FileHandle;
    try {
      if (!empty) copyBytes(d.lower!.open(name, READ) as FileHandle, dst);
      dst.setTimes(st.atim, st.mtim);
    } catch (e) {
      dst.close();
      pu.unlink(name); // never leave a half-copied file shadowing the lower one
      throw e;
    }
    dst.close();
  }

  /**
   * Copy a whole directory into the upper layer and make it opaque, so it no longer depends on
   * its lower path (renaming a directory that has lower content does this).
   */
  copyUpTree(d: OvDir): void {
    this.ensureUpper(d);
    if (d.lower) {
      for (const e of d.lower.readdir()) {
        const found = this.find(d, e.name);
        if (found === null || found.layer === Layer.UPPER && found.stat.filetype !== FileType.DIRECTORY) continue;
        if (found.stat.filetype === FileType.DIRECTORY) this.with(this.child(d, e.name), (c) => this.copyUpTree(c));
        else this.copyUp(d, e.name, found.stat);
      }
      d.lower.close();
      d.lower = null;
    }
    d.opaque = true;
    d.whiteouts.clear();
  }
}

function copyBytes(src: FileHandle, dst: FileHandle): void {
  try {
    const size = src.size();
    const buf = new Uint8Array(Math.min(Math.max(size, 1), COPY_CHUNK));
    for (let pos = 0; pos < size;) {
      const n = src.pread([buf], pos);
      if (n === 0) break;
      dst.pwrite([n === buf.length ? buf : buf.subarray(0, n)], pos);
      pos += n;
    }
  } finally {
    src.close();
  }
}
