// clock_res_get/clock_time_get on all four clocks, invalid ids, random_get; and the clock and
// random capabilities as the guest sees them (frozen time, seeded streams, denial).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertPassed, failures, info, runGuest } from '../helpers/guest.js';

it('real clock and crypto random pass every check', async () => {
  const r = await runGuest('clock_random', { clock: 'real', random: 'crypto' });
  assertPassed(r, 30);
  const now = BigInt(Date.now()) * 1_000_000n;
  const seen = BigInt(info(r, 'realtime') ?? '0');
  assert.ok(seen > now - 60_000_000_000n && seen <= now, `realtime ${seen} is not about now`);
});

it('a frozen clock shows the frozen instant to the nanosecond', async () => {
  const r = await runGuest('clock_random', { clock: { frozen: 1_577_934_245_123_456_789n }, random: 'crypto' });
  assertPassed(r, 30);
  assert.equal(info(r, 'realtime'), '1577934245123456789');
});

it('a seeded random source repeats its stream; different seeds and crypto do not', async () => {
  const a = await runGuest('clock_random', { clock: 'real', random: { seed: 42 } });
  const b = await runGuest('clock_random', { clock: 'real', random: { seed: 42 } });
  const c = await runGuest('clock_random', { clock: 'real', random: { seed: 43 } });
  const d = await runGuest('clock_random', { clock: 'real', random: 'crypto' });
  const e = await runGuest('clock_random', { clock: 'real', random: 'crypto' });
  for (const r of [a, b, c, d, e]) assertPassed(r, 30);
  assert.equal(info(a, 'random'), info(b, 'random'));
  assert.notEqual(info(a, 'random'), info(c, 'random'));
  assert.notEqual(info(d, 'random'), info(e, 'random'));
});

it('denied clock and random: the calls fail with an errno and the denials are recorded', async () => {
  const r = await runGuest('clock_random', { args: ['-k'], clock: 'deny', random: 'deny' });
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 1);
  const fails = failures(r).join('\n');
  assert.match(fails, /FAIL clock_time_get realtime: got E[A-Z]+/);
  assert.match(fails, /FAIL random_get 64 bytes: got E[A-Z]+/);
  assert.ok(r.denials.some((d) => d.capability === 'clock'), JSON.stringify(r.denials));
  assert.ok(r.denials.some((d) => d.capability === 'random'), JSON.stringify(r.denials));
});

it('a coarse clock reports its resolution and only shows multiples of it', async () => {
  const r = await runGuest('clock_random', { clock: { coarse: { resolutionMs: 100 } }, random: 'crypto' });
  assertPassed(r, 30);
  assert.equal(info(r, 'res_realtime'), '100000000');
  assert.equal(info(r, 'res_monotonic'), '100000000');
  assert.equal(BigInt(info(r, 'realtime') ?? '1') % 100_000_000n, 0n);
});
