// Hostile pointers and lengths: every call gets EFAULT/EINVAL/EOVERFLOW, nothing throws, the
// host survives, and the guest runs on to its end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountKinds, runGuest } from '../helpers/guest.js';

for (const mount of mountKinds()) {
  describe(`on ${mount.kind} mounts`, () => {
    it('out-of-bounds pointers, lengths and counts are refused with an errno', async () => {
      const r = await runGuest('hostile', { files: { 'a.txt': 'hello' }, mount, env: { A: '1' }, clock: 'real', random: 'crypto' });
      const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
      assert.deepEqual(fails, [], r.out);
      assert.equal(r.outcome, 'exited', String(r.error));
      assert.equal(r.exitCode, 0);
      assert.equal(r.out.split('\n').filter((l) => l.startsWith('ok ')).length, 64);
      assert.match(r.out, /\nPASS\n$/);
    });
  });
}

for (const isolation of ['worker', 'process'] as const) {
  it(`hostile pointers under isolation '${isolation}' get the same errnos`, async () => {
    const r = await runGuest('hostile', { files: { 'a.txt': 'hello' }, env: { A: '1' }, clock: 'real', random: 'crypto', isolation });
    assert.deepEqual(r.out.split('\n').filter((l) => l.startsWith('FAIL')), [], r.out);
    assert.equal(r.exitCode, 0, String(r.error));
    assert.match(r.out, /\nPASS\n$/);
  });
}
