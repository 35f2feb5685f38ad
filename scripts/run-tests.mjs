// Runs every compiled dist/test/**/*.test.js with Node's test runner. Node 20 has no glob
// support in `--test`, and its directory form would also run helper modules under test/.
//
// hostDir has two syscall backends (src/node/host-sys.ts): the native openat shim when it is
// built, and /proc/<pid>/fd paths otherwise. The first pass uses whichever this machine has;
// when that is the shim, the suites that touch host mounts run a second time with
// WARDEN_NATIVE=0, so both backends are tested on every run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

/** Suites that mount host directories (the second, /proc-paths pass runs these). */
const HOST_SUITES = ['dist/test/node/host-', 'dist/test/redteam/', 'dist/test/conformance/', 'dist/test/wasi-testsuite/'];

const filter = process.argv.slice(2);
const files = find('dist/test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did tsc run?)');
  process.exit(1);
}

function pass(label, list, env) {
  console.log(`# run-tests: ${label} (${list.length} files)`);
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...list], { stdio: 'inherit', env });
  return r.status ?? 1;
}

const native = process.platform === 'linux' && process.env.WARDEN_NATIVE !== '0'
  && existsSync('native/build/Release/warden_fs.node');
let status = pass(`hostDir backend: ${native ? 'native openat shim' : '/proc/<pid>/fd paths'}`, files, process.env);
const host = files.filter((f) => HOST_SUITES.some((p) => f.startsWith(p)));
if (native && host.length > 0) {
  status = pass('hostDir backend: /proc/<pid>/fd paths (WARDEN_NATIVE=0)', host, { ...process.env, WARDEN_NATIVE: '0' }) || status;
}
process.exit(status);
