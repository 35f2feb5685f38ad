// proc_exit, proc_raise, sched_yield: exits end only the guest, with the exact u32 code.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertPassed, runGuest } from '../helpers/guest.js';

for (const code of [0, 3, 255, 256, 65_536, 4_000_000_000]) {
  it(`proc_exit(${code}) from a nested call ends the guest with exactly that code`, async () => {
    const r = await runGuest('proc', { args: ['exit', String(code)] });
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, code);
    assert.equal(r.out, `before exit ${code}\n`);
    assert.equal(r.error, undefined);
  });
}

for (const sig of [0, 2, 9, 15, 6]) {
  it(`proc_raise(${sig}) never signals the host`, async () => {
    const r = await runGuest('proc', { args: ['raise', String(sig)] });
    // Either the call returns an errno (the guest then exits 0) or the guest ends; the host
    // process is still here to assert either way.
    assert.ok(['exited', 'trapped'].includes(r.outcome), r.outcome);
    assert.match(r.out, new RegExp(`^raising ${sig}\n`));
    if (r.outcome === 'exited' && r.exitCode === 0) assert.match(r.out, /proc_raise returned E[A-Z]+\n$/);
  });
}

it('sched_yield succeeds', async () => {
  assertPassed(await runGuest('proc', { args: ['yield'] }), 3);
});

for (const isolation of ['worker', 'process'] as const) {
  it(`under isolation '${isolation}': exit codes pass through exactly and proc_raise(9) stays in the guest`, async () => {
    for (const code of [0, 3, 256, 4_000_000_000]) {
      const r = await runGuest('proc', { args: ['exit', String(code)], isolation });
      assert.equal(r.outcome, 'exited');
      assert.equal(r.exitCode, code);
      assert.equal(r.out, `before exit ${code}\n`);
    }
    const r = await runGuest('proc', { args: ['raise', '9'], isolation });
    assert.ok(['exited', 'trapped'].includes(r.outcome), `${r.outcome} ${String(r.error)}`);
    assert.match(r.out, /^raising 9\n/);
  });
}
