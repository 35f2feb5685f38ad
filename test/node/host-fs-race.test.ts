// A helper process flips directory and file entries between real ones and symlinks that lead
// outside the mount while the test resolves through them via hostDir in a loop. Nothing outside
// may ever be read, listed or stat'ed. A control loop with plain host paths shows the race is real.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { after, it } from 'node:test';
import type { FileHandle } from '../../src/fs/types.js';
import { hostDir } from '../../src/node/host-fs.js';
import { READ, decode, removeDir, secretWorld } from './host-fs-helpers.js';
import { startFlipper as flip } from '../helpers/flipper.js';

const startFlipper = (mount: string, outside: string) => flip(mount, outside, FLIP_MS);

const FLIP_MS = 1500;
const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

function world(): { mount: string; outside: string } {
  const { mount, outside } = secretWorld(dirs);
  nfs.mkdirSync(`${mount}/flip`);
  nfs.writeFileSync(`${mount}/flip/inner.txt`, 'inner');
  nfs.writeFileSync(`${mount}/file`, 'plain file');
  return { mount, outside };
}

it('concurrent directory/symlink flips never let hostDir reach outside the mount', async (t) => {
  const { mount, outside } = world();
  const fs = hostDir(mount);
  const root = fs.openRoot();
  const secretIno = nfs.statSync(`${outside}/secret.txt`, { bigint: true }).ino;
  const outsideIno = nfs.statSync(outside, { bigint: true }).ino;
  const { exited } = await startFlipper(mount, outside);
  const seen = { inner: 0, file: 0, refused: 0, iterations: 0 };
  const buf = new Uint8Array(64);
  const end = Date.now() + FLIP_MS;
  while (Date.now() < end) {
    seen.iterations++;
    try {
      const d = root.openDir('flip');
      try {
        assert.notEqual(d.stat().ino, outsideIno, 'opened the outside directory');
        for (const e of d.readdir()) assert.notEqual(e.name, 'secret.txt', 'listed the outside directory');
        assert.throws(() => d.statAt('secret.txt'));
        assert.throws(() => d.open('secret.txt', READ));
        const f = d.open('inner.txt', READ) as FileHandle;
        assert.equal(decode(buf.subarray(0, f.pread([buf], 0))), 'inner');
        f.close();
        seen.inner++;
      } finally {
        d.close();
      }
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      seen.refused++;
    }
    try {
      const st = root.statAt('file');
      assert.notEqual(st.ino, secretIno, 'stat reached the outside file');
      const f = root.open('file', READ) as FileHandle;
      const text = decode(buf.subarray(0, f.pread([buf], 0)));
      f.close();
      assert.equal(text, 'plain file', 'read the outside file');
      seen.file++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      seen.refused++;
    }
  }
  assert.equal(await exited, 0);
  fs.closeAll();
  // Both states were hit many times: the loop really raced the flipper.
  assert.ok(seen.inner > 10 && seen.file > 10 && seen.refused > 10, JSON.stringify(seen));
  t.diagnostic(`resolutions: ${JSON.stringify(seen)}`);
  assert.deepEqual(nfs.readdirSync(outside), ['secret.txt']);
});

it('control: plain host paths through the same flips do reach outside', async (t) => {
  const { mount, outside } = world();
  const { exited } = await startFlipper(mount, outside);
  let leaks = 0;
  const end = Date.now() + FLIP_MS;
  while (Date.now() < end && leaks === 0) {
    try {
      if (nfs.readdirSync(`${mount}/flip`).includes('secret.txt')) leaks++;
      if (nfs.readFileSync(`${mount}/file`, 'utf8') === 'TOP SECRET') leaks++;
    } catch {
      // the entry was between states
    }
  }
  await exited;
  t.diagnostic(`plain-path leaks before stopping: ${leaks}`);
  assert.ok(leaks > 0, 'the flipper should make a naive path-based resolver escape');
});
