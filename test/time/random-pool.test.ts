// The crypto random source serves small requests from a pool of CSPRNG bytes (a
// getRandomValues call per 16-byte request was most of random_get's cost). The pool must never
// hand out the same bytes twice, also across refills, and large requests must still be filled.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRandom } from '../../src/time/random.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

it('small crypto requests never repeat, across several pool refills', () => {
  const r = createRandom('crypto');
  const seen = new Set<string>();
  // 2000 x 16 bytes = 32000 bytes: about four 8 KiB pools.
  for (let i = 0; i < 2000; i++) {
    const b = new Uint8Array(16);
    r.fill(b);
    const h = hex(b);
    assert.ok(!seen.has(h), `16-byte value repeated at request ${i}`);
    seen.add(h);
  }
});

it('odd sizes up to the pooled limit are filled completely and differ', () => {
  const r = createRandom('crypto');
  let prev = '';
  for (const n of [1, 3, 7, 31, 255, 256, 200, 256, 256, 256]) {
    const b = new Uint8Array(n + 2).fill(0xee);
    r.fill(b.subarray(1, n + 1));
    assert.equal(b[0], 0xee, 'wrote before the view');
    assert.equal(b[n + 1], 0xee, 'wrote after the view');
    if (n >= 31) {
      const h = hex(b.subarray(1, n + 1));
      assert.notEqual(h, prev);
      assert.ok(!/^(00)+$/.test(h), `${n} bytes all zero`);
      prev = h;
    }
  }
});

it('large crypto requests (past 65536 bytes) are filled everywhere', () => {
  const r = createRandom('crypto');
  const b = new Uint8Array(200_000);
  r.fill(b);
  // Every 4 KiB block has non-zero bytes (a skipped chunk would stay all zero).
  for (let off = 0; off < b.length; off += 4096) {
    assert.ok(b.subarray(off, off + 4096).some((x) => x !== 0), `block at ${off} not filled`);
  }
  const empty = new Uint8Array(0);
  r.fill(empty);
  assert.equal(empty.length, 0);
});

it('two crypto sources do not share a stream', () => {
  const a = new Uint8Array(32);
  const b = new Uint8Array(32);
  createRandom('crypto').fill(a);
  createRandom('crypto').fill(b);
  assert.notEqual(hex(a), hex(b));
});
