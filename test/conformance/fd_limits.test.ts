// The descriptor table: limits.openFiles caps it (stdio and preopens count), a full table
// gives EMFILE, the lowest free number is reused, and the guest recovers after closing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertPassed, info, runGuest } from '../helpers/guest.js';

for (const [label, limits, opened] of [
  ['the default limit (1024)', undefined, 1024 - 3 - 1],
  ['limits.openFiles = 16', { openFiles: 16 }, 16 - 3 - 1],
] as const) {
  it(`${label}: EMFILE after ${opened} files, lowest free fd reused, recovery after closing`, async () => {
    const r = await runGuest('fd_limits', { args: ['/sandbox'], files: { 'a.txt': 'x' }, limits });
    assertPassed(r, 10);
    assert.equal(info(r, 'opened'), String(opened));
  });
}
