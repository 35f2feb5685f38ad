// fd_* calls: reading, writing, seeking, metadata and the fd table itself.
import {
  Advice, Errno, FdFlags, FileType, FstFlags, PreopenType, Rights, SIZEOF_DIRENT,
  SIZEOF_FDSTAT, Whence,
} from './constants.js';
import { encodeUtf8 } from './memory.js';
import { writeFilestat } from './structs.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Descriptor } from '../kernel/descriptor.js';
import { fail } from '../kernel/errors.js';
import type { Stat } from '../fs/types.js';

const MAX_OFFSET = 2n ** 53n - 1n;

/** Resolve the atim/mtim pair of a set_times call (EINVAL for contradictory flags). */
export function timesFromFlags(k: Kernel, atim: bigint, mtim: bigint, flags: number): [bigint | null, bigint | null] {
  if ((flags & ~0xf) !== 0) fail(Errno.INVAL);
  if ((flags & FstFlags.ATIM) && (flags & FstFlags.ATIM_NOW)) fail(Errno.INVAL);
  if ((flags & FstFlags.MTIM) && (flags & FstFlags.MTIM_NOW)) fail(Errno.INVAL);
  let now = -1n;
  const clockNow = () => (now >= 0n ? now : (now = k.fileNow()));
  const a = flags & FstFlags.ATIM ? BigInt.asUintN(64, atim) : flags & FstFlags.ATIM_NOW ? clockNow() : null;
  const m = flags & FstFlags.MTIM ? BigInt.asUintN(64, mtim) : flags & FstFlags.MTIM_NOW ? clockNow() : null;
  return [a, m];
}

/** Stat for a descriptor that is not backed by a filesystem (stdio). */
function streamStat(d: Descriptor): Stat {
  return { dev: 0n, ino: 0n, filetype: d.filetype, nlink: 1, size: 0, atim: 0n, mtim: 0n, ctim: 0n };
}

