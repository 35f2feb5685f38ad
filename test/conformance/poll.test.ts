// poll_oneoff on a virtual clock: an hour-long sleep returns at once and moves the guest's time.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertPassed, runGuest } from '../helpers/guest.js';

it('poll on a virtual clock: sleeps (including one hour) advance time without waiting', async () => {
  const started = Date.now();
  const r = await runGuest('poll', { args: ['/sandbox', 'virtual'], files: { 'a.txt': 'x' }, clock: { virtual: {} } });
  assertPassed(r, 33);
  assert.ok(Date.now() - started < 20_000, 'the virtual sleeps took real time');
});
