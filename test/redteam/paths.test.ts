// Red team, paths through the CLI: symlink loops across directories, a link to '..' at a mount
// root, backslash, NFC/NFD, overlong and NUL names, a FIFO in a mount, read-only O_TRUNC,
// nested and doubled mounts (EXDEV), huge offsets and sizes, readdir cookies near 2^64,
// renumbering a directory over stdout; and a symlink chain that descends 4,000 directories.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { after, test } from 'node:test';
import { join } from 'node:path';
import { hostDir, run } from '../../src/index.js';
import { ROOT, tempDir, warden } from './helpers.js';

const made: string[] = [];
// GNU rm copes with directory trees deeper than Node's recursive rmSync can (stack overflow).
after(() => { for (const d of made) spawnSync('rm', ['-rf', d]); });

function world() {
  const base = tempDir();
  made.push(base);
  for (const d of ['m', 'ro', 'a/b', 'outside']) nfs.mkdirSync(join(base, d), { recursive: true });
  spawnSync('mkfifo', [join(base, 'm/fifo')]);
  nfs.writeFileSync(join(base, 'ro/keep.txt'), 'keep');
  nfs.writeFileSync(join(base, 'a/b/inner.txt'), 'inner');
  nfs.writeFileSync(join(base, 'outside/secret.txt'), 'TOP SECRET');
  return base;
}

test('paths guest: every trick stays inside its mounts (CLI)', async () => {
  const base = world();
  const before = nfs.readdirSync(base).sort().join(',');
  const report = join(base, 'report.json');
  const r = await warden(['run', '--report', report, '--dir', `${base}/m::/m`, '--dir-ro', `${base}/ro::/ro`, '--dir', `${base}/a::/x`,
    '--dir', `${base}/a/b::/x/y`, '--dir', `${base}/m::/m2`, join(ROOT, 'fixtures/wasm/redteam2/paths.wasm')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // Escapes and read-only mutations are recorded as denials in the report.
  const json = JSON.parse(nfs.readFileSync(report, 'utf8')) as { outcome: string; denials: { capability: string; call: string; detail: string }[] };
  nfs.unlinkSync(report);
  assert.equal(json.outcome, 'exited');
  assert.ok(json.denials.some((d) => d.capability === 'fs' && /escapes|outside/.test(d.detail)), JSON.stringify(json.denials));
  assert.ok(json.denials.some((d) => d.capability === 'fs' && /read-only/.test(d.detail)), JSON.stringify(json.denials));
  assert.match(r.stderr, /ok write to renumbered stdout\nPASS \d+ checks\n$/);
  assert.match(r.stdout, /before renumber\n$/, 'nothing reached the host stdout after the renumber');
  assert.doesNotMatch(r.stdout + r.stderr, /LEAK|FAIL/);
  // Nothing outside changed; the FIFO is still a FIFO; the read-only file is intact.
  assert.equal(nfs.readdirSync(base).sort().join(','), before);
  assert.deepEqual(nfs.readdirSync(join(base, 'outside')), ['secret.txt']);
  assert.ok(nfs.lstatSync(join(base, 'm/fifo')).isFIFO());
  assert.equal(nfs.readFileSync(join(base, 'ro/keep.txt'), 'utf8'), 'keep');
  assert.ok(nfs.existsSync(join(base, 'm/..\\..\\bs')), 'a backslash name is one literal name');
  assert.equal(nfs.statSync(join(base, 'm/big.bin')).size, 0);
});

test('a symlink chain descending 4,000 directories is ENAMETOOLONG and holds no host fds', async () => {
  const base = tempDir();
  made.push(base);
  const fds = () => nfs.readdirSync('/proc/self/fd').length;
  const wasm = nfs.readFileSync(join(ROOT, 'fixtures/wasm/redteam2/deepwalk.wasm'));
  const before = fds();
  const r = await run(wasm, { args: ['deepwalk', '/m', '2'], stdout: 'capture', mounts: { '/m': hostDir(base) }, limits: { timeoutMs: 15_000 } });
  assert.equal(r.exitCode, 0, new TextDecoder().decode(r.stdout));
  assert.equal(new TextDecoder().decode(r.stdout), 'open: 37\nafter: 0\n');
  assert.equal(fds(), before);
});
