// The overlay's diff against its lower filesystem, computed by walking the upper layer (every
// change lives there: copied-up files, new entries, and the directories holding whiteouts).

import { FileType } from '../abi/constants.js';
import type { DirHandle, FileHandle, Stat } from './types.js';
import { absent, type OvDir } from './overlay-layers.js';

export interface OverlayChange {
  /** '/'-separated, relative to the overlay root. */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  type: 'file' | 'directory' | 'symlink';
}

/** path → new file bytes, `{ symlink }`, `{}` for a directory, or null when deleted. */
export type OverlayExport = Record<string, Uint8Array | { symlink: string } | Record<string, never> | null>;

const COMPARE_CHUNK = 1 << 16;
const READ = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false };

function typeName(t: FileType): OverlayChange['type'] {
  return t === FileType.DIRECTORY ? 'directory' : t === FileType.SYMBOLIC_LINK ? 'symlink' : 'file';
}

function withDir<T>(parent: DirHandle, name: string, fn: (dir: DirHandle) => T): T {
  const dir = parent.openDir(name);
  try { return fn(dir); } finally { dir.close(); }
}

export function diffChanges(root: OvDir, upperRoot: DirHandle, lowerRoot: DirHandle): OverlayChange[] {
  const out: OverlayChange[] = [];
  try {
    diff(root, false, '', upperRoot, lowerRoot, out);
  } finally {
    lowerRoot.close();
  }
  return out;
}

/**
 * Compare one upper directory with the lower directory at the same path. `node` is the cached
 * overlay node, if any, holding whiteouts; opacity is inherited by everything below.
 */
function diff(
  node: OvDir | undefined, parentOpaque: boolean, prefix: string,
  upper: DirHandle, lower: DirHandle | null, out: OverlayChange[],
): void {
  const opaque = parentOpaque || node?.opaque === true;
  const upperNames = new Set<string>();
  for (const e of upper.readdir()) {
    upperNames.add(e.name);
    const path = prefix + e.name;
    const ust = upper.statAt(e.name);
    const lst: Stat | null = lower ? absent(() => lower.statAt(e.name)) : null;
    const isDir = ust.filetype === FileType.DIRECTORY;
    if (isDir && lst?.filetype === FileType.DIRECTORY) {
      withDir(upper, e.name, (u) => withDir(lower!, e.name, (l) =>
        diff(node?.children.get(e.name), opaque, path + '/', u, l, out)));
      continue;
    }
    if (lst !== null && unchanged(upper, lower!, e.name, ust, lst)) continue;
    out.push({ path, kind: lst === null ? 'added' : 'modified', type: typeName(ust.filetype) });
    if (isDir) withDir(upper, e.name, (u) => added(u, path + '/', out));
  }
  if (lower === null) return;
  for (const e of lower.readdir()) {
    if (upperNames.has(e.name) || !(opaque || node?.whiteouts.has(e.name))) continue;
    const st = absent(() => lower.statAt(e.name));
    out.push({ path: prefix + e.name, kind: 'deleted', type: typeName(st?.filetype ?? e.filetype) });
  }
}

/**
 * A copied-up entry nobody changed (opened for writing and closed untouched): same type, same
 * mtime and same bytes (or symlink target) as the lower entry.
 */
function unchanged(upper: DirHandle, lower: DirHandle, name: string, ust: Stat, lst: Stat): boolean {
  if (ust.filetype !== lst.filetype || ust.mtim !== lst.mtim || ust.size !== lst.size) return false;
  if (ust.filetype === FileType.SYMBOLIC_LINK) return upper.readlink(name) === lower.readlink(name);
  if (ust.filetype !== FileType.REGULAR_FILE) return false;
  const a = upper.open(name, READ) as FileHandle;
  try {
    const b = lower.open(name, READ) as FileHandle;
    try {
      const chunk = Math.min(Math.max(ust.size, 1), COMPARE_CHUNK);
      const bufA = new Uint8Array(chunk);
      const bufB = new Uint8Array(chunk);
      for (let pos = 0; pos < ust.size; pos += chunk) {
        const n = a.pread([bufA], pos);
        if (b.pread([bufB], pos) !== n || n === 0) return false;
        for (let i = 0; i < n; i++) if (bufA[i] !== bufB[i]) return false;
      }
      return true;
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

function added(upper: DirHandle, prefix: string, out: OverlayChange[]): void {
  for (const e of upper.readdir()) {
    const type = typeName(upper.statAt(e.name).filetype);
    out.push({ path: prefix + e.name, kind: 'added', type });
    if (type === 'directory') withDir(upper, e.name, (u) => added(u, prefix + e.name + '/', out));
  }
}

export function exportChanges(changes: readonly OverlayChange[], upperRoot: DirHandle): OverlayExport {
  const out: OverlayExport = {};
  for (const c of changes) {
    if (c.kind === 'deleted') { out[c.path] = null; continue; }
    if (c.type === 'directory') { out[c.path] = {}; continue; }
    const parts = c.path.split('/');
    const name = parts.pop()!;
    const read = (dir: DirHandle): void => {
      if (c.type === 'symlink') { out[c.path] = { symlink: dir.readlink(name) }; return; }
      const h = dir.open(name, READ) as FileHandle;
      try {
        const data = new Uint8Array(h.size());
        h.pread([data], 0);
        out[c.path] = data;
      } finally {
        h.close();
      }
    };
    const walk = (dir: DirHandle, i: number): void => {
      if (i === parts.length) read(dir);
      else withDir(dir, parts[i]!, (sub) => walk(sub, i + 1));
    };
    walk(upperRoot, 0);
  }
  return out;
}
