// A regular host file opened by the guest: a real fd without O_APPEND (the kernel passes
// positions), read and written with one preadv/pwritev per iovec list.

import * as nfs from 'node:fs';
import { Errno, FileType } from '../abi/constants.js';
import { fail } from '../kernel/errors.js';
import type { FileHandle } from '../fs/types.js';
import { rethrow } from './host-common.js';
import { HostHandle } from './host-handle.js';

export class HostFileHandle extends HostHandle implements FileHandle {
  readonly kind = 'file' as const;
  readonly filetype = FileType.REGULAR_FILE;

  pread(bufs: Uint8Array[], position: number): number {
    const fd = this.fd;
    if (bufs.length === 0) return 0; // readv with no iovecs is EINVAL on Linux
    try {
      return nfs.readvSync(fd, bufs, position);
    } catch (e) {
      rethrow(e);
    }
  }

  pwrite(bufs: Uint8Array[], position: number): number {
    const fd = this.fd;
    if (this.fs.readOnly) fail(Errno.ROFS);
    if (bufs.length === 0) return 0;
    try {
      return nfs.writevSync(fd, bufs, position);
    } catch (e) {
      rethrow(e);
    }
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
