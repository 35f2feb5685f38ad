// Builds the optional native openat shim (native/warden_fs.c -> native/build/Release/warden_fs.node)
// with node-gyp. Runs as npm's `install` step. It never fails the install: without a C compiler
// (or off Linux) hostDir uses its pure-TypeScript /proc/<pid>/fd resolution instead, which is
// just as safe and slower (see RATIONALE.md, "Why an optional native openat shim?").
//   node scripts/build-native.mjs          build (prints one line either way)
//   WARDEN_NATIVE=0 npm ci                 skip the build
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'native', 'build', 'Release', 'warden_fs.node');

function nodeGyp() {
  // npm tells its lifecycle scripts where its bundled node-gyp is; otherwise look next to npm.
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((p) => p && existsSync(p));
}

function main() {
  if (process.env.WARDEN_NATIVE === '0') return 'skipped (WARDEN_NATIVE=0)';
  if (process.platform !== 'linux') return `skipped (${process.platform}: the shim is Linux-only)`;
  const gyp = nodeGyp();
  if (gyp === undefined) return 'skipped (node-gyp not found)';
  // Build against this Node's own headers (no download): npm passes its `nodedir` setting;
  // otherwise use the headers installed next to the node binary, when they are there.
  const local = join(dirname(process.execPath), '..');
  const nodedir = process.env.npm_config_nodedir
    || (existsSync(join(local, 'include', 'node', 'node_api.h')) ? local : undefined);
  const argv = [gyp, 'rebuild', '--directory', join(root, 'native'), ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const r = spawnSync(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(out)) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    return `not built (node-gyp exited ${r.status}); hostDir falls back to /proc/<pid>/fd paths.\n${tail}`;
  }
  return `built ${out}`;
}

console.log(`warden native shim: ${main()}`);
