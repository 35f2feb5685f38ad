// Preopens and descriptors that outlive their names: listing, unlink/rmdir while open,
// renumbering over a preopen and closing one, on every mount kind.
import { it } from 'node:test';
import { assertPassed, mountKinds, runGuest } from '../helpers/guest.js';

for (const mount of mountKinds()) {
  it(`preopens and open-but-removed files on ${mount.kind} mounts`, async () => {
    assertPassed(await runGuest('preopens', { args: ['/sandbox'], files: {}, moreMounts: { '/other': {} }, mount }), 28);
  });
}
