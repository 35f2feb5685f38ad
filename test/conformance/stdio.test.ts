// The stdio descriptors: stdin delivered exactly (text, bytes, stream, none), stdin not
// writable, stdout not readable, stderr captured apart from stdout, stdin closable.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StdinOption } from '../../src/index.js';
import { assertPassed, info, runGuest } from '../helpers/guest.js';

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const big = new Uint8Array(300_000).map((_, i) => (i * 31 + (i >> 9)) & 0xff);

const CASES: Array<[label: string, stdin: StdinOption | undefined, expected: Uint8Array]> = [
  ['text', { text: 'hello stdin\n\u00fc' }, new TextEncoder().encode('hello stdin\n\u00fc')],
  ['bytes (300 KB)', { bytes: big }, big],
  ['none', 'none', new Uint8Array()],
  ['left out', undefined, new Uint8Array()],
];

for (const [label, stdin, expected] of CASES) {
  it(`stdin ${label}: the guest reads exactly the granted bytes, then end of input`, async () => {
    const r = await runGuest('stdio', { stdin });
    assertPassed(r, 20);
    assert.equal(info(r, 'stdin'), `${expected.length} ${fnv1a(expected)}`);
    assert.equal(r.err, 'to stderr\n');
    assert.doesNotMatch(r.out, /^to stderr$/m);
    // Captured stdio is not a terminal (wasi-libc's isatty() checks for a character device).
    assert.equal(info(r, 'isatty'), '0 0 0');
  });
}

it('stdin from an async stream of chunks arrives whole and in order', async () => {
  async function* chunks() {
    for (let i = 0; i < big.length; i += 4099) yield big.subarray(i, i + 4099);
  }
  const r = await runGuest('stdio', { stdin: { stream: chunks() } });
  assertPassed(r, 20);
  assert.equal(info(r, 'stdin'), `${big.length} ${fnv1a(big)}`);
});