export function fdImports(k: Kernel) {
  const m = k.mem;
  const fds = k.fds;

  /**
 * A regular-file descriptor with `rights`; ESPIPE for streams, EBADF for directories (as in
 * wasmtime; the WASI test suite's directory_seek accepts only EBADF).
 */
  function seekable(fd: number, rights: number): Descriptor {
    const d = fds.get(fd);
    if (d.file === null) fail(d.dir !== null ? Errno.BADF : Errno.SPIPE);
    if ((d.rightsBase & rights) !== rights) fail(Errno.BADF);
    return d;
  }

  function withRights(fd: number, rights: number): Descriptor {
    const d = fds.get(fd);
    if ((d.rightsBase & rights) !== rights) fail(Errno.BADF);
    return d;
  }

  function toOffset(v: bigint): number {
    if (v < 0n || v > MAX_OFFSET) fail(Errno.INVAL);
    return Number(v);
  }

  function write(d: Descriptor, bufs: Uint8Array[]): number {
    const out = d.output;
    if (out !== null) {
      if (out !== k.config.stdout) k.flushStdout();
      let total = 0;
      for (let i = 0; i < bufs.length; i++) total += bufs[i]!.length;
      const allowed = k.chargeOutput(total);
      let left = allowed;
      for (let i = 0; i < bufs.length && left > 0; i++) {
        const b = bufs[i]!;
        if (b.length <= left) { out.write(b); left -= b.length; }
        else { out.write(b.subarray(0, left)); left = 0; }
      }
      if (allowed < total) k.outputLimitHit();
      return total;
    }
    const f = d.file;
    if (f === null) fail(Errno.BADF);
    if (d.fdflags & FdFlags.APPEND) d.pos = f.size();
    const n = f.pwrite(bufs, d.pos);
    d.pos += n;
    return n;
  }

  function read(d: Descriptor, bufs: Uint8Array[]): number {
    const f = d.file;
    if (f !== null) {
      const n = f.pread(bufs, d.pos);
      d.pos += n;
      return n;
    }
    const input = d.input;
    if (input === null) fail(Errno.BADF);
    k.flushStdout();
    let total = 0;
    for (let i = 0; i < bufs.length; i++) {
      const b = bufs[i]!;
      if (b.length === 0) continue;
      const n = input.read(b);
      total += n;
      // Only the first read may wait: a short read is fine once something arrived.
      if (n < b.length || input.available() === 0) break;
    }
    return total;
  }

  const imports = {
    fd_advise(fd: number, offset: bigint, len: bigint, advice: number): number {
      k.alive();
      try {
        const d = fds.get(fd);
        if (d.file === null) fail(d.dir !== null ? Errno.BADF : Errno.SPIPE);
        if ((d.rightsBase & Rights.FD_ADVISE) === 0) fail(Errno.BADF);
        if (advice >>> 0 > Advice.NOREUSE) fail(Errno.INVAL);
        if (offset < 0n || len < 0n) fail(Errno.INVAL);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      k.alive();
      try {
        const d = seekable(fd, Rights.FD_ALLOCATE);
        if (d.mount?.readOnly) fail(Errno.ROFS);
        const off = toOffset(offset);
        const n = toOffset(len);
        if (off + n > Number(MAX_OFFSET)) fail(Errno.FBIG);
        d.file!.allocate(off, n);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_close(fd: number): number {
      k.alive();
      try {
        fds.remove(fd).close();
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_datasync(fd: number): number {
      k.alive();
      try {
        const d = withRights(fd, Rights.FD_DATASYNC);
        if (d.file !== null) d.file.sync(true);
        else if (d.dir !== null) d.dir.sync(true);
        else fail(Errno.INVAL);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_sync(fd: number): number {
      k.alive();
      try {
        const d = withRights(fd, Rights.FD_SYNC);
        if (d.file !== null) d.file.sync(false);
        else if (d.dir !== null) d.dir.sync(false);
        else fail(Errno.INVAL);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_fdstat_get(fd: number, ptr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        const p = m.checkAligned(ptr, SIZEOF_FDSTAT, 8);
        const dv = m.dv;
        dv.setUint8(p, d.filetype);
        dv.setUint8(p + 1, 0);
        dv.setUint16(p + 2, d.fdflags, true);
        dv.setUint32(p + 4, 0, true);
        dv.setBigUint64(p + 8, BigInt(d.rightsBase), true);
        dv.setBigUint64(p + 16, BigInt(d.rightsInheriting), true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_fdstat_set_flags(fd: number, flags: number): number {
      k.alive();
      try {
        const d = withRights(fd, Rights.FD_FDSTAT_SET_FLAGS);
        const f = flags & 0xffff;
        if ((f & ~(FdFlags.APPEND | FdFlags.NONBLOCK | FdFlags.DSYNC | FdFlags.RSYNC | FdFlags.SYNC)) !== 0) fail(Errno.INVAL);
        // Only APPEND and NONBLOCK may change after open (as in wasmtime); sync flags are fixed.
        if ((f ^ d.fdflags) & (FdFlags.DSYNC | FdFlags.RSYNC | FdFlags.SYNC)) fail(Errno.NOTSUP);
        if ((f & FdFlags.APPEND) && d.mount?.readOnly) fail(Errno.ROFS);
        d.fdflags = f;
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      k.alive();
      try {
        const d = fds.get(fd);
        const b = BigInt.asUintN(64, base);
        const i = BigInt.asUintN(64, inheriting);
        // Rights can only be dropped, never gained.
        if ((b & ~BigInt(d.rightsBase)) !== 0n || (i & ~BigInt(d.rightsInheriting)) !== 0n) fail(Errno.NOTCAPABLE);
        d.rightsBase = Number(b);
        d.rightsInheriting = Number(i);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_filestat_get(fd: number, ptr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = withRights(fd, Rights.FD_FILESTAT_GET);
        const st = d.file !== null ? d.file.stat() : d.dir !== null ? d.dir.stat() : streamStat(d);
        writeFilestat(m, ptr, k.guestStat(d.mount, st));
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_filestat_set_size(fd: number, size: bigint): number {
      k.alive();
      try {
        const d = fds.get(fd);
        if (d.file === null) fail(d.dir !== null ? Errno.BADF : Errno.INVAL);
        if ((d.rightsBase & Rights.FD_FILESTAT_SET_SIZE) === 0) fail(Errno.BADF);
        if (d.mount?.readOnly) fail(Errno.ROFS);
        if (size < 0n) fail(Errno.INVAL);
        if (size > MAX_OFFSET) fail(Errno.FBIG);
        d.file.setSize(Number(size));
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      k.alive();
      try {
        const d = withRights(fd, Rights.FD_FILESTAT_SET_TIMES);
        const [a, mt] = timesFromFlags(k, atim, mtim, flags);
        if (d.mount?.readOnly) fail(Errno.ROFS);
        if (d.file !== null) d.file.setTimes(a, mt);
        else if (d.dir !== null) d.dir.setTimes(a, mt);
        else fail(Errno.BADF);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_pread(fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = seekable(fd, Rights.FD_READ);
        const f = d.file!;
        let n: number;
        // One iovec (wasi-libc's read): no list, no view (RATIONALE.md, "Why a one-iovec fast path").
        if (iovsLen === 1 && f.pread1 !== undefined) {
          const p = m.iovec1(iovs);
          const len = m.iovLen;
          const resPtr = m.check(nreadPtr, 4);
          n = f.pread1(m.u8, p, len, toOffset(offset));
          m.dv.setUint32(resPtr, n, true);
        } else {
          const bufs = m.iovecs(iovs, iovsLen);
          const resPtr = m.check(nreadPtr, 4);
          n = f.pread(bufs, toOffset(offset));
          m.dv.setUint32(resPtr, n, true);
        }
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_pwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = seekable(fd, Rights.FD_WRITE);
        const bufs = m.iovecs(iovs, iovsLen);
        const resPtr = m.check(nwrittenPtr, 4);
        const n = d.file!.pwrite(bufs, toOffset(offset));
        m.dv.setUint32(resPtr, n, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_read(fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.dir !== null) fail(Errno.BADF);
        if ((d.rightsBase & Rights.FD_READ) === 0) fail(Errno.BADF);
        const f = d.file;
        let resPtr: number;
        let n: number;
        if (iovsLen === 1 && f !== null && f.pread1 !== undefined) {
          // The common one-buffer read, straight into the memory view (no list, no subarray).
          const p = m.iovec1(iovs);
          const len = m.iovLen;
          resPtr = m.check(nreadPtr, 4);
          n = f.pread1(m.u8, p, len, d.pos);
          d.pos += n;
        } else {
          const bufs = m.iovecs(iovs, iovsLen);
          resPtr = m.check(nreadPtr, 4);
          n = read(d, bufs);
        }
        m.refresh();
        m.dv.setUint32(resPtr, n, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.dir !== null) fail(Errno.BADF);
        if ((d.rightsBase & Rights.FD_WRITE) === 0) fail(Errno.BADF);
        const bufs = m.iovecs(iovs, iovsLen);
        const resPtr = m.check(nwrittenPtr, 4);
        const n = write(d, bufs);
        m.dv.setUint32(resPtr, n, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_prestat_get(fd: number, ptr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.preopen === null) fail(Errno.BADF);
        const p = m.checkAligned(ptr, 8, 4);
        m.dv.setUint32(p, PreopenType.DIR, true);
        m.dv.setUint32(p + 4, encodeUtf8(d.preopen).length, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.preopen === null) fail(Errno.BADF);
        const name = encodeUtf8(d.preopen);
        if (len >>> 0 < name.length) fail(Errno.NAMETOOLONG);
        m.u8.set(name, m.check(ptr, name.length));
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.dir === null) fail(d.file !== null ? Errno.NOTDIR : Errno.BADF);
        if ((d.rightsBase & Rights.FD_READDIR) === 0) fail(Errno.BADF);
        const start = m.check(buf, bufLen);
        const usedPtr = m.check(bufusedPtr, 4);
        const c = BigInt.asUintN(64, cookie);
        // A listing is snapshotted when the guest starts at cookie 0, so cookies stay stable
        // while the guest (or anyone) modifies the directory mid-listing.
        if (c === 0n || d.listing === null) {
          const self = d.dir.stat().ino;
          d.listing = [
            { name: '.', filetype: FileType.DIRECTORY, ino: self },
            { name: '..', filetype: FileType.DIRECTORY, ino: self },
            ...d.dir.readdir(),
          ];
        }
        const list = d.listing;
        const cap = bufLen >>> 0;
        const u8 = m.u8;
        const dv = m.dv;
        const scratch = new Uint8Array(SIZEOF_DIRENT);
        const sdv = new DataView(scratch.buffer);
        let used = 0;
        for (let i = c > BigInt(list.length) ? list.length : Number(c); i < list.length && used < cap; i++) {
          const e = list[i]!;
          const name = encodeUtf8(e.name);
          sdv.setBigUint64(0, BigInt(i + 1), true);
          sdv.setBigUint64(8, e.ino, true);
          sdv.setUint32(16, name.length, true);
          sdv.setUint32(20, e.filetype, true);
          // Entries that do not fit are truncated; the guest sees bufused == buf_len and retries.
          const h = Math.min(SIZEOF_DIRENT, cap - used);
          u8.set(h === SIZEOF_DIRENT ? scratch : scratch.subarray(0, h), start + used);
          used += h;
          const nlen = Math.min(name.length, cap - used);
          if (nlen > 0) u8.set(nlen === name.length ? name : name.subarray(0, nlen), start + used);
          used += nlen;
        }
        dv.setUint32(usedPtr, used, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_renumber(from: number, to: number): number {
      k.alive();
      try {
        fds.renumber(from, to);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.file === null) fail(d.dir !== null ? Errno.BADF : Errno.SPIPE);
        const tellOnly = offset === 0n && whence === Whence.CUR;
        const need = tellOnly ? Rights.FD_TELL : Rights.FD_SEEK;
        if ((d.rightsBase & need) === 0 && (d.rightsBase & Rights.FD_SEEK) === 0) fail(Errno.BADF);
        const resPtr = m.check(newOffsetPtr, 8);
        let base: bigint;
        switch (whence) {
          case Whence.SET: base = 0n; break;
          case Whence.CUR: base = BigInt(d.pos); break;
          case Whence.END: base = BigInt(d.file.size()); break;
          default: fail(Errno.INVAL);
        }
        const next = base + offset;
        if (next < 0n) fail(Errno.INVAL);
        if (next > MAX_OFFSET) fail(Errno.OVERFLOW);
        d.pos = Number(next);
        m.dv.setBigUint64(resPtr, next, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },

    fd_tell(fd: number, ptr: number): number {
      k.alive();
      try {
        m.refresh();
        const d = fds.get(fd);
        if (d.file === null) fail(d.dir !== null ? Errno.BADF : Errno.SPIPE);
        if ((d.rightsBase & (Rights.FD_TELL | Rights.FD_SEEK)) === 0) fail(Errno.BADF);
        m.setU64(ptr, BigInt(d.pos));
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },
  };
  return imports;
}

