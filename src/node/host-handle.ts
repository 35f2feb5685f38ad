// What host file and directory handles share: a real host fd, stat, times, sync, close.

import * as nfs from 'node:fs';
import { Errno } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { Stat } from '../fs/types.js';
import { fileTypeOfMode, nsToSeconds, rethrow } from './host-common.js';
import { exactAtim, exactMtim, lookupTimes, recordTimes } from './host-times.js';
import type { HostFileSystem } from './host-fs.js';

export abstract class HostHandle {
  /** The host fd; -1 once closed (every later call fails with EBADF). */
  protected hfd: number;

  constructor(readonly fs: HostFileSystem, fd: number) {
    this.hfd = fd;
    fs.track(this);
  }

  /** The host fd, or EBADF after close. */
  protected get fd(): number {
    if (this.hfd < 0) fail(Errno.BADF);
    return this.hfd;
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

  close(): void {
    const fd = this.hfd;
    if (fd < 0) fail(Errno.BADF);
    this.hfd = -1;
    this.fs.untrack(this);
    try {
      nfs.closeSync(fd);
    } catch (e) {
      rethrow(e);
    }
  }

  /** Close without reporting errors (detach). */
  forceClose(): void {
    if (this.hfd < 0) return;
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
export function hostStat(st: nfs.BigIntStats, dev: bigint): Stat {
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
