// A guest that catches proc_exit's unwind and then spins without calling WASI is still reported
// as that exit in every engine (the deadline ends the spin; the recorded exit wins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/index.js';

const guest = fileURLToPath(new URL('../../../fixtures/wasm/exit_catch_spin.wasm', import.meta.url));

for (const isolation of ['inline', 'worker', 'process'] as const) {
  test(`caught proc_exit then a spin: exited with the code (${isolation})`, async () => {
    const r = await run(guest, { isolation, limits: { timeoutMs: 300 } });
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 5);
  });
}
