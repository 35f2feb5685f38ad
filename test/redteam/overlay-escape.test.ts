// Red team: the escape guest (fixtures/redteam/escape.c, 98 checks) against copy-on-write
// overlays of a host directory, which resolve host-planted symlinks through their own layers.
import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { startFlipper } from '../helpers/flipper.js';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hostDir, overlay, run, virtualDir } from '../../src/index.js';
import { cleanup, ROOT, tempDir } from './helpers.js';

after(cleanup);

test('overlay(hostDir): no way out, nothing outside or in the lower directory changes', async () => {
  const base = tempDir();
  const mount = join(base, 'mount');
  const outside = join(base, 'outside');
  nfs.mkdirSync(outside);
  nfs.writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
  nfs.mkdirSync(join(mount, 'sub'), { recursive: true });
  nfs.mkdirSync(join(mount, 'victim'));
  nfs.writeFileSync(join(mount, 'data.txt'), 'data');
  nfs.writeFileSync(join(mount, 'victim/mine.txt'), 'mine');
  nfs.symlinkSync(outside, join(mount, 'hostlink-abs'));
  nfs.symlinkSync(join(outside, 'secret.txt'), join(mount, 'hostlink-abs-file'));
  nfs.symlinkSync('../outside', join(mount, 'hostlink-rel'));
  nfs.symlinkSync('../outside/secret.txt', join(mount, 'hostlink-file'));
  const swap = (): string => {
    nfs.renameSync(join(mount, 'victim'), join(mount, 'victim-moved'));
    nfs.symlinkSync(outside, join(mount, 'victim'));
    return 'ok';
  };
  const r = await run(nfs.readFileSync(join(ROOT, 'fixtures/wasm/redteam/escape.wasm')), {
    args: ['escape', '/sandbox', '-k'],
    mounts: { '/sandbox': overlay(hostDir(mount)), '/other': overlay(hostDir(mount)), '/ctl': virtualDir({ swap: { read: swap } }) },
    stdout: 'capture',
  });
  const out = new TextDecoder().decode(r.stdout);
  assert.deepEqual(out.split('\n').filter((l) => /^(FAIL|LEAK)/.test(l)), [], out);
  assert.match(out, /PASS \d+ checks/);
  assert.deepEqual(nfs.readdirSync(outside), ['secret.txt']);
  assert.equal(nfs.readFileSync(join(outside, 'secret.txt'), 'utf8'), 'TOP SECRET');
  assert.deepEqual(nfs.readdirSync(base).sort(), ['mount', 'outside']);
  // The lower directory holds exactly what the host put there (plus the host's own swap).
  assert.deepEqual(nfs.readdirSync(mount).sort(), ['data.txt', 'hostlink-abs', 'hostlink-abs-file', 'hostlink-file',
    'hostlink-rel', 'sub', 'victim', 'victim-moved']);
  assert.equal(nfs.readFileSync(join(mount, 'data.txt'), 'utf8'), 'data');
});

test('overlay(hostDir): a guest looping through a path a host process flips never gets out', async () => {
  const base = tempDir();
  const mount = join(base, 'mount');
  const outside = join(base, 'outside');
  nfs.mkdirSync(join(mount, 'flip'), { recursive: true });
  nfs.mkdirSync(outside);
  nfs.writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
  nfs.writeFileSync(join(mount, 'flip/inner.txt'), 'inner');
  nfs.writeFileSync(join(mount, 'file'), 'plain');
  const { exited } = await startFlipper(mount, outside, 1800, 50_000);
  const r = await run(nfs.readFileSync(join(ROOT, 'fixtures/wasm/redteam/escape.wasm')), {
    args: ['escape', '/sandbox', 'race', '1000'],
    mounts: { '/sandbox': overlay(hostDir(mount)) },
    stdout: 'capture',
    clock: 'real',
  });
  assert.equal(await exited, 0);
  const out = new TextDecoder().decode(r.stdout);
  assert.doesNotMatch(out, /LEAK/);
  assert.equal(r.exitCode, 0, out);
  const m = /race tries (\d+) inner (\d+) leaks 0/.exec(out);
  assert.ok(m !== null && Number(m[2]) >= 1 && Number(m[1]) > Number(m[2]), `the race was not exercised: ${out}`);
});
