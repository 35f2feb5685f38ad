// Help texts for `warden --help` and `warden run --help`. Keep in step with parse.ts.

export const MAIN_HELP = `\
Usage: warden <command> [options]

Warden runs WebAssembly (WASI preview 1) programs in a capability sandbox. A guest gets its
arguments and Warden's own stdin, stdout and stderr; every other capability (files,
environment variables, ...) is denied unless a flag grants it.

Commands:
  run [OPTIONS] MODULE [ARGS...]   run a WASI command module (details: warden run --help)
  help [run]                       show this help, or the help of 'run'

Options:
  -h, --help                       show this help
  -V, --version                    print Warden's version

Example:
  warden run --dir ./data::/data --env NAME=Ada fixtures/wasm/hello.wasm /data
`;

export const RUN_HELP = `\
Usage: warden run [OPTIONS] MODULE [ARGS...]

Runs MODULE, a .wasm file exporting _start. Options come before MODULE; everything after it
goes to the guest, whose argv is MODULE's file name followed by ARGS. Put "--" before MODULE
if its name starts with "-". A value may follow its flag or be joined with "=" (--env=K=V).

Capabilities (nothing else is granted; mounts and --env may be repeated):
  --dir HOST[::GUEST]      mount the host directory HOST read-write at guest path GUEST
  --dir-ro HOST[::GUEST]   mount it read-only (changes fail with EROFS or EPERM)
  --overlay HOST[::GUEST]  mount a copy-on-write view of HOST: the guest may change it,
                           changes stay in memory (at most 1G of file data and
                           262,144 new entries, then EDQUOT); HOST is never modified
                           GUEST is the name the guest sees (default: HOST as written), as
                           in wasmtime: a relative name like "data" or "." serves the
                           guest's relative paths (its working directory is "/").
  --memfs GUEST            mount an empty in-memory directory (gone after the run;
                           at most 1G of file data and 262,144 entries, then EDQUOT)
  --env NAME=VALUE         set a guest environment variable (the host's are not passed)
  --env NAME               copy NAME from Warden's environment (nothing if it is unset)
  --clock SPEC             the guest's clocks:
                             real              the host's clocks (default)
                             deny              clock reads fail with ENOTCAPABLE
                             frozen[:DATE]     time stands still at DATE (default: now)
                             virtual[:DATE]    starts at DATE (default: the Unix epoch) and
                                               moves only when the guest sleeps
                             coarse:MS         real time in steps of MS milliseconds
                           DATE is ISO 8601, e.g. 2024-01-01 or 2024-01-01T12:00:00Z
  --random SPEC            random_get: crypto (default) | seed:N (a reproducible stream
                           from the integer N) | deny (fails with ENOTCAPABLE)
  --stdin FILE             the guest's stdin reads FILE ("-": Warden's stdin, even a
                           terminal). Default: Warden's own stdin, read to its end before
                           the guest starts; if it is a terminal the guest reads an empty
                           stdin (end of file) instead of waiting for you to type, and it
                           is not read at all if the module cannot read (no fd_read).
                           The guest writes to Warden's own stdout and stderr.

Limits (BYTES take the suffixes K, M, G, T in powers of 1024, e.g. 64M):
  --timeout-ms N           stop the guest after N ms of wall time (exit status 124);
                           default: no deadline (stop it with Ctrl-C)
  --memory-limit BYTES     cap the guest's linear memory (memory.grow fails beyond it;
                           rounded down to 64 KiB pages)
  --max-output BYTES       cap stdout and stderr bytes together (default 64M)
  --max-open-files N       cap open file descriptors, stdio and mounts included
                           (default 1024)
  --fuel N                 a deterministic budget of executed wasm work

Engine and policy:
  --isolation MODE         inline: Warden's own thread (default) | worker: a worker
                           thread | process: a child process
  --stack-size-mb N        stack size of the worker thread or child process (MiB)
  --policy FILE            a JSON policy with capabilities and limits (keys: args, env,
                           stdin, stdout, stderr, clock, random, mounts, limits,
                           isolation, stackSizeMb; see the README). Flags override it:
                           env, mounts and limits key by key, the rest as a whole.

Diagnostics:
  --trace                  one line per WASI call (decoded arguments and result) on stderr
  --trace-file FILE        write those lines to FILE instead (implies --trace)
  --report FILE            write the run's result as JSON: outcome (exited, trapped,
                           rejected, timeout, aborted, limit), exitCode, error,
                           denials, durationMs, memoryPeakBytes, fuelUsed (with --fuel);
                           not written when Warden exits with 2 or 70 (no run happened)
  -h, --help               show this help

Exit status:
  N      the guest exited with code N (255 if N > 255)
  134    the guest trapped
  124    the deadline passed (timeout) or the run was aborted
  137    a limit was exceeded (memory, output, open files, fuel)
  126    the module was rejected: it failed to compile, validate or link
  2      bad command line, or a file named on it cannot be used
  70     Warden's own failure
Anything but a guest exit also prints one line "warden: ..." on stderr.
`;
