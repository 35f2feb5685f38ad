// The filesystem families (fd, fd_readdir, path, poll, sock): each self-checking guest runs on
// every mount kind (memoryFs, and hostDir when available) and must pass all of its checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertPassed, mountKinds, runGuest } from '../helpers/guest.js';

const A_TXT = { 'a.txt': 'hello from a.txt\n' };

// Minimum number of checks each guest runs (guards against a guest that silently stops early).
const FAMILIES: Array<[name: string, minChecks: number]> = [
  ['fd', 170], ['fd_readdir', 40], ['path', 280], ['poll', 30], ['sock', 18],
];

for (const mount of mountKinds()) {
  describe(`on ${mount.kind} mounts`, () => {
    for (const [name, minChecks] of FAMILIES) {
      it(`${name}: every success and error path as wasmtime gives it`, async () => {
        const r = await runGuest(name, { args: ['/sandbox'], files: A_TXT, mount, clock: 'real' });
        assertPassed(r, minChecks);
        // fd renumbers stdout away and back: what it wrote meanwhile reaches the captured stdout.
        if (name === 'fd') assert.match(r.out, /^via renumbered stdout$/m);
      });
    }
  });
}

// The ABI runs in a worker thread or a child process too: the same answers must come back.
for (const isolation of ['worker', 'process'] as const) {
  it(`every family under isolation '${isolation}' passes like inline`, async () => {
    for (const [name, minChecks] of FAMILIES) {
      assertPassed(await runGuest(name, { args: ['/sandbox'], files: A_TXT, clock: 'real', isolation }), minChecks);
    }
  });
}

// File times come from the granted clock: on a frozen clock, "now" in MTIM_NOW and the mtime a
// write leaves behind are the frozen instant, and the guests' time checks still hold.
it('fd and path on a frozen clock (memoryFs): file times follow the granted clock', async () => {
  for (const [name, minChecks] of FAMILIES.filter(([n]) => n === 'fd' || n === 'path')) {
    const r = await runGuest(name, { args: ['/sandbox'], files: A_TXT, clock: { frozen: 1_700_000_000_000_000_000n } });
    assertPassed(r, minChecks);
  }
});
