// Builds Warden's two optional native addons with node-gyp. Runs as npm's `install` step and
// never fails the install: each addon that cannot be built is simply absent, and Warden uses
// its pure-TypeScript path instead, just as safe and slower (RATIONALE.md: "Why an optional
// native openat shim?", "Why a native deadline timer beside the vm watchdog?").
//   native/warden_fs.c               -> native/build/Release/warden_fs.node (hostDir syscalls)
//   native/deadline/warden_deadline.cc -> native/deadline/build/Release/warden_deadline.node
//   node scripts/build-native.mjs    build (one line per addon)
//   WARDEN_NATIVE=0 npm ci           skip both
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADDONS = [
  { label: 'warden native shim', dir: join(root, 'native'), name: 'warden_fs', fallback: 'hostDir falls back to /proc/<pid>/fd paths' },
  { label: 'warden native deadline', dir: join(root, 'native', 'deadline'), name: 'warden_deadline', fallback: 'inline deadlines use the vm watchdog' },
];

function nodeGyp() {
  // npm tells its lifecycle scripts where its bundled node-gyp is; otherwise look next to npm.
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((p) => p && existsSync(p));
}

function build(addon) {
  if (process.env.WARDEN_NATIVE === '0') return 'skipped (WARDEN_NATIVE=0)';
  if (process.platform !== 'linux') return `skipped (${process.platform}: Linux only)`;
  if (!existsSync(addon.dir)) return 'skipped (sources not present)';
  const gyp = nodeGyp();
  if (gyp === undefined) return 'skipped (node-gyp not found)';
  // Build against this Node's own headers (no download): npm passes its `nodedir` setting;
  // otherwise use the headers installed next to the node binary, when they are there.
  const local = join(dirname(process.execPath), '..');
  const nodedir = process.env.npm_config_nodedir
    || (existsSync(join(local, 'include', 'node', 'node_api.h')) ? local : undefined);
  const argv = [gyp, 'rebuild', '--directory', addon.dir, ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const out = join(addon.dir, 'build', 'Release', `${addon.name}.node`);
  if (r.status !== 0 || !existsSync(out)) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    return `not built (node-gyp exited ${r.status}); ${addon.fallback}.\n${tail}`;
  }
  return `built ${out}`;
}

for (const addon of ADDONS) console.log(`${addon.label}: ${build(addon)}`);
