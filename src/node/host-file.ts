// A regular host file opened by the guest: a real fd without O_APPEND (the kernel passes
// positions), read and written with one preadv/pwritev per iovec list.
//
// Gathering (only while the filesystem's `gatherWrites` is on, i.e. inside an inline run): a
// write smaller than GATHER_MAX that starts exactly where this handle's previous write ended is
// copied into a per-handle buffer instead of reaching the host, and reports its full length (the
// first write of a run always reaches the host, so bad positions fail on the spot). The buffer
// goes out before any other host operation on any handle (HostHandle.fd), before a write that
// does not fit or is not contiguous, on close and on detach. A failed flush is remembered on this handle and
// thrown by its next operation (close included), so ENOSPC/EDQUOT/EIO are reported late, never
// lost while the guest still runs.

import * as nfs from 'node:fs';
import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { FileHandle } from '../fs/types.js';
import { rethrow } from './host-common.js';
import { gather, HostHandle, type GatherTarget } from './host-handle.js';

/** Writes at least this large go straight to the host. */
const GATHER_MAX = 4096;
const GATHER_BUF = 64 * 1024;
/** Most bytes Linux moves in one read(2) (MAX_RW_COUNT: INT_MAX rounded down to a page). */
const MAX_RW = 0x7ffff000;

/** @internal The write a flush uses; tests swap it to make a flush fail without a full disk. */
export const flushWrite = { fn: nfs.writeSync };

export class HostFileHandle extends HostHandle implements FileHandle, GatherTarget {
  readonly kind = 'file' as const;
  readonly filetype = FileType.REGULAR_FILE;

  /** Gathered bytes [0, pendLen) belong at file offset pendStart. Allocated on first use. */
  private gbuf: Uint8Array | null = null;
  private pendStart = 0;
  private pendLen = 0;
  /**
   * Where the last write that reached the host (or was gathered after one) ended; -1: none.
   * Only a write starting here is gathered, so a run always starts with a real write: a
   * position the host refuses (EFBIG, EINVAL) is reported by that write, not by a late flush.
   */
  private runEnd = -1;

  /** Write the gathered bytes out; a failure is kept for this handle's next operation. */
  flushPending(): void {
    if (gather.dirty === this) gather.dirty = null;
    const len = this.pendLen;
    if (len === 0) return;
    this.pendLen = 0;
    const buf = this.gbuf!;
    let done = 0;
    try {
      while (done < len) {
        const n = flushWrite.fn(this.hfd, buf, done, len - done, this.pendStart + done);
        if (n <= 0) fail(Errno.IO); // a regular file never accepts nothing without an error
        done += n;
      }
    } catch (e) {
      this.runEnd = -1; // the next write goes to the host itself
      try {
        rethrow(e);
      } catch (mapped) {
        if (this.flushError === null) this.flushError = mapped;
      }
    }
  }

  pread(bufs: Uint8Array[], position: number): number {
    const fd = this.fd;
    if (bufs.length === 0) return 0; // readv with no iovecs is EINVAL on Linux
    try {
      return nfs.readvSync(fd, bufs, position);
    } catch (e) {
      rethrow(e);
    }
  }

  /** One buffer: readSync on the whole guest memory view (no list, no subarray). */
  pread1(into: Uint8Array, offset: number, length: number, position: number): number {
    const fd = this.fd;
    if (length === 0) return 0;
    try {
      // Linux's own cap on one read (MAX_RW_COUNT): a legal short read, and readSync takes an
      // int32 length (it would turn 2 GiB or more negative and throw).
      return nfs.readSync(fd, into, offset, length > MAX_RW ? MAX_RW : length, position);
    } catch (e) {
      rethrow(e);
    }
  }

  pwrite(bufs: Uint8Array[], position: number): number {
    // Not `this.fd`: that would flush this handle's own pending run.
    const other = gather.dirty;
    if (other !== null && other !== this) other.flushPending();
    if (this.flushError !== null) this.throwFlushError();
    const fd = this.hfd;
    if (fd < 0) fail(Errno.BADF);
    if (this.fs.readOnly) fail(Errno.ROFS);
    if (bufs.length === 0) return 0;
    if (this.fs.gatherWrites) {
      let total = 0;
      for (const b of bufs) total += b.byteLength;
      if (total > 0 && total < GATHER_MAX && position === this.runEnd) return this.gathered(bufs, total, position);
    }
    if (this.pendLen > 0) {
      this.flushPending();
      if (this.flushError !== null) this.throwFlushError();
    }
    this.runEnd = -1;
    let n: number;
    try {
      n = nfs.writevSync(fd, bufs, position);
    } catch (e) {
      rethrow(e);
    }
    if (n > 0) this.runEnd = position + n;
    return n;
  }

  /** Append to the pending run (`position` continues it: it is runEnd), flushing it if full. */
  private gathered(bufs: Uint8Array[], total: number, position: number): number {
    if (this.pendLen + total > GATHER_BUF) {
      this.flushPending();
      if (this.flushError !== null) this.throwFlushError();
    }
    const buf = (this.gbuf ??= new Uint8Array(GATHER_BUF));
    if (this.pendLen === 0) this.pendStart = position;
    let at = this.pendLen;
    for (const b of bufs) {
      buf.set(b, at);
      at += b.byteLength;
    }
    this.pendLen = at;
    this.runEnd = position + total;
    gather.dirty = this;
    return total;
  }

  size(): number {
    try {
      return nfs.fstatSync(this.fd).size;
    } catch (e) {
      rethrow(e);
    }
  }

  setSize(size: number): void {
    const fd = this.fd;
    if (this.fs.readOnly) fail(Errno.ROFS);
    try {
      nfs.ftruncateSync(fd, size);
    } catch (e) {
      rethrow(e);
    }
  }

  /** Node has no fallocate: growing the file to the end of the range gives the same size. */
  allocate(offset: number, len: number): void {
    const fd = this.fd;
    if (this.fs.readOnly) fail(Errno.ROFS);
    const end = offset + len;
    if (!Number.isSafeInteger(end)) fail(Errno.FBIG);
    try {
      if (nfs.fstatSync(fd).size < end) nfs.ftruncateSync(fd, end);
    } catch (e) {
      rethrow(e);
    }
  }
}
