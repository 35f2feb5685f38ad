// Read-only mounts: reads work, every mutation is refused with an errno and changes nothing,
// and the refusals show up as filesystem denials.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import * as warden from '../../src/index.js';
import { assertPassed, fixturePath, type GuestRun } from '../helpers/guest.js';

const decoder = new TextDecoder();

async function runReadonly(fs: warden.FileSystem): Promise<GuestRun> {
  const r = await warden.run(fixturePath('readonly'), {
    args: ['readonly', '/sandbox'], stdout: 'capture', stderr: 'capture', mounts: { '/sandbox': fs },
  });
  return { ...r, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

function assertDenied(r: GuestRun): void {
  assert.ok(r.denials.length > 0, 'no denial recorded');
  assert.ok(r.denials.every((d) => d.capability === 'fs'), JSON.stringify(r.denials));
}

it('readOnly(memoryFs): reads work, mutations are refused and change nothing', async () => {
  const r = await runReadonly(warden.readOnly(warden.memoryFs({ 'a.txt': 'read me', 'dir/b.txt': 'b' })));
  assertPassed(r, 29);
  assertDenied(r);
});

it('hostDir(dir, { readOnly: true }): the same, and the host directory is untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-ro-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'read me');
    mkdirSync(join(dir, 'dir'));
    writeFileSync(join(dir, 'dir', 'b.txt'), 'b');
    const r = await runReadonly(warden.hostDir(dir, { readOnly: true }));
    assertPassed(r, 29);
    assertDenied(r);
    assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'dir']);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'read me');
    assert.deepEqual(readdirSync(join(dir, 'dir')), ['b.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
