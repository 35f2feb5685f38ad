// The overlay's diff against its lower filesystem, computed by walking the upper layer (every
// change lives there: copied-up files, new entries, and the directories holding whiteouts).

import { FileType } from '../abi/constants.js';
import type { DirEntry, DirHandle, FileHandle, Stat } from './types.js';
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

export function diffChanges(root: OvDir, upperRoot: DirHandle, lowerRoot: DirHandle): OverlayChange[] {
  const out: OverlayChange[] = [];
  try {
    diff(root, upperRoot, lowerRoot, out);
  } finally {
    lowerRoot.close();
  }
  return out;
}

/**
 * One directory being walked: an upper directory compared with the lower one at the same path
 * (`lower` null: everything below was added). `node` is the cached overlay node, if any, holding
 * whiteouts; opacity is inherited by everything below. `owned` are the handles this frame opened.
 */
interface Frame {
  node: OvDir | undefined;
  opaque: boolean;
  prefix: string;
  upper: DirHandle;
  lower: DirHandle | null;
  entries: DirEntry[];
  i: number;
  upperNames: Set<string>;
  owned: DirHandle[];
}

function frame(
  node: OvDir | undefined, parentOpaque: boolean, prefix: string,
  upper: DirHandle, lower: DirHandle | null, owned: DirHandle[],
): Frame {
  try {
    const entries = upper.readdir();
    return { node, opaque: parentOpaque || node?.opaque === true, prefix, upper, lower, entries, i: 0, upperNames: new Set(), owned };
  } catch (e) {
    closeAll(owned);
    throw e;
  }
}

function closeAll(handles: DirHandle[]): void {
  for (let i = handles.length - 1; i >= 0; i--) handles[i]!.close();
}

/**
 * Depth-first with an explicit stack (a guest can build a chain deeper than the JS stack),
 * emitting in the order of the former recursion: each upper entry (and, inline, what lies below
 * it), then the deletions of that directory.
 */
function diff(root: OvDir, upperRoot: DirHandle, lowerRoot: DirHandle, out: OverlayChange[]): void {
  const stack: Frame[] = [frame(root, false, '', upperRoot, lowerRoot, [])];
  try {
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      if (f.i === f.entries.length) {
        if (f.lower !== null) deletions(f, out);
        stack.pop();
        closeAll(f.owned);
        continue;
      }
      const child = step(f, f.entries[f.i++]!, out);
      if (child !== null) stack.push(child);
    }
  } finally {
    for (let i = stack.length - 1; i >= 0; i--) closeAll(stack[i]!.owned);
  }
}

/** Handle one upper entry of `f`; returns the frame for a directory to descend into, if any. */
function step(f: Frame, e: DirEntry, out: OverlayChange[]): Frame | null {
  const { upper, lower } = f;
  const path = f.prefix + e.name;
  const ust = upper.statAt(e.name);
  const isDir = ust.filetype === FileType.DIRECTORY;
  if (lower === null) {
    // Below an added directory: everything is added.
    out.push({ path, kind: 'added', type: typeName(ust.filetype) });
    return isDir ? frame(undefined, f.opaque, path + '/', ...openPair(upper, null, e.name)) : null;
  }
  f.upperNames.add(e.name);
  const lst: Stat | null = absent(() => lower.statAt(e.name));
  if (isDir && lst?.filetype === FileType.DIRECTORY) {
    return frame(f.node?.children.get(e.name), f.opaque, path + '/', ...openPair(upper, lower, e.name));
  }
  if (lst !== null && unchanged(upper, lower, e.name, ust, lst)) return null;
  out.push({ path, kind: lst === null ? 'added' : 'modified', type: typeName(ust.filetype) });
  return isDir ? frame(undefined, f.opaque, path + '/', ...openPair(upper, null, e.name)) : null;
}

/** Open `name` in the upper (and lower) directory: [upper, lower, owned handles]. */
function openPair(upper: DirHandle, lower: DirHandle | null, name: string): [DirHandle, DirHandle | null, DirHandle[]] {
  const u = upper.openDir(name);
  if (lower === null) return [u, null, [u]];
  let l: DirHandle;
  try { l = lower.openDir(name); } catch (e) { u.close(); throw e; }
  return [u, l, [u, l]];
}

function deletions(f: Frame, out: OverlayChange[]): void {
  const lower = f.lower!;
  for (const e of lower.readdir()) {
    if (f.upperNames.has(e.name) || !(f.opaque || f.node?.whiteouts.has(e.name))) continue;
    const st = absent(() => lower.statAt(e.name));
    out.push({ path: f.prefix + e.name, kind: 'deleted', type: typeName(st?.filetype ?? e.filetype) });
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

/**
 * Read the content of each change. The changes come parents-before-children, so the chain of
 * open directories is kept from one change to the next and only the differing tail reopened:
 * linear in the total depth instead of quadratic, and without recursion.
 */
export function exportChanges(changes: readonly OverlayChange[], upperRoot: DirHandle): OverlayExport {
  const out: OverlayExport = {};
  const names: string[] = [];
  const dirs: DirHandle[] = [];
  try {
    for (const c of changes) {
      if (c.kind === 'deleted') { out[c.path] = null; continue; }
      if (c.type === 'directory') { out[c.path] = {}; continue; }
      const parts = c.path.split('/');
      const name = parts.pop()!;
      let common = 0;
      while (common < names.length && common < parts.length && names[common] === parts[common]) common++;
      while (dirs.length > common) { names.pop(); dirs.pop()!.close(); }
      for (let i = common; i < parts.length; i++) {
        dirs.push((dirs[i - 1] ?? upperRoot).openDir(parts[i]!));
        names.push(parts[i]!);
      }
      out[c.path] = readEntry(dirs[dirs.length - 1] ?? upperRoot, name, c.type);
    }
  } finally {
    closeAll(dirs);
  }
  return out;
}

function readEntry(dir: DirHandle, name: string, type: OverlayChange['type']): Uint8Array | { symlink: string } {
  if (type === 'symlink') return { symlink: dir.readlink(name) };
  const h = dir.open(name, READ) as FileHandle;
  try {
    const data = new Uint8Array(h.size());
    h.pread([data], 0);
    return data;
  } finally {
    h.close();
  }
}
