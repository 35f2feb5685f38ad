// Small helpers for driving FileSystem handles directly in tests.

import assert from 'node:assert/strict';
import { FileType } from '../../src/abi/constants.js';
import { isWasiErrno } from '../../src/kernel/errors.js';
import type { DirHandle, FileHandle, FileSystem, Handle, OpenOptions } from '../../src/fs/types.js';
import type { MemoryTree } from '../../src/fs/memory-tree.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function opts(o: Partial<OpenOptions> = {}): OpenOptions {
  return { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false, ...o };
}

export const RW_CREATE = opts({ write: true, create: true });

export function asFile(h: Handle): FileHandle {
  assert.equal(h.kind, 'file');
  return h as FileHandle;
}

export function asDir(h: Handle): DirHandle {
  assert.equal(h.kind, 'dir');
  return h as DirHandle;
}

export function openFile(dir: DirHandle, name: string, o: Partial<OpenOptions> = {}): FileHandle {
  return asFile(dir.open(name, opts(o)));
}

/** Create or truncate `name` and write `text` to it. */
export function put(dir: DirHandle, name: string, text: string | Uint8Array): void {
  const h = openFile(dir, name, { write: true, create: true, truncate: true });
  h.pwrite([typeof text === 'string' ? enc.encode(text) : text], 0);
  h.close();
}

export function readAll(h: FileHandle): Uint8Array {
  const out = new Uint8Array(h.size());
  h.pread([out], 0);
  return out;
}

export function get(dir: DirHandle, name: string): string {
  const h = openFile(dir, name);
  const text = dec.decode(readAll(h));
  h.close();
  return text;
}

export function bytes(text: string): Uint8Array {
  return enc.encode(text);
}

export function text(data: Uint8Array): string {
  return dec.decode(data);
}

/** The errno name ('ENOENT', ...) `fn` throws; fails the test if it throws anything else or nothing. */
export function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isWasiErrno(e)) return e.name;
    throw e;
  }
  assert.fail('expected an errno, but the call succeeded');
}

export function throwsErrno(fn: () => unknown, name: string): void {
  assert.equal(errnoOf(fn), name);
}

export function names(dir: DirHandle): string[] {
  return dir.readdir().map((e) => e.name);
}

/** A snapshot of a whole filesystem through the interface only (files as text). */
export function snapshot(fs: FileSystem): MemoryTree {
  const walk = (dir: DirHandle): MemoryTree => {
    const out: MemoryTree = {};
    for (const e of dir.readdir()) {
      if (e.filetype === FileType.DIRECTORY) {
        const sub = dir.openDir(e.name);
        out[e.name] = walk(sub);
        sub.close();
      } else if (e.filetype === FileType.SYMBOLIC_LINK) {
        out[e.name] = { symlink: dir.readlink(e.name) };
      } else {
        out[e.name] = get(dir, e.name);
      }
    }
    return out;
  };
  const root = fs.openRoot();
  const tree = walk(root);
  root.close();
  return tree;
}

/** A manual clock for `attach`. */
export function manualClock(start = 1_000_000_000n): { now: () => bigint; set(t: bigint): void } {
  let t = start;
  return { now: () => t, set: (v) => { t = v; } };
}
