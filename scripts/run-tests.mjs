// Runs every compiled dist/test/**/*.test.js with Node's test runner. Node 20 has no glob
// support in `--test`, and its directory form would also run helper modules under test/.
//
// Two things have an optional native addon and a pure-TypeScript fallback: hostDir's syscalls
// (src/node/host-sys.ts: openat shim or /proc/<pid>/fd paths) and the inline deadline
// (src/node/inline.ts: native timer or vm watchdog). The first pass uses whatever this machine
// built; when that includes an addon, the suites that exercise them run a second time with
// WARDEN_NATIVE=0, so both paths are tested on every run.
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

/** Suites that mount host directories or stop inline guests (the second pass runs these). */
const FALLBACK_SUITES = [
  'dist/test/node/host-', 'dist/test/node/deadline-', 'dist/test/redteam/', 'dist/test/conformance/',
  'dist/test/wasi-testsuite/', 'dist/test/engines/matrix', 'dist/test/engines/exit-spin', 'dist/test/core/run.',
];

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

const on = process.platform === 'linux' && process.env.WARDEN_NATIVE !== '0';
const shim = on && existsSync('native/build/Release/warden_fs.node');
const timer = on && existsSync('native/deadline/build/Release/warden_deadline.node');
let status = pass(`hostDir: ${shim ? 'native openat shim' : '/proc/<pid>/fd paths'}; inline deadline: `
  + `${timer ? 'native timer' : 'vm watchdog'}`, files, process.env);
const again = files.filter((f) => FALLBACK_SUITES.some((p) => f.startsWith(p)));
if ((shim || timer) && again.length > 0) {
  status = pass('hostDir: /proc/<pid>/fd paths; inline deadline: vm watchdog (WARDEN_NATIVE=0)', again,
    { ...process.env, WARDEN_NATIVE: '0' }) || status;
}
process.exit(status);
