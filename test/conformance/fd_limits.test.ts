// The descriptor table: limits.openFiles caps it (stdio and preopens count), a full table
// gives EMFILE, the lowest free number is reused, and the guest recovers after closing. On
// every mount kind, so host-backed files release their host descriptors too.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { it } from 'node:test';
import { assertPassed, info, mountKinds, runGuest } from '../helpers/guest.js';

const hostFds = (): number => readdirSync('/proc/self/fd').length;

for (const mount of mountKinds()) {
  for (const [label, limits, opened] of [
    ['the default limit (1024)', undefined, 1024 - 3 - 1],
    ['limits.openFiles = 16', { openFiles: 16 }, 16 - 3 - 1],
  ] as const) {
    it(`${mount.kind} mount, ${label}: EMFILE after ${opened} files, lowest free fd reused, recovery`, async () => {
      const before = hostFds();
      const r = await runGuest('fd_limits', { args: ['/sandbox'], files: { 'a.txt': 'x' }, limits, mount });
      assertPassed(r, 10);
      assert.equal(info(r, 'opened'), String(opened));
      // The refusal is recorded once; the guest recovered, so the run simply exited.
      assert.equal(r.outcome, 'exited');
      assert.equal(r.denials.filter((d) => d.capability === 'openFiles').length, 1);
      assert.ok(hostFds() <= before + 2, `host fds ${before} -> ${hostFds()}`);
    });
  }
}
