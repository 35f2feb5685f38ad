// Inodes of the in-memory filesystem. A name in a directory maps to an inode; hard links are
// two names mapping to the same FileNode/SymlinkNode. A directory has exactly one parent
// (directories cannot be hard linked), which is what the rename-into-own-subtree check walks.

import { FileType } from '../abi/constants.js';
import type { Stat } from './types.js';
import { ByteStore } from './memory-bytes.js';

/** Size reported for directories, like most disk filesystems. */
const DIR_SIZE = 4096;
const utf8 = new TextEncoder();

export abstract class MemNode {
  abstract readonly filetype: FileType;
  nlink = 1;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;

  constructor(readonly ino: bigint, now: bigint) {
    this.atim = now;
    this.mtim = now;
    this.ctim = now;
  }

  abstract get size(): number;

  stat(dev: bigint): Stat {
    return {
      dev, ino: this.ino, filetype: this.filetype, nlink: this.nlink, size: this.size,
      atim: this.atim, mtim: this.mtim, ctim: this.ctim,
    };
  }
}

export class FileNode extends MemNode {
  readonly filetype = FileType.REGULAR_FILE;
  readonly content: ByteStore;

  constructor(ino: bigint, now: bigint, data?: Uint8Array) {
    super(ino, now);
    this.content = new ByteStore(data);
  }

  get size(): number { return this.content.size; }
}

export class SymlinkNode extends MemNode {
  readonly filetype = FileType.SYMBOLIC_LINK;
  readonly byteLength: number;

  constructor(ino: bigint, now: bigint, readonly target: string) {
    super(ino, now);
    this.byteLength = utf8.encode(target).length;
  }

  get size(): number { return this.byteLength; }
}

export class DirNode extends MemNode {
  readonly filetype = FileType.DIRECTORY;
  /** Insertion-ordered (Map iteration order), so readdir order is stable. */
  readonly entries = new Map<string, MemNode>();
  /** True once removed: handles still open on it see an empty directory that takes no entries. */
  removed = false;

  constructor(ino: bigint, now: bigint, public parent: DirNode | null) {
    super(ino, now);
    this.nlink = 2;
  }

  get size(): number { return DIR_SIZE; }

  /** True when `this` is `other` or one of its ancestors. */
  isAncestorOf(other: DirNode): boolean {
    for (let d: DirNode | null = other; d !== null; d = d.parent) if (d === this) return true;
    return false;
  }
}
