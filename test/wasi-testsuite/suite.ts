// The 72 tests of the public WebAssembly/wasi-testsuite (preview 1: tests/rust, tests/c,
// tests/assemblyscript) and their .json configs, plus the one Rust test only its older layout
// has (path_open_read_without_rights), each ported to a C guest in fixtures/wt/ (built into
// fixtures/wasm/wt/). A test passes when its guest exits with `exitCode` (default
// 0) and, where the suite checks it, prints exactly `stdout`.

/** Where a test's directory comes from (the suite's `dirs: ["fs-tests.dir"]`). */
export type Scratch =
  | 'none'   // no directory granted
  | 'rust'   // an empty scratch directory; the Rust tests also take its name as argv[1]
  | 'c';     // the C tests' fs-tests.dir, seeded with C_FILES

export interface SuiteTest {
  readonly suite: 'rust' | 'c' | 'assemblyscript';
  /** The test's name in the suite. */
  readonly name: string;
  readonly scratch: Scratch;
  /** Program arguments after the module (besides the scratch directory's name). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly exitCode?: number;
  readonly stdout?: string;
}

/** The guest built from fixtures/wt/<guest>.c for a suite test. */
export function guestName(t: SuiteTest): string {
  const prefix = t.suite === 'rust' ? '' : t.suite === 'c' ? 'c_' : 'as_';
  return `wt/${prefix}${t.name}`;
}

/** The files the C tests expect in fs-tests.dir. */
export const C_FILES = {
  'file': 'a file\n',
  'lseek.txt': '01234567',
  'pread.txt': 'pread-test',
  'fopendir.dir': { 'file-0': '', 'file-1': '' },
  'writeable': {},
} as const;

const RUST_SCRATCH = [
  'close_preopen', 'dangling_fd', 'dangling_symlink', 'dir_fd_op_failures', 'directory_seek',
  'fd_advise', 'fd_fdstat_set_rights', 'fd_filestat_set', 'fd_flags_set', 'fd_readdir',
  'file_allocate', 'file_pread_pwrite', 'file_seek_tell', 'file_truncation', 'file_unbuffered_write',
  'fstflags_validate', 'interesting_paths', 'isatty', 'nofollow_errors', 'overwrite_preopen',
  'path_exists', 'path_filestat', 'path_link', 'path_open_create_existing', 'path_open_dirfd_not_dir',
  'path_open_missing', 'path_open_nonblock', 'path_open_preopen', 'path_open_read_write', 'path_rename',
  'path_rename_dir_trailing_slashes', 'path_symlink_trailing_slashes', 'readlink',
  'remove_directory_trailing_slashes', 'remove_nonempty_directory', 'renumber', 'stdio',
  'symlink_create', 'symlink_filestat', 'symlink_loop', 'truncation_rights',
  'unlink_file_trailing_slashes',
  'path_open_read_without_rights',  // older layout only (tests/rust/src/bin)
] as const;
const RUST_PLAIN = ['big_random_buf', 'clock_time_get', 'poll_oneoff_stdio', 'sched_yield'] as const;

const C_SCRATCH = [
  'fdopendir-with-access', 'fopen-with-access', 'lseek', 'pread-with-access', 'pwrite-with-access',
  'pwrite-with-append', 'stat-dev-ino',
] as const;
const C_PLAIN = [
  'clock_getres-monotonic', 'clock_getres-realtime', 'clock_gettime-monotonic', 'clock_gettime-realtime',
  'fopen-with-no-access', 'sock_shutdown-invalid_fd', 'sock_shutdown-not_sock',
] as const;

const THREE_ARGS = ['first', 'the "second" arg', '3'];

export const SUITE: readonly SuiteTest[] = [
  ...RUST_SCRATCH.map((name): SuiteTest => ({ suite: 'rust', name, scratch: 'rust' })),
  ...RUST_PLAIN.map((name): SuiteTest => ({ suite: 'rust', name, scratch: 'none' })),
  ...C_SCRATCH.map((name): SuiteTest => ({ suite: 'c', name, scratch: 'c' })),
  ...C_PLAIN.map((name): SuiteTest => ({ suite: 'c', name, scratch: 'none' })),
  { suite: 'assemblyscript', name: 'args_get-multiple-arguments', scratch: 'none', args: THREE_ARGS },
  { suite: 'assemblyscript', name: 'args_sizes_get-multiple-arguments', scratch: 'none', args: THREE_ARGS },
  { suite: 'assemblyscript', name: 'args_sizes_get-no-arguments', scratch: 'none' },
  {
    suite: 'assemblyscript', name: 'environ_get-multiple-variables', scratch: 'none',
    env: { a: 'text', b: 'escap " ing', c: 'new\nline' },
  },
  { suite: 'assemblyscript', name: 'environ_sizes_get-multiple-variables', scratch: 'none', env: { a: 'b', b: 'c', c: 'd' } },
  { suite: 'assemblyscript', name: 'environ_sizes_get-no-variables', scratch: 'none' },
  { suite: 'assemblyscript', name: 'fd_write-to-invalid-fd', scratch: 'none' },
  { suite: 'assemblyscript', name: 'fd_write-to-stdout', scratch: 'none', stdout: 'hello' },
  { suite: 'assemblyscript', name: 'proc_exit-failure', scratch: 'none', exitCode: 33 },
  { suite: 'assemblyscript', name: 'proc_exit-success', scratch: 'none' },
  { suite: 'assemblyscript', name: 'random_get-non-zero-length', scratch: 'none' },
  { suite: 'assemblyscript', name: 'random_get-zero-length', scratch: 'none' },
];

export type Convention = 'named' | 'root';

/**
 * How the CLI test grants fs-tests.dir to SUITE[i], rotating through the forms the suite's
 * runners have used, so each is exercised through the command line:
 *   relative  `--dir fs-tests.dir` from the folder holding it (older runner; named preopen)
 *   named     `--dir HOST::fs-tests.dir` (named preopen)
 *   root      `--dir HOST::/` (newer runner: the tests look for the "/" preopen)
 */
export type CliForm = 'relative' | 'named' | 'root';

export function cliForm(i: number): CliForm {
  return (['relative', 'named', 'root'] as const)[i % 3] ?? 'named';
}

/** The run() test on a host directory uses the convention the CLI test did not. */
export function apiHostConvention(i: number): Convention {
  return cliForm(i) === 'root' ? 'named' : 'root';
}
