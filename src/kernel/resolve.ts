import { Errno, FileType } from '../abi/constants.js';
import type { DirHandle, Stat } from '../fs/types.js';
import { fail, isWasiErrno } from './errors.js';

/** Symlinks followed in one resolution before ELOOP, as on Linux. */
const MAX_SYMLINKS = 40;
const MAX_PATH_BYTES = 4096;
const MAX_NAME_BYTES = 255;
/**
 * Most directories one walk may hold open at once. Each is a host fd on a host mount, and
 * symlinks that keep descending let one path hold tens of thousands (this exhausted the host
 * process's fd table). A path of PATH_MAX bytes without links nests at most 2,048 deep.
 */
const MAX_DEPTH = 2048;

/**
 * A path walked up to its final component, inside the capability of one directory fd.
 *
 * The walk keeps a stack of directory handles: `..` pops the stack and can never pop the base
 * (that is an escape: EPERM, as wasmtime/cap-std give), symlinks are read and spliced into the
 * remaining components here rather than by the OS, and absolute symlink targets are refused.
 * Filesystems only ever see one validated name at a time. See RATIONALE.md, "Why does the
 * kernel resolve paths, not the filesystem?".
 */
export class Walk {
  /** Directory handles from the base (index 0, not owned) to the current directory. */
  private readonly stack: DirHandle[];
  /** Remaining components, last one first (so pop() takes the next). */
  private pending: string[];
  private links = 0;
  /** Final component, or null when the path names the current directory itself. */
  name: string | null = null;
  /** The path ended with a slash: the final entry must be a directory (symlinks followed). */
  trailingSlash = false;

  constructor(base: DirHandle, path: string) {
    if (path.length === 0) fail(Errno.NOENT);
    if (path.length > MAX_PATH_BYTES) fail(Errno.NAMETOOLONG);
    if (path.indexOf('\0') !== -1) fail(Errno.INVAL);
    if (path.charCodeAt(0) === 47 /* '/' */) fail(Errno.PERM);
    this.stack = [base];
    this.trailingSlash = path.charCodeAt(path.length - 1) === 47;
    this.pending = splitReversed(path);
    this.advance();
  }

  /** The directory that holds `name` (or is the target, when name is null). */
  get dir(): DirHandle { return this.stack[this.stack.length - 1]!; }

  /**
   * Walk every component except the last, following symlinks on the way. Afterwards `name`
   * holds the final component (null if the path ends in the directory itself).
   */
  private advance(): void {
    const pending = this.pending;
    this.name = null;
    while (pending.length > 0) {
      const c = pending.pop()!;
      if (c === '.') continue;
      if (c === '..') { this.up(); continue; }
      if (c.length > MAX_NAME_BYTES / 3 && utf8Bytes(c) > MAX_NAME_BYTES) fail(Errno.NAMETOOLONG);
      if (pending.length === 0) { this.name = c; return; }
      // "x/." and "x/.." name directories: x is entered like any inner component.
      this.enter(c);
    }
  }

  private up(): void {
    if (this.stack.length === 1) fail(Errno.PERM);
    const top = this.stack.pop()!;
    top.close();
  }

  private enter(c: string): void {
    let next: DirHandle;
    try {
      next = this.dir.openDir(c);
    } catch (e) {
      if (isWasiErrno(e) && e.errno === Errno.LOOP) { this.splice(c); return; }
      throw e;
    }
    if (this.stack.length > MAX_DEPTH) {
      next.close();
      fail(Errno.NAMETOOLONG);
    }
    this.stack.push(next);
  }

  /** Replace the symlink `c` in the current directory by its target's components. */
  private splice(c: string): void {
    if (++this.links > MAX_SYMLINKS) fail(Errno.LOOP);
    const target = this.dir.readlink(c);
    if (target.length === 0) fail(Errno.NOENT);
    if (target.charCodeAt(0) === 47) fail(Errno.PERM);
    const parts = splitReversed(target);
    for (let i = 0; i < parts.length; i++) this.pending.push(parts[i]!);
    if (target.charCodeAt(target.length - 1) === 47 && this.pending.length === parts.length) this.trailingSlash = true;
  }

  /**
   * The final entry is a symlink and the caller follows it: continue the walk through its
   * target. ELOOP after too many links; EPERM if the target leaves the capability.
   */
  followFinal(): void {
    const name = this.name;
    if (name === null) fail(Errno.INVAL);
    this.pending = [];
    this.splice(name);
    this.advance();
  }

  /**
   * If the final entry is a symlink, follow it (repeatedly) so `name` names a non-symlink
   * or a missing entry. Used by calls that follow symlinks and by trailing slashes.
   * Returns the final entry's stat (null if it does not exist or the path names `dir`).
   */
  followAll(): Stat | null {
    for (;;) {
      const name = this.name;
      if (name === null) return null;
      let st: Stat;
      try {
        st = this.dir.statAt(name);
      } catch (e) {
        if (isWasiErrno(e) && e.errno === Errno.NOENT) return null;
        throw e;
      }
      if (st.filetype !== FileType.SYMBOLIC_LINK) return st;
      this.followFinal();
    }
  }

  /** Close the handles the walk opened (never the base). */
  release(): void {
    const s = this.stack;
    for (let i = s.length - 1; i > 0; i--) s[i]!.close();
    s.length = 1;
  }

  /** Hand the current directory handle to the caller (it will not be closed by release). */
  takeDir(): DirHandle | null {
    if (this.stack.length === 1) return null;
    return this.stack.pop()!;
  }
}

function splitReversed(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (p.length !== 0) out.push(p);
  }
  return out;
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c <= 0xdbff) ? (i++, 4) : 3;
  }
  return n;
}
