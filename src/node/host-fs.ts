// `hostDir(path, options)`: a host directory mounted into a guest, unescapable by construction.
//
// The kernel resolves guest paths itself, one component at a time from directory handles, and
// hands this filesystem single validated names (see fs/types.ts). This module makes each of
// those single-name operations race-free on the host: directory handles are real fds, children
// are reached relative to them (the openat family through the optional native shim, else
// /proc/<pid>/fd/<fd>/<name>; host-sys.ts) and symlinks are never followed (host-dir.ts).
// Only regular files, directories and symlinks are reachable; FIFOs, sockets and devices are
// refused with ENOTSUP without ever being opened (O_PATH) or without blocking (O_NONBLOCK).
//
// Platforms without /proc/self/fd (macOS, BSDs) cannot name "a child of this fd" from pure
// JavaScript. There hostDir refuses to mount unless `allowUnsafePlatform: true`, which selects a
// path-string fallback that is safe against the guest's own symlinks but can be raced by a
// concurrent host process (see notes/hostfs-readme.md).

import * as nfs from 'node:fs';
import { resolve } from 'node:path';
import { Errno } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { DirHandle, FileSystem, MountContext, Stat } from '../fs/types.js';
import { C } from './host-common.js';
import { HostDirHandle } from './host-dir.js';
import { gather, hostStat, type HostHandle } from './host-handle.js';
import { nativeFs } from './host-native.js';
import { hostPlatform, type HostPlatform } from './host-platform.js';
import { nativeSys, pathSys, type HostSys } from './host-sys.js';
import type { HostStat } from './host-times.js';

export interface HostDirOptions {
  /** Every mutation fails with EROFS and nothing is opened for writing. */
  readOnly?: boolean;
  /**
   * Allow mounting on a platform without /proc/self/fd, using path strings re-checked before
   * each use. A concurrent host process that swaps a directory for a symlink can race it.
   */
  allowUnsafePlatform?: boolean;
}

let warnedUnsafe = false;

const UNSAFE_PLATFORM =
  'this platform has no /proc/self/fd, so host paths cannot be resolved race-free relative to ' +
  'directory handles';

export class HostFileSystem implements FileSystem {
  readonly readOnly: boolean;
  /** Absolute host path as given (host-side symlinks in it are followed when the root opens). */
  readonly hostPath: string;
  /** The options to rebuild this mount elsewhere (worker thread, child process). */
  readonly options: Readonly<HostDirOptions>;
  /** Device number reported to the guest (never the host's st_dev). */
  dev = 0n;

  /**
   * Gather small sequential writes in memory (host-file.ts). Off by default: the inline engine
   * turns it on for one run (gatherHostWrites) because only there the bytes cannot die with a
   * killed worker or child, and no host code can look at the file while the guest runs.
   */
  gatherWrites = false;
  private gathering = 0;

  private rootFd = -1;
  private attached = 0;
  private readonly live = new Set<HostHandle>();

  /** How single-name host syscalls are made: the native openat shim, or /proc/<pid>/fd paths. */
  readonly sys: HostSys;

  constructor(path: string, options: HostDirOptions, readonly platform: HostPlatform, backend?: 'native' | 'paths') {
    this.hostPath = resolve(path);
    this.sys = chooseSys(platform, backend);
    this.readOnly = options.readOnly === true;
    this.options = { readOnly: this.readOnly, allowUnsafePlatform: options.allowUnsafePlatform === true };
    let st: nfs.Stats | undefined;
    try {
      st = nfs.statSync(this.hostPath, { throwIfNoEntry: false });
    } catch (e) {
      throw new Error(`hostDir: cannot access "${path}": ${(e as Error).message}`);
    }
    if (st === undefined) throw new Error(`hostDir: "${path}" does not exist`);
    if (!st.isDirectory()) throw new Error(`hostDir: "${path}" is not a directory`);
    if (!platform.procFd) {
      if (options.allowUnsafePlatform !== true) {
        throw new Error(
          `hostDir("${path}"): ${UNSAFE_PLATFORM}; refusing to mount. Pass { allowUnsafePlatform: true } ` +
          'to mount with path-based resolution that a concurrent host process can race.');
      }
      if (C.O_NOFOLLOW === undefined || C.O_DIRECTORY === undefined) {
        throw new Error(`hostDir("${path}"): ${UNSAFE_PLATFORM}, and O_NOFOLLOW is missing too; cannot mount.`);
      }
      if (!warnedUnsafe) {
        warnedUnsafe = true; // once per process: a host may create a mount per run
        process.emitWarning(`hostDir("${path}"): ${UNSAFE_PLATFORM}; using path-based resolution, ` +
          'which a concurrent host process can race (allowUnsafePlatform).', { code: 'WARDEN_HOSTDIR_UNSAFE' });
      }
    }
  }

  /** The host stamps file times itself; the kernel hides recent ones from clockless guests. */
  readonly hostTimes = true;

  /** `ctx.now` is not used: the host stamps file times itself (see notes, "Timestamps"). */
  attach(ctx: MountContext): void {
    this.attached++;
    this.dev = ctx.dev;
  }

