// Framing between host and child: whole frames out of arbitrary chunking, large frames intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameReader } from '../../src/node/process-frames.js';

test('frames: arbitrary chunk boundaries, a 3 MB frame, several frames per chunk', () => {
  const big = new Uint8Array(3_000_000).map((_, i) => i & 255);
  const msgs: unknown[] = [{ a: 1, n: 2n }, { big }, 'x', { b: [1, 2, 3] }];
  const all = Buffer.concat(msgs.map(encodeFrame));
  for (const step of [1, 3, 1000, 65536, all.length]) {
    const got: unknown[] = [];
    const r = new FrameReader((m) => got.push(m));
    for (let i = 0; i < all.length; i += step) r.push(all.subarray(i, Math.min(all.length, i + step)));
    assert.equal(got.length, 4, `step ${step}`);
    assert.deepEqual(got[0], { a: 1, n: 2n });
    assert.deepEqual((got[1] as { big: Uint8Array }).big, big);
    assert.equal(got[2], 'x');
    assert.deepEqual(got[3], { b: [1, 2, 3] });
  }
});
