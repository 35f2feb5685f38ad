import { Errno } from '../abi/constants.js';
import { fail } from './errors.js';
import type { Descriptor } from './descriptor.js';

/**
 * The guest's file descriptor table: a dense array indexed by fd. New fds take the lowest free
 * number (POSIX), so a guest cannot grow the table without bound by closing and reopening.
 */
export class FdTable {
  private slots: (Descriptor | undefined)[] = [];
  private count = 0;

  /** Set once a guest has been refused an fd at the open-files limit. */
  limitHit = false;

  constructor(private readonly maxOpen: number, private readonly onLimit?: () => void) {}

  get open(): number { return this.count; }

  get(fd: number): Descriptor {
    const d = this.slots[fd >>> 0];
    if (d === undefined) fail(Errno.BADF);
    return d;
  }

  /** Like get, but also requires every right in `rights`. */
  require(fd: number, rights: number): Descriptor {
    const d = this.slots[fd >>> 0];
    if (d === undefined) fail(Errno.BADF);
    if ((d.rightsBase & rights) !== rights) fail(Errno.NOTCAPABLE);
    return d;
  }

  has(fd: number): boolean { return this.slots[fd >>> 0] !== undefined; }

  /** Place a descriptor at the lowest free fd. Throws EMFILE past the open-files limit. */
  add(d: Descriptor): number {
    if (this.count >= this.maxOpen) {
      d.close();
      if (!this.limitHit) { this.limitHit = true; this.onLimit?.(); }
      fail(Errno.MFILE);
    }
    let fd = 0;
    while (this.slots[fd] !== undefined) fd++;
    this.slots[fd] = d;
    this.count++;
    return fd;
  }

  /** Place a descriptor at a given fd (setup only). */
  set(fd: number, d: Descriptor): void {
    if (this.slots[fd] === undefined) this.count++;
    this.slots[fd] = d;
  }

  remove(fd: number): Descriptor {
    const d = this.get(fd);
    this.slots[fd >>> 0] = undefined;
    this.count--;
    // Trim trailing holes so the dense array does not keep growing.
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
    return d;
  }

  /**
   * fd_renumber: move `from` onto `to`, closing what `to` held. As in wasmtime, `to` must be an
   * open fd (EBADF otherwise; wasi-testsuite `renumber`), so a guest cannot create arbitrary fd
   * numbers. One exception: a free stdio number (0-2) may be refilled, because programs emulate
   * dup2 onto stdio that way (Yosys moves fds 1 and 2 away around ABC, renumbers a log file onto
   * the freed 1 and later renumbers the saved fds back onto the free numbers).
   */
  renumber(from: number, to: number): void {
    const src = this.get(from);
    const t = to >>> 0;
    if (this.slots[t] === undefined && t > 2) fail(Errno.BADF);
    if (from >>> 0 === t) return;
    const dst = this.slots[t];
    if (dst !== undefined) {
      dst.close();
      this.count--;
    }
    this.slots[t] = src;
    this.slots[from >>> 0] = undefined;
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
  }

  closeAll(): void {
    for (const d of this.slots) {
      if (d !== undefined) {
        try { d.close(); } catch { /* already gone */ }
      }
    }
    this.slots = [];
    this.count = 0;
  }
}
