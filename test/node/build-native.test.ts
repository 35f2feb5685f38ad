// scripts/build-native.mjs runs as npm's install step: whatever happens to the optional shim's
// build, it must never fail the install (hostDir then uses /proc paths).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { after, describe, it } from 'node:test';
import { removeDir, tempDir } from './host-fs-helpers.js';

const ROOT = new URL('../../../', import.meta.url);
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

/** A copy of scripts/ and native/ (sources only) in a temp dir, to build without touching ours. */
function copy(): string {
  const dir = tempDir('warden-native-build-');
  dirs.push(dir);
  nfs.mkdirSync(`${dir}/scripts`);
  nfs.mkdirSync(`${dir}/native`);
  nfs.copyFileSync(new URL('scripts/build-native.mjs', ROOT), `${dir}/scripts/build-native.mjs`);
  for (const f of ['warden_fs.c', 'binding.gyp']) nfs.copyFileSync(new URL(`native/${f}`, ROOT), `${dir}/native/${f}`);
  return dir;
}

function build(dir: string, env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [`${dir}/scripts/build-native.mjs`], {
    encoding: 'utf8', env: { ...process.env, ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/build-native.mjs', () => {
  it('skips the build with WARDEN_NATIVE=0 and exits 0', () => {
    const dir = copy();
    const r = build(dir, { WARDEN_NATIVE: '0' });
    assert.equal(r.status, 0);
    assert.match(r.out, /warden native shim: skipped \(WARDEN_NATIVE=0\)/);
    assert.equal(nfs.existsSync(`${dir}/native/build`), false);
  });

  it('reports a failed compile in one message and still exits 0', () => {
    const dir = copy();
    nfs.appendFileSync(`${dir}/native/warden_fs.c`, '\nthis is not C;\n');
    const r = build(dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /warden native shim: (not built|skipped)/);
    assert.equal(nfs.existsSync(`${dir}/native/build/Release/warden_fs.node`), false);
  });
});
