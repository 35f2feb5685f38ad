// Randomised differential test: the same operations on an overlay (over a seeded memoryFs) and
// on a plain memoryFs with the same seed must give the same errnos and the same visible tree;
// the lower layer must stay untouched; applying exportChanges() to a copy of the lower tree
// must reproduce the final tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileType } from '../../src/abi/constants.js';
import { isWasiErrno } from '../../src/kernel/errors.js';
import { memoryFs, type MemoryFileSystem } from '../../src/fs/memory.js';
import { overlay } from '../../src/fs/overlay.js';
import type { DirHandle, FileHandle, FileSystem } from '../../src/fs/types.js';
import type { MemoryTree } from '../../src/fs/memory-tree.js';
import { bytes, opts, snapshot } from './helpers.js';

const SEED: MemoryTree = {
  a: 'alpha', b: 'bravo',
  d: { a: 'd/alpha', e: { c: 'deep' }, s: { symlink: '../a' } },
  f: {},
  s: { symlink: 'd' },
};
const NAMES = ['a', 'b', 'c', 'd', 'e'];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Directory paths (as name lists) of a tree, root first. */
function dirs(tree: MemoryTree, prefix: string[] = []): string[][] {
  const out = [prefix];
  for (const [name, v] of Object.entries(tree)) {
    if (typeof v === 'object' && !(v instanceof Uint8Array) && !('symlink' in v && typeof v.symlink === 'string')) {
      out.push(...dirs(v as MemoryTree, [...prefix, name]));
    }
  }
  return out;
}

function openPath(fs: FileSystem, path: string[]): DirHandle {
  let dir = fs.openRoot();
  for (const p of path) dir = dir.openDir(p);
  return dir;
}

type Op = (dir: DirHandle, dir2: DirHandle) => void;

function pickOp(r: () => number): { label: string; op: Op } {
  const n1 = NAMES[Math.floor(r() * NAMES.length)]!;
  const n2 = NAMES[Math.floor(r() * NAMES.length)]!;
  const k = Math.floor(r() * 10);
  const data = bytes(`v${Math.floor(r() * 1000)}`);
  switch (k) {
    case 0: return { label: `write ${n1}`, op: (d) => { const h = d.open(n1, opts({ write: true, create: true })) as FileHandle; h.pwrite([data], 1); h.close(); } };
    case 1: return { label: `truncate ${n1}`, op: (d) => d.open(n1, opts({ write: true, truncate: true })).close() };
    case 2: return { label: `unlink ${n1}`, op: (d) => d.unlink(n1) };
    case 3: return { label: `mkdir ${n1}`, op: (d) => d.mkdir(n1) };
    case 4: return { label: `rmdir ${n1}`, op: (d) => d.rmdir(n1) };
    case 5: return { label: `rename ${n1} ${n2}`, op: (d, d2) => d.rename(n1, d2, n2) };
    case 6: return { label: `link ${n1} ${n2}`, op: (d, d2) => d.link(n1, d2, n2) };
    case 7: return { label: `symlink ${n1}`, op: (d) => d.symlink('x/y', n1) };
    case 8: return { label: `excl ${n1}`, op: (d) => d.open(n1, opts({ write: true, create: true, exclusive: true })).close() };
    default: return { label: `setSize ${n1}`, op: (d) => { const h = d.open(n1, opts({ write: true })) as FileHandle; h.setSize(7); h.close(); } };
  }
}

function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (isWasiErrno(e)) return e.name;
    throw e;
  }
}

/** Apply an exportChanges() result to a memory filesystem through handles. */
function applyExport(target: MemoryFileSystem, exported: ReturnType<ReturnType<typeof overlay>['exportChanges']>): void {
  const removeAll = (dir: DirHandle, name: string): void => {
    let st;
    try { st = dir.statAt(name); } catch { return; }
    if (st.filetype === FileType.DIRECTORY) {
      const sub = dir.openDir(name);
      for (const e of sub.readdir()) removeAll(sub, e.name);
      dir.rmdir(name);
    } else {
      dir.unlink(name);
    }
  };
  for (const [path, value] of Object.entries(exported)) {
    const parts = path.split('/');
    const name = parts.pop()!;
    const dir = openPath(target, parts);
    if (value === null) { removeAll(dir, name); continue; }
    if (value instanceof Uint8Array) {
      if (dir.readdir().some((e) => e.name === name && e.filetype !== FileType.REGULAR_FILE)) removeAll(dir, name);
      const h = dir.open(name, opts({ write: true, create: true, truncate: true })) as FileHandle;
      h.pwrite([value], 0);
      h.close();
    } else if ('symlink' in value) {
      removeAll(dir, name);
      dir.symlink(value.symlink as string, name);
    } else {
      if (dir.readdir().some((e) => e.name === name && e.filetype !== FileType.DIRECTORY)) removeAll(dir, name);
      if (!dir.readdir().some((e) => e.name === name)) dir.mkdir(name);
    }
  }
}

// WARDEN_FUZZ_SEEDS=500 runs a longer search locally; 8 seeds keep `npm test` quick.
const SEEDS = Number(process.env['WARDEN_FUZZ_SEEDS'] ?? 8);
for (let seed = 1; seed <= SEEDS; seed++) {
  test(`overlay behaves like a plain memory filesystem (seed ${seed})`, () => {
    const r = rng(seed);
    const lower = memoryFs(SEED);
    const lowerBefore = lower.toTree();
    const ov = overlay(lower);
    const model = memoryFs(SEED);
    const log: string[] = [];
    for (let step = 0; step < 150; step++) {
      const tree = model.toTree();
      const all = dirs(tree);
      const p1 = all[Math.floor(r() * all.length)]!;
      const p2 = all[Math.floor(r() * all.length)]!;
      const { label, op } = pickOp(r);
      log.push(`${label} in /${p1.join('/')} → /${p2.join('/')}`);
      const got = outcome(() => op(openPath(ov, p1), openPath(ov, p2)));
      const want = outcome(() => op(openPath(model, p1), openPath(model, p2)));
      assert.equal(got, want, log.join('\n'));
      assert.deepEqual(snapshot(ov), snapshot(model), log.join('\n'));
    }
    assert.deepEqual(lower.toTree(), lowerBefore);
    const replay = memoryFs(SEED);
    applyExport(replay, ov.exportChanges());
    assert.deepEqual(snapshot(replay), snapshot(model), log.join('\n'));
  });
}
