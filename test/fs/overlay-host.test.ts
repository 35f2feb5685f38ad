// The overlay over a real host directory (the typical use): the host files stay byte-for-byte
// and timestamp-for-timestamp untouched, and no host fds are left behind after detach.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostDir } from '../../src/node/host-fs.js';
import { overlay } from '../../src/fs/overlay.js';
import { get, names, openFile, put, throwsErrno } from './helpers.js';

function hostTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of nfs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      const st = nfs.lstatSync(path.join(dir, p), { bigint: true });
      const what = e.isSymbolicLink() ? `-> ${nfs.readlinkSync(path.join(dir, p))}`
        : e.isDirectory() ? 'dir' : nfs.readFileSync(path.join(dir, p), 'utf8');
      out[p] = `${what} @${st.mtimeNs} ino${st.ino}`;
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out;
}

test('overlay over hostDir: changes stay in memory, host untouched, fds released', (t) => {
  const dir = nfs.mkdtempSync(path.join(os.tmpdir(), 'warden-overlay-'));
  t.after(() => nfs.rmSync(dir, { recursive: true, force: true }));
  nfs.mkdirSync(path.join(dir, 'sub/deeper'), { recursive: true });
  nfs.writeFileSync(path.join(dir, 'a.txt'), 'host a');
  nfs.writeFileSync(path.join(dir, 'sub/x'), 'host x');
  nfs.writeFileSync(path.join(dir, 'sub/deeper/y'), 'host y');
  nfs.symlinkSync('a.txt', path.join(dir, 'link'));
  const before = hostTree(dir);

  const host = hostDir(dir);
  const ov = overlay(host);
  ov.attach({ now: () => 42n, dev: 5n });
  const root = ov.openRoot();
  assert.deepEqual(names(root).sort(), ['a.txt', 'link', 'sub']);
  put(root, 'a.txt', 'guest a');
  const sub = root.openDir('sub');
  sub.unlink('x');
  put(sub, 'new', 'n');
  root.rename('sub', root, 'moved');
  root.setTimesAt('link', 1n, 2n);
  throwsErrno(() => root.openDir('sub'), 'ENOENT');
  assert.equal(get(root.openDir('moved').openDir('deeper'), 'y'), 'host y');
  assert.equal(get(root, 'a.txt'), 'guest a');
  assert.equal(openFile(root, 'a.txt').stat().mtim, 42n);
  sub.close();
  root.close();
  ov.detach();

  assert.deepEqual(hostTree(dir), before);
  assert.equal(host.openFdCount(), 0);
  const kinds = Object.fromEntries(ov.changes().map((c) => [c.path, c.kind]));
  assert.deepEqual(kinds, {
    'a.txt': 'modified', link: 'modified', moved: 'added', 'moved/deeper': 'added',
    'moved/deeper/y': 'added', 'moved/new': 'added', sub: 'deleted',
  });
  assert.equal(new TextDecoder().decode(ov.exportChanges()['moved/new'] as Uint8Array), 'n');
  assert.deepEqual(hostTree(dir), before);
});
