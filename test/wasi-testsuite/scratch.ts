// Scratch directories for the wasi-testsuite ports: fs-tests.dir on the host (for the CLI and
// hostDir) or in memory, seeded as the suite's C tests expect, and the check that a test left
// nothing behind but its own "*.cleanup" entries (which the suite's runner deletes).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C_FILES, type SuiteTest } from './suite.js';

type Tree = { readonly [name: string]: string | Tree };

function writeTree(dir: string, tree: Tree): void {
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string') writeFileSync(path, value);
    else {
      mkdirSync(path);
      writeTree(path, value);
    }
  }
}

/** The tree a test's fs-tests.dir starts with (empty unless it is a C test). */
export function seedTree(t: SuiteTest): Tree {
  return t.scratch === 'c' ? C_FILES : {};
}

/** A temporary directory holding a seeded fs-tests.dir; `dir` is fs-tests.dir itself. */
export function hostScratch(t: SuiteTest): { parent: string; dir: string; cleanup(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'warden-wt-'));
  const dir = join(parent, 'fs-tests.dir');
  mkdirSync(dir);
  writeTree(dir, seedTree(t));
  return { parent, dir, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

/** Whatever the test added to fs-tests.dir must be a "*.cleanup" entry; seeded files stay. */
export function assertOnlyCleanupLeft(t: SuiteTest, names: readonly string[]): void {
  const seeded = new Set(Object.keys(seedTree(t)));
  const extra = names.filter((n) => !seeded.has(n) && !n.endsWith('.cleanup'));
  assert.deepEqual(extra, [], `${t.name} left entries in fs-tests.dir`);
  for (const n of seeded) assert.ok(names.includes(n), `${t.name} removed the seeded ${n}`);
}

export const listHost = (dir: string): string[] => readdirSync(dir).sort();
