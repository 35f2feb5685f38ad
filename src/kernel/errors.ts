import { Errno, ERRNO_NAMES } from '../abi/constants.js';

/**
 * A WASI errno travelling up from a filesystem or the kernel to the ABI layer, which returns it
 * to the guest. Deliberately not an `Error`: no stack is captured, so throwing one is cheap, and
 * one shared instance exists per errno (see RATIONALE.md, "Why errno exceptions without stacks?").
 */
export class WasiErrno {
  constructor(readonly errno: number) {}
  get name(): string { return 'E' + (ERRNO_NAMES[this.errno] ?? String(this.errno)); }
  toString(): string { return `WasiErrno(${this.name})`; }
}

const SHARED: WasiErrno[] = ERRNO_NAMES.map((_, i) => new WasiErrno(i));

/** Throw the shared errno value. Filesystems and the kernel use this for every failure. */
export function fail(errno: Errno | number): never {
  throw SHARED[errno] ?? new WasiErrno(errno);
}

export function isWasiErrno(e: unknown): e is WasiErrno {
  return e instanceof WasiErrno;
}

/** Map a Node-style error code (`err.code`) to a WASI errno. Used by host-backed filesystems. */
export function errnoFromCode(code: string | undefined): number {
  switch (code) {
    case 'E2BIG': return Errno.TOOBIG;
    case 'EACCES': return Errno.ACCES;
    case 'EAGAIN': return Errno.AGAIN;
    case 'EBADF': return Errno.BADF;
    case 'EBUSY': return Errno.BUSY;
    case 'EDQUOT': return Errno.DQUOT;
    case 'EEXIST': return Errno.EXIST;
    case 'EFAULT': return Errno.FAULT;
    case 'EFBIG': return Errno.FBIG;
    case 'EINTR': return Errno.INTR;
    case 'EINVAL': return Errno.INVAL;
    case 'EIO': return Errno.IO;
    case 'EISDIR': return Errno.ISDIR;
    case 'ELOOP': return Errno.LOOP;
    case 'EMFILE': return Errno.MFILE;
    case 'EMLINK': return Errno.MLINK;
    case 'ENAMETOOLONG': return Errno.NAMETOOLONG;
    case 'ENFILE': return Errno.NFILE;
    case 'ENODEV': return Errno.NODEV;
    case 'ENOENT': return Errno.NOENT;
    case 'ENOMEM': return Errno.NOMEM;
    case 'ENOSPC': return Errno.NOSPC;
    case 'ENOSYS': return Errno.NOSYS;
    case 'ENOTDIR': return Errno.NOTDIR;
    case 'ENOTEMPTY': return Errno.NOTEMPTY;
    case 'ENOTSUP': case 'EOPNOTSUPP': return Errno.NOTSUP;
    case 'ENXIO': return Errno.NXIO;
    case 'EOVERFLOW': return Errno.OVERFLOW;
    case 'EPERM': return Errno.PERM;
    case 'EPIPE': return Errno.PIPE;
    case 'EROFS': return Errno.ROFS;
    case 'ESPIPE': return Errno.SPIPE;
    case 'ETXTBSY': return Errno.TXTBSY;
    case 'EXDEV': return Errno.XDEV;
    default: return Errno.IO;
  }
}
