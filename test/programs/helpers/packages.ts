// Locates the real programs installed as pinned devDependencies and loads the data they ship.
// Node-only test helper: it reads package files from node_modules.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file inside an installed package, resolved like an ESM import. */
export function packageFile(specifier: string, relative?: string): string {
  const base = import.meta.resolve(specifier);
  return fileURLToPath(relative === undefined ? base : new URL(relative, base));
}

/** A file tree as YoWASP packs it: names map to file contents or nested trees. */
export interface Tree {
  [name: string]: Tree | string | Uint8Array;
}

/**
 * The `share/` tree Yosys expects under `/share`. YoWASP packs it in `gen/resources-yosys.js`
 * as nested objects whose leaves are strings (small text files) or `URL`s of the larger files
 * shipped beside it in `gen/share/`; the URLs are read here so the tree is plain data.
 */
export async function yosysShareTree(): Promise<Tree> {
  const url = new URL('./resources-yosys.js', import.meta.resolve('@yowasp/yosys'));
  const resources = (await import(url.href)) as { filesystem: { share: unknown } };
  return materialize(resources.filesystem.share);
}

function materialize(node: unknown): Tree {
  const out: Tree = {};
  for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string' || value instanceof Uint8Array) out[name] = value;
    else if (value instanceof URL) out[name] = new Uint8Array(readFileSync(value));
    else out[name] = materialize(value);
  }
  return out;
}

/** Counts the files of a tree and their total size in bytes (strings as UTF-8). */
export function treeStats(tree: Tree): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const value of Object.values(tree)) {
    if (typeof value === 'string') { files++; bytes += Buffer.byteLength(value); }
    else if (value instanceof Uint8Array) { files++; bytes += value.length; }
    else { const s = treeStats(value); files += s.files; bytes += s.bytes; }
  }
  return { files, bytes };
}
