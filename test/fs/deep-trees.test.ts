// Host-side read-back of a directory chain far deeper than the JS stack (a guest can build one):
// toTree, list, usage, quota usage, overlay changes and exportChanges must not overflow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryFs } from '../../src/fs/memory.js';
import { overlay } from '../../src/fs/overlay.js';
import { QuotaFileSystem, quota } from '../../src/fs/quota.js';
import type { MemoryTree } from '../../src/fs/memory-tree.js';
import type { DirHandle, FileSystem } from '../../src/fs/types.js';
import { get, manualClock, put, text } from './helpers.js';

const DEPTH = 20_000;
const LEAF = 'bottom of the chain';

/** mkdir 'd' DEPTH times through the FileSystem interface and put leaf.txt at the bottom. */
function buildChain(fs: FileSystem): void {
  let dir: DirHandle = fs.openRoot();
  for (let i = 0; i < DEPTH; i++) {
    dir.mkdir('d');
    const next = dir.openDir('d');
    dir.close();
    dir = next;
  }
  put(dir, 'leaf.txt', LEAF);
  dir.close();
}

/** Open the directory at the bottom of the chain. */
function bottom(fs: FileSystem): DirHandle {
  let dir = fs.openRoot();
  for (let i = 0; i < DEPTH; i++) {
    const next = dir.openDir('d');
    dir.close();
    dir = next;
  }
  return dir;
}

const chainPath = (depth: number): string => 'd/'.repeat(depth);

function attached<T extends FileSystem>(fs: T): T {
  fs.attach?.({ now: manualClock().now, dev: 1n });
  return fs;
}

test('a 20,000-deep memoryFs chain reads back with toTree, list, usage and quota usage', () => {
  const fs = attached(memoryFs({ quota: { files: DEPTH + 1 } }));
  buildChain(fs);

  let tree: MemoryTree = fs.toTree();
  for (let i = 0; i < DEPTH; i++) {
    assert.deepEqual(Object.keys(tree), ['d'], `level ${i}`);
    tree = tree['d'] as MemoryTree;
  }
  assert.deepEqual(tree, { 'leaf.txt': LEAF });

  assert.deepEqual(fs.list(chainPath(DEPTH)), ['leaf.txt']);
  assert.deepEqual(fs.list(chainPath(DEPTH / 2)), ['d']);
  const expected = { bytes: LEAF.length, files: DEPTH + 1 };
  assert.deepEqual(fs.usage(), expected);
  // Tracked counters, and a fresh measuring walk of the same tree through a quota wrapper.
  assert.deepEqual(fs.quotaUsage(), expected);
  assert.deepEqual(quota(fs, {}).usage(), expected);
});

test('a 20,000-deep chain added in an overlay shows in changes(), parents first, and in quota usage', () => {
  const ov = attached(overlay(memoryFs(), { quota: {} }));
  buildChain(ov);
  const changes = ov.changes();
  assert.equal(changes.length, DEPTH + 1);
  for (let i = 0; i < DEPTH; i++) {
    const c = changes[i]!;
    // Length only: comparing every path would flatten DEPTH strings of up to 40,000 characters.
    assert.equal(c.path.length, 2 * i + 1);
    assert.equal(c.kind, 'added');
    assert.equal(c.type, 'directory');
  }
  assert.equal(changes[DEPTH / 2]!.path, chainPath(DEPTH / 2) + 'd');
  assert.deepEqual(changes[DEPTH], { path: chainPath(DEPTH) + 'leaf.txt', kind: 'added', type: 'file' });
  const used = { bytes: LEAF.length, files: DEPTH + 1 };
  assert.ok(ov.upper instanceof QuotaFileSystem);
  assert.deepEqual(ov.upper.usage(), used);
  assert.deepEqual(quota(ov.upper.inner, {}).usage(), used);

  // After the run: a detached overlay drops its (deep) tree of layer handles on host reads...
  ov.detach();
  assert.equal(ov.changes().length, DEPTH + 1);
  // ...and a later run reopens them down the whole chain.
  ov.attach({ now: manualClock().now, dev: 1n });
  const dir = bottom(ov);
  assert.equal(get(dir, 'leaf.txt'), LEAF);
  put(dir, 'more.txt', 'x');
  dir.close();
  assert.deepEqual(ov.changes()[DEPTH + 1], { path: chainPath(DEPTH) + 'more.txt', kind: 'added', type: 'file' });
});

test('changes at the bottom of a 20,000-deep lower chain export with their content', () => {
  const lower = attached(memoryFs());
  buildChain(lower);
  const ov = attached(overlay(lower));
  const dir = bottom(ov);
  assert.equal(get(dir, 'leaf.txt'), LEAF);
  put(dir, 'leaf.txt', 'changed');
  put(dir, 'new.txt', 'added');
  dir.close();

  const base = chainPath(DEPTH);
  assert.deepEqual(ov.changes(), [
    { path: base + 'leaf.txt', kind: 'modified', type: 'file' },
    { path: base + 'new.txt', kind: 'added', type: 'file' },
  ]);
  const exported = ov.exportChanges();
  assert.deepEqual(Object.keys(exported), [base + 'leaf.txt', base + 'new.txt']);
  assert.equal(text(exported[base + 'leaf.txt'] as Uint8Array), 'changed');
  assert.equal(text(exported[base + 'new.txt'] as Uint8Array), 'added');
  assert.equal(get(bottom(lower), 'leaf.txt'), LEAF);
});

test('exportChanges of a deep added chain keeps one path of open directories', () => {
  // Deep enough to have overflowed the former recursive walk; small enough that the export's
  // DEPTH² characters of path keys stay cheap.
  const depth = 3000;
  const ov = attached(overlay(memoryFs()));
  let dir = ov.openRoot();
  for (let i = 0; i < depth; i++) {
    put(dir, 'f.txt', String(i));
    dir.mkdir('d');
    const next = dir.openDir('d');
    dir.close();
    dir = next;
  }
  dir.close();
  const exported = ov.exportChanges();
  const keys = Object.keys(exported);
  assert.equal(keys.length, 2 * depth);
  for (let i = 0; i < depth; i++) {
    assert.equal(text(exported[chainPath(i) + 'f.txt'] as Uint8Array), String(i));
    assert.deepEqual(exported[chainPath(i) + 'd'], {});
  }
});
