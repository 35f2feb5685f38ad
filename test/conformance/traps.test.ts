// Traps come back as typed GuestTrap outcomes with partial output kept; proc_exit cannot be
// caught by a wasm catch_all; memory growth works until a cap and then reports the limit.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GuestTrap } from '../../src/index.js';
import { runGuest } from '../helpers/guest.js';

const TRAPS: Array<[guest: string, kind: string]> = [
  ['trap_unreachable', 'unreachable'],
  ['trap_oob', 'out_of_bounds'],
  ['trap_div_zero', 'divide_by_zero'],
  ['trap_int_overflow', 'integer_overflow'],
  ['trap_conversion', 'invalid_conversion'],
  ['trap_indirect', 'indirect_call'],
  ['trap_stack', 'stack_overflow'],
];

for (const [guest, kind] of TRAPS) {
  it(`${guest}: outcome trapped, kind ${kind}, output before the trap kept`, async () => {
    const r = await runGuest(guest);
    assert.equal(r.outcome, 'trapped');
    assert.equal(r.exitCode, null);
    assert.ok(r.error instanceof GuestTrap, String(r.error));
    assert.equal(r.error.kind, kind);
    assert.equal(r.out, 'before trap\n');
    const names = r.error.frames.map((f) => f.name);
    assert.ok(names.includes(guest === 'trap_stack' ? 'recurse' : 'boom'), names.join(' < '));
  });
}

it('proc_exit inside try/catch_all: the guest cannot catch it and run on', async () => {
  const r = await runGuest('exit_catch_all');
  assert.equal(r.outcome, 'exited', String(r.error));
  assert.equal(r.exitCode, 7);
  assert.equal(r.out, 'before exit\n');
});

it('memory grown 1 MiB at a time stays writable through fd_write', async () => {
  const r = await runGuest('grow_loop');
  assert.equal(r.outcome, 'exited', String(r.error));
  assert.equal(r.exitCode, 0);
  assert.equal(r.out, 'step\n'.repeat(64) + 'grew 64 MiB\n');
});

it('memory growth against a cap: grow fails, the guest exits 1, the outcome is limit', async () => {
  const r = await runGuest('grow_loop', { limits: { memoryBytes: 8 << 20 } });
  assert.equal(r.outcome, 'limit', String(r.error));
  assert.equal((r.error as { limit?: string } | undefined)?.limit, 'memory');
  assert.match(r.out, /^(step\n){6,7}grow failed\n$/);
});

// The worker and process engines must classify traps and proc_exit exactly as inline does.
for (const isolation of ['worker', 'process'] as const) {
  it(`under isolation '${isolation}': same trap kinds, and proc_exit still cannot be caught`, async () => {
    for (const [guest, kind] of TRAPS) {
      const r = await runGuest(guest, { isolation });
      assert.equal(r.outcome, 'trapped', `${guest}: ${String(r.error)}`);
      assert.equal((r.error as GuestTrap).kind, kind, `${guest}: ${String(r.error)}`);
      assert.equal(r.out, 'before trap\n', guest);
    }
    const r = await runGuest('exit_catch_all', { isolation });
    assert.equal(r.exitCode, 7);
    assert.equal(r.out, 'before exit\n');
  });
}

it('proc_exit caught by catch_all whose handler spins without imports: still exit code 5 (inline)', async () => {
  const r = await runGuest('exit_catch_spin', { limits: { timeoutMs: 1000 } });
  assert.equal(r.outcome, 'exited', String(r.error));
  assert.equal(r.exitCode, 5);
  assert.equal(r.out, 'before exit\n');
});
