// Converting between MemoryTree objects (seeds, read-back) and in-memory inodes, and resolving
// the host-side '/'-separated paths of the read-back API.

import { DirNode, FileNode, MemNode, SymlinkNode } from './memory-nodes.js';

/**
 * A plain-object description of a directory: strings and byte arrays are files, nested objects
 * are directories, `{ symlink: target }` is a symbolic link. Keys may be multi-segment paths
 * ('a/b/c.txt') whose missing parents are created. (A directory whose only entry is a text file
 * named "symlink" reads as a symlink; nest it as `{ 'symlink': ..., other: ... }` or via a path.)
 */
export interface MemoryTree {
  [name: string]: string | Uint8Array | MemoryTree | { symlink: string };
}

export interface TreeBuilder {
  now(): bigint;
  nextIno(): bigint;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A host-side error from the read-back API (the guest only ever sees errnos). */
export class MemoryFsError extends Error {
  constructor(readonly code: string, path: string, what: string) {
    super(`${code}: ${what}: '${path}'`);
    this.name = 'MemoryFsError';
  }
}

export function isSymlinkSpec(value: unknown): value is { symlink: string } {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'symlink' && typeof (value as { symlink: unknown }).symlink === 'string';
}

/** Split a host path into components; '' and '.' are skipped, '..' is refused. */
export function splitPath(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new MemoryFsError('EINVAL', path, "'..' is not allowed in host paths");
    parts.push(part);
  }
  return parts;
}

/** The inode at `path` without following symlinks anywhere. */
export function lookup(root: DirNode, path: string): MemNode {
  let node: MemNode = root;
  for (const part of splitPath(path)) {
    if (!(node instanceof DirNode)) {
      throw new MemoryFsError(node instanceof SymlinkNode ? 'ELOOP' : 'ENOTDIR', path, 'not a directory');
    }
    const next = node.entries.get(part);
    if (next === undefined) throw new MemoryFsError('ENOENT', path, 'no such file or directory');
    node = next;
  }
  return node;
}

/** Create (or reuse) the directory chain `parts` under `dir`. */
export function mkdirs(b: TreeBuilder, dir: DirNode, parts: readonly string[], path: string): DirNode {
  for (const part of parts) {
    const next = dir.entries.get(part);
    if (next instanceof DirNode) { dir = next; continue; }
    if (next !== undefined) throw new MemoryFsError('ENOTDIR', path, 'a parent is not a directory');
    const made = new DirNode(b.nextIno(), b.now(), dir);
    dir.entries.set(part, made);
    dir.nlink++;
    dir = made;
  }
  return dir;
}

/** Add the entries of `tree` to `dir`; an existing file or symlink of the same name is replaced. */
export function applyTree(b: TreeBuilder, dir: DirNode, tree: MemoryTree): void {
  for (const [key, value] of Object.entries(tree)) {
    const parts = splitPath(key);
    const name = parts.pop();
    if (name === undefined) throw new MemoryFsError('EINVAL', key, 'empty name in seed');
    const parent = mkdirs(b, dir, parts, key);
    const existing = parent.entries.get(name);
    if (typeof value === 'string' || value instanceof Uint8Array) {
      setEntry(parent, name, new FileNode(b.nextIno(), b.now(), toBytes(value)), key);
    } else if (isSymlinkSpec(value)) {
      setEntry(parent, name, new SymlinkNode(b.nextIno(), b.now(), value.symlink), key);
    } else {
      applyTree(b, existing instanceof DirNode ? existing : mkdirs(b, parent, [name], key), value as MemoryTree);
    }
  }
}

function setEntry(parent: DirNode, name: string, node: MemNode, path: string): void {
  const existing = parent.entries.get(name);
  if (existing instanceof DirNode) throw new MemoryFsError('EISDIR', path, 'a directory already exists');
  if (existing !== undefined) existing.nlink--;
  parent.entries.set(name, node);
}

export interface ToTreeOptions {
  /** Always return file contents as Uint8Array (default: valid UTF-8 comes back as a string). */
  binary?: boolean;
}

/** Iterative (a guest can build a chain far deeper than the JS stack); key order as readdir. */
export function toTree(dir: DirNode, options: ToTreeOptions = {}): MemoryTree {
  const binary = options.binary === true;
  const root: MemoryTree = {};
  const stack: Array<[DirNode, MemoryTree]> = [[dir, root]];
  while (stack.length > 0) {
    const [node, out] = stack.pop()!;
    for (const [name, child] of node.entries) {
      if (child instanceof DirNode) {
        const sub: MemoryTree = {};
        out[name] = sub;
        stack.push([child, sub]);
      } else if (child instanceof SymlinkNode) out[name] = { symlink: child.target };
      else out[name] = fileValue((child as FileNode).content.snapshot(), binary);
    }
  }
  return root;
}

function fileValue(bytes: Uint8Array, binary: boolean): string | Uint8Array {
  if (binary) return bytes;
  try { return strictUtf8.decode(bytes); } catch { return bytes; }
}

export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

/** Bytes held by regular files and the number of inodes (the root excluded), hard links once; iterative. */
export function usageOf(root: DirNode): { bytes: number; files: number } {
  const seen = new Set<MemNode>();
  let bytes = 0;
  const stack: DirNode[] = [root];
  while (stack.length > 0) {
    for (const node of stack.pop()!.entries.values()) {
      if (seen.has(node)) continue;
      seen.add(node);
      if (node instanceof FileNode) bytes += node.size;
      else if (node instanceof DirNode) stack.push(node);
    }
  }
  return { bytes, files: seen.size };
}
