// The filesystem families (fd, fd_readdir, path, poll, sock): each self-checking guest runs on
// every mount kind (memoryFs, and hostDir when available) and must pass all of its checks.
import { describe, it } from 'node:test';
import { assertPassed, mountKinds, runGuest } from '../helpers/guest.js';

const A_TXT = { 'a.txt': 'hello from a.txt\n' };

// Minimum number of checks each guest runs (guards against a guest that silently stops early).
const FAMILIES: Array<[name: string, minChecks: number]> = [
  ['fd', 160], ['fd_readdir', 40], ['path', 280], ['poll', 30], ['sock', 18],
];

for (const mount of mountKinds()) {
  describe(`on ${mount.kind} mounts`, () => {
    for (const [name, minChecks] of FAMILIES) {
      it(`${name}: every success and error path as wasmtime gives it`, async () => {
        assertPassed(await runGuest(name, { args: ['/sandbox'], files: A_TXT, mount, clock: 'real' }), minChecks);
      });
    }
  });
}
