// What host file and directory handles share: a real host fd, stat, times, sync, close.

import * as nfs from 'node:fs';
import { Errno } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { Stat } from '../fs/types.js';
import { fileTypeOfMode, nsToSeconds, rethrow } from './host-common.js';
import { exactAtim, exactMtim, lookupTimes, recordTimes, type HostStat } from './host-times.js';
import type { HostFileSystem } from './host-fs.js';

/** A handle holding gathered writes not yet on the host (see host-file.ts). */
export interface GatherTarget {
  flushPending(): void;
}

/**
 * The one handle, across every host filesystem, with gathered writes pending (null: none).
 * Module-wide rather than per filesystem so two mounts of the same host directory also see each
 * other's bytes; at most one exists because every other host operation flushes it first.
 */
export const gather: { dirty: GatherTarget | null } = { dirty: null };

export abstract class HostHandle {
  /** The host fd; -1 once closed (every later call fails with EBADF). */
  protected hfd: number;

  constructor(readonly fs: HostFileSystem, fd: number) {
    this.hfd = fd;
    fs.track(this);
  }

  /** A failed flush of gathered writes, thrown by the next operation on this handle. */
  protected flushError: unknown = null;

  /**
   * The host fd, or EBADF after close. Every host operation goes through here, so this is where
   * gathered writes (of any handle) reach the host first and a failed flush of this one surfaces.
   */
  protected get fd(): number {
    if (gather.dirty !== null) gather.dirty.flushPending();
    if (this.flushError !== null) this.throwFlushError();
    if (this.hfd < 0) fail(Errno.BADF);
    return this.hfd;
  }

  /** Report a remembered flush failure once (as the errno the host write failed with). */
  protected throwFlushError(): never {
    const e = this.flushError;
    this.flushError = null;
    throw e;
  }

  stat(): Stat {
    let st: nfs.BigIntStats;
    try {
      st = nfs.fstatSync(this.fd, { bigint: true });
    } catch (e) {
      rethrow(e);
    }
    return this.fs.toStat(st);
  }

  setTimes(atim: bigint | null, mtim: bigint | null): void {
    if (this.fs.readOnly) fail(Errno.ROFS);
    if (atim === null && mtim === null) return;
    const fd = this.fd;
    try {
      const before = nfs.fstatSync(fd, { bigint: true });
      const e = lookupTimes(before);
      const a = atim ?? exactAtim(before, e);
      const m = mtim ?? exactMtim(before, e);
      nfs.futimesSync(fd, nsToSeconds(a), nsToSeconds(m));
      recordTimes(nfs.fstatSync(fd, { bigint: true }), a, m);
    } catch (e) {
      rethrow(e);
    }
  }

  sync(dataOnly: boolean): void {
    try {
      if (dataOnly) nfs.fdatasyncSync(this.fd);
      else nfs.fsyncSync(this.fd);
    } catch (e) {
      rethrow(e);
    }
  }

  /** Like close(2), the fd is released even when a pending write fails; the error is reported. */
  close(): void {
    const fd = this.hfd;
    if (fd < 0) fail(Errno.BADF);
    if (gather.dirty !== null) gather.dirty.flushPending();
    const failed = this.flushError;
    this.flushError = null;
    this.hfd = -1;
    this.fs.untrack(this);
    try {
      nfs.closeSync(fd);
    } catch (e) {
      if (failed === null) rethrow(e);
    }
    if (failed !== null) throw failed;
  }

  /** Close without reporting errors (detach): the bytes are still written if the host allows. */
  forceClose(): void {
    if (this.hfd < 0) return;
    if (gather.dirty !== null) gather.dirty.flushPending();
    this.flushError = null;
    const fd = this.hfd;
    this.hfd = -1;
    try {
      nfs.closeSync(fd);
    } catch {
      // already gone; nothing to release
    }
  }
}

/** Stat conversion shared by handles and statAt; exact times come from the side table. */
export function hostStat(st: HostStat, dev: bigint): Stat {
  const e = lookupTimes(st);
  return {
    dev,
    ino: st.ino,
    filetype: fileTypeOfMode(Number(st.mode)),
    nlink: Number(st.nlink),
    size: Number(st.size),
    atim: exactAtim(st, e),
    mtim: exactMtim(st, e),
    ctim: st.ctimeNs,
  };
}
