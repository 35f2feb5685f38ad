// Loads the optional native openat shim (native/warden_fs.c, built by `npm install` through
// scripts/build-native.mjs). When it is missing, fails to load, or WARDEN_NATIVE=0 is set,
// hostDir uses the pure-TypeScript /proc/<pid>/fd paths instead: same guarantees, slower.
// See RATIONALE.md, "Why an optional native openat shim?".

import { constants } from 'node:os';
import { FD_DIR } from './host-common.js';
import { loadAddon } from './native-addon.js';

/** Every call returns >= 0 on success and -errno on failure (see the C file's contract). */
export interface NativeFs {
  statAt(dirfd: number, name: string, out: BigInt64Array): number;
  openAt(dirfd: number, name: string, flags: number, mode: number): number;
  reopenDir(dirfd: number): number;
  mkdirAt(dirfd: number, name: string, mode: number): number;
  unlinkAt(dirfd: number, name: string, dir: boolean): number;
  renameAt(fromFd: number, from: string, toFd: number, to: string): number;
  linkAt(fromFd: number, from: string, toFd: number, to: string): number;
  symlinkAt(target: string, dirfd: number, name: string): number;
  readlinkAt(dirfd: number, name: string): string | number;
  utimensAt(dirfd: number, name: string, times: BigUint64Array, omit: number): number;
  /** [names, each followed by NUL; d_type per entry; d_ino per entry]. */
  readdir(dirfd: number): [string, Uint8Array, BigUint64Array] | number;
  setFdDir(path: string): number;
  /**
   * Pin with O_PATH, fstat, and reopen a regular file (fileFlags >= 0) or directory
   * (dirFlags >= 0) through its magic link; NOT_OPENED (st_mode in mode[0]) for anything else.
   */
  openPinned(dirfd: number, name: string, fileFlags: number, dirFlags: number, mode: Int32Array): number;
}

/** openPinned's "the entry exists but is not a type the caller may open" (mode[0] says which). */
export const NOT_OPENED = -100000;

const FUNCTIONS: readonly (keyof NativeFs)[] = [
  'statAt', 'openAt', 'reopenDir', 'mkdirAt', 'unlinkAt', 'renameAt', 'linkAt', 'symlinkAt',
  'readlinkAt', 'utimensAt', 'readdir', 'setFdDir', 'openPinned',
];

let loaded: NativeFs | null | undefined;

/** The shim, or null when hostDir must use /proc paths (not built, not Linux, disabled). */
export function nativeFs(): NativeFs | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

function load(): NativeFs | null {
  const m = loadAddon<NativeFs>('build/Release/warden_fs.node', (x) => FUNCTIONS.every((f) => typeof x[f] === 'function'));
  return m !== null && m.setFdDir(FD_DIR) === 0 ? m : null;
}

/** errno number -> code; the first name wins where two share a number (EAGAIN, EWOULDBLOCK). */
const codes = new Map<number, string>();
for (const [k, v] of Object.entries(constants.errno)) if (!codes.has(v)) codes.set(v, k);

/**
 * What a failed native call throws: shaped like Node's fs errors (a `code` string), so the
 * same errno mapping applies, but without an Error's stack capture on this hot path.
 */
export class NativeFsError {
  constructor(readonly code: string) {}
}

/** `r` if it is a result, else throw the errno it carries. */
export function check(r: number): number {
  if (r < 0) throw new NativeFsError(codes.get(-r) ?? 'EIO');
  return r;
}
