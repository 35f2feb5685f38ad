// Guest-level red team against hostDir mounts: fixtures/redteam/escape.c tries every escape it
// knows (the wazero and node:wasi escapes included) through run(); the host then checks that
// nothing outside the mount was read, listed, stat'ed or changed.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { startFlipper } from '../helpers/flipper.js';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hostDir, run, virtualDir } from '../../src/index.js';
import { removeDir, tempDir } from './host-fs-helpers.js';

const GUEST = fileURLToPath(new URL('../../../fixtures/wasm/redteam/escape.wasm', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

interface World { base: string; mount: string; outside: string }

function world(): World {
  const base = tempDir('warden-redteam-');
  dirs.push(base);
  const mount = `${base}/mount`;
  const outside = `${base}/outside`;
  nfs.mkdirSync(outside);
  nfs.writeFileSync(`${outside}/secret.txt`, 'TOP SECRET');
  nfs.mkdirSync(mount);
  nfs.writeFileSync(`${mount}/data.txt`, 'data');
  nfs.mkdirSync(`${mount}/sub`);
  nfs.mkdirSync(`${mount}/victim`);
  nfs.writeFileSync(`${mount}/victim/mine.txt`, 'mine');
  nfs.symlinkSync(outside, `${mount}/hostlink-abs`);
  nfs.symlinkSync(`${outside}/secret.txt`, `${mount}/hostlink-abs-file`);
  nfs.symlinkSync('../outside', `${mount}/hostlink-rel`);
  nfs.symlinkSync('../outside/secret.txt', `${mount}/hostlink-file`);
  return { base, mount, outside };
}

/**
 * Everything outside the mount, with times, so any change shows. The snapshot's own reads
 * come first (relatime moves atime on the first read only; call it once to settle).
 */
function snapshotOutside(w: World): string {
  const out: string[] = [];
  out.push(nfs.readdirSync(w.base).sort().join(','), nfs.readdirSync(w.outside).sort().join(','));
  out.push(nfs.readFileSync(`${w.outside}/secret.txt`, 'utf8'));
  for (const p of [w.base, w.outside, `${w.outside}/secret.txt`]) {
    const st = nfs.lstatSync(p, { bigint: true });
    out.push(`${p} ${st.ino} ${st.size} ${st.nlink} ${st.mtimeNs} ${st.atimeNs} ${st.ctimeNs}`);
  }
  return out.join('\n');
}

const text = (b?: Uint8Array): string => new TextDecoder().decode(b);

it('the escape guest finds no way out of a host mount', async () => {
  const w = world();
  snapshotOutside(w);
  const before = snapshotOutside(w);
  const swap = (): string => {
    nfs.renameSync(`${w.mount}/victim`, `${w.mount}/victim-moved`);
    nfs.symlinkSync(w.outside, `${w.mount}/victim`);
    return 'ok';
  };
  const r = await run(GUEST, {
    args: ['escape', '/sandbox', '-k'],
    mounts: {
      '/sandbox': hostDir(w.mount), '/other': hostDir(w.mount), '/ctl': virtualDir({ swap: { read: swap } }),
    },
    stdout: 'capture',
    stderr: 'capture',
  });
  const out = text(r.stdout);
  const failures = out.split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('LEAK'));
  assert.deepEqual(failures, [], out + text(r.stderr));
  assert.equal(r.exitCode, 0, out);
  assert.match(out, /PASS \d+ checks/);
  assert.equal(snapshotOutside(w), before, 'something outside the mount changed');
  assert.ok(r.denials.length > 0, 'escapes are recorded as denials');
  // No inode of anything outside the mount is shown.
  const outsideInos = [w.base, w.outside, `${w.outside}/secret.txt`]
    .map((p) => String(nfs.statSync(p, { bigint: true }).ino));
  for (const m of out.matchAll(/^ino (\S+) (\d+)$/gm)) {
    assert.ok(!outsideInos.includes(m[2]!), `entry ${m[1]} shows the inode of a host path outside the mount`);
  }
});

it('a read-only host mount refuses every mutation from the guest', async () => {
  const w = world();
  const before = nfs.readdirSync(w.mount).sort();
  const r = await run(GUEST, {
    args: ['escape', '/sandbox', '-k'],
    mounts: { '/sandbox': hostDir(w.mount, { readOnly: true }), '/ctl': virtualDir({ swap: 'ok' }) },
    stdout: 'capture',
  });
  const out = text(r.stdout);
  assert.equal(out.split('\n').filter((l) => l.startsWith('LEAK')).length, 0, out);
  assert.deepEqual(nfs.readdirSync(w.mount).sort(), before, 'the read-only mount changed');
  assert.equal(nfs.readFileSync(`${w.mount}/data.txt`, 'utf8'), 'data');
});

for (const isolation of ['inline', 'worker', 'process'] as const) {
  it(`a guest looping through a path a host process flips never gets out (${isolation})`, async (t) => {
    const w = world();
    nfs.mkdirSync(`${w.mount}/flip`);
    nfs.writeFileSync(`${w.mount}/flip/inner.txt`, 'inner');
    nfs.writeFileSync(`${w.mount}/file`, 'plain');
    // The flipper outlasts the guest, whose engine may take a moment to start.
    const { exited } = await startFlipper(w.mount, w.outside, 2500, 50_000);
    const r = await run(GUEST, {
      args: ['escape', '/sandbox', 'race', '1000'],
      mounts: { '/sandbox': hostDir(w.mount) },
      stdout: 'capture',
      clock: 'real',
      isolation,
    });
    assert.equal(await exited, 0);
    const out = text(r.stdout);
    t.diagnostic(out.trim().split('\n').pop() ?? '');
    assert.doesNotMatch(out, /LEAK/);
    assert.equal(r.exitCode, 0, out);
    const m = /race tries (\d+) inner (\d+) leaks 0/.exec(out);
    assert.ok(m !== null && Number(m[2]) >= 1 && Number(m[1]) > Number(m[2]), `the race was not exercised: ${out}`);
  });
}

it('many runs on hostDir mounts leave no host fds behind', async () => {
  const w = world();
  const meta = fileURLToPath(new URL('../../../fixtures/wasm/bench-meta.wasm', import.meta.url));
  const module = new WebAssembly.Module(nfs.readFileSync(meta));
  const fds = (): number => nfs.readdirSync('/proc/self/fd').length;
  const shared = hostDir(w.mount);
  await run(module, { args: ['meta', '/m', '3'], mounts: { '/m': shared }, stdout: 'discard' });
  const before = fds();
  for (let i = 0; i < 100; i++) {
    // A fresh mount per run, and one shared mount reused by every run.
    const r = await run(module, {
      args: ['meta', '/m', '5'], mounts: { '/m': i % 2 ? shared : hostDir(w.mount), '/ro': hostDir(w.mount, { readOnly: true }) },
      stdout: 'capture',
    });
    assert.equal(text(r.stdout), '5\n');
  }
  assert.equal(fds(), before);
  assert.equal(shared.openFdCount(), 0);
});
