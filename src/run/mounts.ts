// Turns the `mounts` option into the kernel's preopen list. Single-file mounts
// ("/etc/app.json": file(...)) are grouped by their parent directory into one synthetic
// read-only directory per parent, preopened at that parent path.
import type { FileSystem } from '../fs/types.js';
import { virtualDir, type VirtualFileMount } from '../fs/virtual.js';
import type { MountSpec } from '../kernel/kernel.js';
import type { Mountable } from './options.js';
import { WardenUsageError } from './errors.js';

function isFs(m: Mountable): m is FileSystem {
  return typeof (m as FileSystem).openRoot === 'function';
}

export function mountSpecs(mounts: Record<string, Mountable> | undefined): MountSpec[] {
  const specs: MountSpec[] = [];
  const files = new Map<string, Map<string, VirtualFileMount>>();
  for (const [path, m] of Object.entries(mounts ?? {})) {
    if (isFs(m)) { specs.push({ path, fs: m }); continue; }
    const cut = path.lastIndexOf('/');
    const parent = cut === 0 ? '/' : path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (name === '') throw new WardenUsageError(`file mount ${JSON.stringify(path)} needs a file name`);
    let group = files.get(parent);
    if (group === undefined) files.set(parent, (group = new Map()));
    group.set(name, m as VirtualFileMount);
  }
  for (const [parent, group] of files) {
    if (specs.some((s) => s.path === parent)) {
      throw new WardenUsageError(`file mount under ${JSON.stringify(parent)} collides with a directory mounted there; put the file inside that filesystem instead`);
    }
    specs.push({ path: parent, fs: virtualDir(Object.fromEntries(group)) });
  }
  return specs;
}
