// Detects, once per process, whether the host supports the race-free way of resolving one
// name relative to a directory fd from pure JavaScript: Linux's /proc/self/fd/<fd>/<name>
// (the magic link resolves to the directory the fd refers to, wherever it has moved).
// O_PATH is detected separately: it lets us look at an entry's type before really opening it,
// so FIFOs and device nodes are never opened at all.

import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C } from './host-common.js';

export interface HostPlatform {
  /** /proc/self/fd/<dirfd>/<name> resolves relative to the fd (Linux with /proc mounted). */
  readonly procFd: boolean;
  /** The O_PATH flag value, or 0 when unavailable. */
  readonly oPath: number;
}

/** O_PATH is 010000000 on every Linux architecture Node ships for (generic asm fcntl.h). */
const O_PATH_ARCHES = new Set(['x64', 'arm64', 'arm', 'ia32', 's390x', 'ppc64', 'riscv64', 'loong64']);
const O_PATH_GENERIC = 0o10000000;

let cached: HostPlatform | undefined;

export function hostPlatform(): HostPlatform {
  cached ??= probe();
  return cached;
}

/** For tests: run the probes again, uncached. */
export function probeHostPlatform(writable = true): HostPlatform {
  return writable ? probe() : probeWithoutWriting();
}

const NONE: HostPlatform = { procFd: false, oPath: 0 };

function probe(): HostPlatform {
  if (process.platform !== 'linux') return NONE;
  let dir: string;
  try {
    dir = nfs.mkdtempSync(join(tmpdir(), 'warden-probe-'));
  } catch {
    return probeWithoutWriting();
  }
  let fd = -1;
  try {
    nfs.mkdirSync(`${dir}/d`);
    fd = nfs.openSync(dir, C.O_RDONLY | C.O_DIRECTORY);
    // Rename the directory away: the magic link must still lead to it, not to its old path.
    const moved = `${dir}-moved`;
    nfs.renameSync(dir, moved);
    let procFd = false;
    try {
      const viaProc = nfs.lstatSync(`/proc/self/fd/${fd}/d`, { bigint: true });
      const real = nfs.lstatSync(`${moved}/d`, { bigint: true });
      procFd = viaProc.ino === real.ino && viaProc.dev === real.dev;
    } catch {
      procFd = false;
    } finally {
      nfs.renameSync(moved, dir);
    }
    return { procFd, oPath: procFd ? probeOPath(fd, 'd') : 0 };
  } catch {
    return NONE;
  } finally {
    if (fd >= 0) nfs.closeSync(fd);
    nfs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * No writable temp dir (read-only /tmp): check only that /proc/self/fd/<fd>/. is the directory
 * the fd holds. This cannot tell a magic link from a plain path symlink (which the rename test
 * above does), but Linux procfs always provides magic links.
 */
function probeWithoutWriting(): HostPlatform {
  let fd = -1;
  try {
    fd = nfs.openSync('/', C.O_RDONLY | C.O_DIRECTORY);
    const viaProc = nfs.lstatSync(`/proc/self/fd/${fd}/.`, { bigint: true });
    const real = nfs.fstatSync(fd, { bigint: true });
    const procFd = viaProc.ino === real.ino && viaProc.dev === real.dev;
    return { procFd, oPath: procFd ? probeOPath(fd, '.') : 0 };
  } catch {
    return NONE;
  } finally {
    if (fd >= 0) nfs.closeSync(fd);
  }
}

/** An O_PATH fd cannot be read (EBADF) where a plain directory fd reports EISDIR. */
function probeOPath(dirFd: number, child: string): number {
  if (!O_PATH_ARCHES.has(process.arch)) return 0;
  let p = -1;
  try {
    p = nfs.openSync(`/proc/self/fd/${dirFd}/${child}`, O_PATH_GENERIC | C.O_NOFOLLOW | C.O_DIRECTORY);
    nfs.readSync(p, Buffer.alloc(1), 0, 1, 0);
    return 0;
  } catch (e) {
    return (e as { code?: string }).code === 'EBADF' ? O_PATH_GENERIC : 0;
  } finally {
    if (p >= 0) nfs.closeSync(p);
  }
}
