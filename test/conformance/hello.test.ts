// The README demo guest: greeting with $NAME and argv, directory listing of a mount.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mountKinds, runGuest } from '../helpers/guest.js';

for (const mount of mountKinds()) {
  it(`hello lists the mount (${mount.kind}) and reads $NAME`, async () => {
    const r = await runGuest('hello', {
      args: ['/sandbox'], env: { NAME: 'Ada' }, mount, files: { 'b.txt': 'b', 'a.txt': 'a', 'sub/c.txt': 'c' },
    });
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 0);
    assert.equal(r.out, 'Hello, Ada, from inside the sandbox!\nargv: hello /sandbox\n/sandbox:\n  a.txt\n  b.txt\n  sub\n');
  });
}

it('hello without a mount or env is a stranger and cannot list what is not granted', async () => {
  const ok = await runGuest('hello');
  assert.equal(ok.out, 'Hello, stranger, from inside the sandbox!\nargv: hello\n');
  const denied = await runGuest('hello', { args: ['/etc'] });
  assert.equal(denied.exitCode, 1);
  assert.match(denied.err, /^\/etc: /);
});
