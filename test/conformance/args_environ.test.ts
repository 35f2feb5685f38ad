// args_* and environ_*: exact argv and env reach the guest, nothing else does.
import { it } from 'node:test';
import { assertPassed, runGuest } from '../helpers/guest.js';

it('args and environ: every argument and variable arrives exactly (UTF-8, empty, "=" in values)', async () => {
  const r = await runGuest('args_environ', {
    args: ['full', 'h\u00e9llo', '', 'with space'],
    env: { A: '1', EMPTY: '', EQ: 'x=y', UNI: '\u00fc' },
  });
  assertPassed(r, 20);
});

it('environ is empty when no env is granted, even though the host has variables', async () => {
  assertPassed(await runGuest('args_environ', { args: ['empty'] }), 10);
  assertPassed(await runGuest('args_environ', { args: ['empty'], env: {} }), 10);
});