  /** When the last attached run ends, every handle it left open and the root fd are closed. */
  detach(): void {
    this.attached = Math.max(0, this.attached - 1);
    if (this.attached === 0) this.closeAll();
  }

  /** Nested start/stop pairs (a filesystem may serve several runs one after another). */
  startGathering(): void {
    this.gathering++;
    this.gatherWrites = true;
  }

  /** Turn gathering off again; anything still pending reaches the host now. */
  stopGathering(): void {
    this.gathering = Math.max(0, this.gathering - 1);
    this.gatherWrites = this.gathering > 0;
    if (gather.dirty !== null) gather.dirty.flushPending();
  }

  /** Close every host fd this filesystem holds (handles become EBADF); pending writes go out first. */
  closeAll(): void {
    if (gather.dirty !== null) gather.dirty.flushPending();
    for (const h of this.live) h.forceClose();
    this.live.clear();
    if (this.rootFd >= 0) {
      const fd = this.rootFd;
      this.rootFd = -1;
      nfs.closeSync(fd);
    }
  }

  openRoot(): DirHandle {
    if (this.rootFd < 0) {
      try {
        this.rootFd = nfs.openSync(this.hostPath, C.O_RDONLY | C.O_DIRECTORY);
      } catch (e) {
        throw new Error(`hostDir: cannot open "${this.hostPath}": ${(e as Error).message}`);
      }
    }
    if (this.platform.procFd) {
      // A new fd on the very directory the root fd holds, even if the path was swapped since.
      return new HostDirHandle(this, this.sys.reopenFd(this.rootFd), null);
    }
    const real = nfs.realpathSync(this.hostPath);
    const fd = nfs.openSync(real, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
    return new HostDirHandle(this, fd, real);
  }

  /** Number of host fds currently held (handles plus the root). */
  openFdCount(): number {
    return this.live.size + (this.rootFd >= 0 ? 1 : 0);
  }

  toStat(st: HostStat): Stat {
    return hostStat(st, this.dev);
  }

  track(h: HostHandle): void {
    this.live.add(h);
  }

  untrack(h: HostHandle): void {
    this.live.delete(h);
  }

  /**
   * Path fallback only: the directory's path, after checking that it still names the directory
   * the fd holds. Narrows but cannot close the window a concurrent host process could race.
   */
  verifiedPath(fd: number, path: string): string {
    try {
      const viaPath = nfs.lstatSync(path, { bigint: true });
      const viaFd = nfs.fstatSync(fd, { bigint: true });
      if (viaPath.ino === viaFd.ino && viaPath.dev === viaFd.dev && viaPath.isDirectory()) return path;
    } catch {
      // fall through: the directory is no longer where it was
    }
    fail(Errno.NOENT);
  }
}

/**
 * Inline engine, around one synchronous run: gather writes on the writable hostDir mounts when
 * no host code (imports, trace, stdout/stderr callbacks) can run while the guest does and read
 * a file before its bytes are flushed. Returns the function that turns it off (and flushes).
 * A hostDir wrapped in quota()/overlay() is not unwrapped: it simply writes through.
 */
export function gatherHostWrites(mounts: readonly { fs: unknown }[], hostCodeRuns: boolean): () => void {
  if (hostCodeRuns) return () => {};
  const on: HostFileSystem[] = [];
  for (const m of mounts) {
    if (m.fs instanceof HostFileSystem && !m.fs.readOnly && !on.includes(m.fs)) {
      m.fs.startGathering();
      on.push(m.fs);
    }
  }
  return () => { for (const fs of on) fs.stopGathering(); };
}

/**
 * Mount the host directory at `path`. Throws an Error naming the path if it is missing or not a
 * directory, or if the platform cannot resolve paths race-free (see `allowUnsafePlatform`).
 */
export function hostDir(path: string, options: HostDirOptions = {}): HostFileSystem {
  return new HostFileSystem(path, options, hostPlatform());
}

/**
 * For tests: mount with an explicit platform (e.g. force the path fallback on Linux) and, on
 * Linux, an explicit syscall backend ('native' throws when the shim is not built).
 */
export function hostDirWithPlatform(
  path: string, options: HostDirOptions, platform: HostPlatform, backend?: 'native' | 'paths',
): HostFileSystem {
  return new HostFileSystem(path, options, platform, backend);
}

let defaultNative: HostSys | null | undefined;

/**
 * The native shim needs procfs too: it reopens an O_PATH pin through /proc/<pid>/fd, the only
 * way Linux offers to turn a pinned inode into a readable fd without a second lookup by name.
 */
function chooseSys(platform: HostPlatform, backend: 'native' | 'paths' | undefined): HostSys {
  if (!platform.procFd || backend === 'paths') return pathSys;
  const n = nativeFs();
  if (n === null) {
    if (backend === 'native') throw new Error('hostDir: the native shim (native/build/Release/warden_fs.node) is not built');
    return pathSys;
  }
  defaultNative ??= nativeSys(n);
  return defaultNative;
}
