// The core wasm signature of every preview1 function, lowered from the witx
// (WebAssembly/WASI legacy/preview1/witx/wasi_snapshot_preview1.witx) the way every toolchain
// and runtime does: 64-bit types (filesize, filedelta, timestamp, dircookie, rights) are i64,
// every other integer, enum, flag set, handle and pointer is i32; a string or array is two i32
// (pointer, length); each value an `expected` returns adds one out-pointer parameter (two for a
// tuple), and the function returns the errno as i32. proc_exit is noreturn: no result.
import type { PREVIEW1_FUNCTIONS } from './preview1.js';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

export interface Signature {
  params: readonly ValType[];
  results: readonly ValType[];
}

export type Preview1Name = (typeof PREVIEW1_FUNCTIONS)[number];

/** `sig('i32 i64', 'i32')`: a signature from space-separated parameter and result types. */
function sig(params: string, results = 'i32'): Signature {
  const list = (s: string): ValType[] => (s === '' ? [] : (s.split(' ') as ValType[]));
  return { params: list(params), results: list(results) };
}

export const PREVIEW1_SIGNATURES: Readonly<Record<Preview1Name, Signature>> = {
  args_get: sig('i32 i32'), // argv, argv_buf
  args_sizes_get: sig('i32 i32'), // -> (size, size)
  environ_get: sig('i32 i32'),
  environ_sizes_get: sig('i32 i32'),
  clock_res_get: sig('i32 i32'), // id -> timestamp
  clock_time_get: sig('i32 i64 i32'), // id, precision -> timestamp
  fd_advise: sig('i32 i64 i64 i32'), // fd, offset, len, advice
  fd_allocate: sig('i32 i64 i64'),
  fd_close: sig('i32'),
  fd_datasync: sig('i32'),
  fd_fdstat_get: sig('i32 i32'),
  fd_fdstat_set_flags: sig('i32 i32'),
  fd_fdstat_set_rights: sig('i32 i64 i64'),
  fd_filestat_get: sig('i32 i32'),
  fd_filestat_set_size: sig('i32 i64'),
  fd_filestat_set_times: sig('i32 i64 i64 i32'), // fd, atim, mtim, fst_flags
  fd_pread: sig('i32 i32 i32 i64 i32'), // fd, iovs (ptr, len), offset -> size
  fd_prestat_get: sig('i32 i32'),
  fd_prestat_dir_name: sig('i32 i32 i32'),
  fd_pwrite: sig('i32 i32 i32 i64 i32'),
  fd_read: sig('i32 i32 i32 i32'),
  fd_readdir: sig('i32 i32 i32 i64 i32'), // fd, buf, buf_len, cookie -> size
  fd_renumber: sig('i32 i32'),
  fd_seek: sig('i32 i64 i32 i32'), // fd, offset, whence -> filesize
  fd_sync: sig('i32'),
  fd_tell: sig('i32 i32'),
  fd_write: sig('i32 i32 i32 i32'),
  path_create_directory: sig('i32 i32 i32'),
  path_filestat_get: sig('i32 i32 i32 i32 i32'), // fd, flags, path (ptr, len) -> filestat
  path_filestat_set_times: sig('i32 i32 i32 i32 i64 i64 i32'),
  path_link: sig('i32 i32 i32 i32 i32 i32 i32'), // old_fd, old_flags, old_path, new_fd, new_path
  path_open: sig('i32 i32 i32 i32 i32 i64 i64 i32 i32'), // ..., oflags, rights x2, fdflags -> fd
  path_readlink: sig('i32 i32 i32 i32 i32 i32'), // fd, path, buf, buf_len -> size
  path_remove_directory: sig('i32 i32 i32'),
  path_rename: sig('i32 i32 i32 i32 i32 i32'),
  path_symlink: sig('i32 i32 i32 i32 i32'), // old_path, fd, new_path
  path_unlink_file: sig('i32 i32 i32'),
  poll_oneoff: sig('i32 i32 i32 i32'), // in, out, nsubscriptions -> size
  proc_exit: sig('i32', ''),
  proc_raise: sig('i32'),
  sched_yield: sig(''),
  random_get: sig('i32 i32'),
  sock_accept: sig('i32 i32 i32'), // fd, flags -> fd
  sock_recv: sig('i32 i32 i32 i32 i32 i32'), // fd, ri_data, ri_flags -> (size, roflags)
  sock_send: sig('i32 i32 i32 i32 i32'), // fd, si_data, si_flags -> size
  sock_shutdown: sig('i32 i32'),
};

/** WAT-style text: `(param i32 i64) (result i32)`, `(param i32)`, or `()` for neither. */
export function formatSignature(s: Signature): string {
  const parts: string[] = [];
  if (s.params.length > 0) parts.push(`(param ${s.params.join(' ')})`);
  if (s.results.length > 0) parts.push(`(result ${s.results.join(' ')})`);
  return parts.length > 0 ? parts.join(' ') : '()';
}

export function sameSignature(a: Signature, b: Signature): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length
    && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}
