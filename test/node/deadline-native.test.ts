// The inline deadline: the native timer (native/deadline/warden_deadline.cc) when it is built,
// the vm watchdog otherwise (and always in worker threads). Both must stop wasm and JS loops at
// V8's interrupt checks, let the thread carry on, and pass the callee's own exceptions through.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { nativeDeadline } from '../../src/node/deadline-native.js';
import { invokeWithDeadline, isVmTimeout } from '../../src/node/inline.js';

const ADDON = new URL('../../../native/deadline/build/Release/warden_deadline.node', import.meta.url);

/** (module (func (export "spin") (loop (br 0)))) */
const SPIN = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 115, 112, 105, 110, 0, 0,
  10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11,
]);
const spin = (new WebAssembly.Instance(new WebAssembly.Module(SPIN)).exports as { spin: () => void }).spin;

function threads(): number {
  return Number(/Threads:\s+(\d+)/.exec(nfs.readFileSync('/proc/self/status', 'utf8'))![1]);
}

function stopped(fn: () => void, ms: number): { error: unknown; elapsed: number } {
  const t = performance.now();
  try {
    invokeWithDeadline(fn, ms);
  } catch (error) {
    return { error, elapsed: performance.now() - t };
  }
  assert.fail('the call returned instead of being stopped');
}

describe('inline deadline', () => {
  it('uses the native timer exactly when it is built (main thread, WARDEN_NATIVE unset)', () => {
    const want = process.platform === 'linux' && nfs.existsSync(ADDON) && process.env['WARDEN_NATIVE'] !== '0';
    assert.equal(nativeDeadline() !== null, want);
  });

  it('stops a wasm loop and a JS loop at the deadline, and the thread carries on', () => {
    for (const fn of [spin, (): void => { for (;;) { /* spin */ } }]) {
      const { error, elapsed } = stopped(fn, 40);
      assert.ok(isVmTimeout(error), String(error));
      assert.ok(elapsed >= 39 && elapsed < 1000, `stopped after ${elapsed} ms`);
    }
    let ran = false;
    invokeWithDeadline(() => { ran = true; }, 1000);
    assert.ok(ran);
  });

  it("passes the callee's exceptions through untouched", () => {
    const mine = new TypeError('mine');
    assert.throws(() => invokeWithDeadline(() => { throw mine; }, 1000), (e) => e === mine);
  });

  it('a try/catch inside the call cannot swallow the deadline', () => {
    let caught = 0;
    const { error } = stopped(() => {
      for (;;) {
        try { spin(); } catch { caught++; }
      }
    }, 40);
    assert.ok(isVmTimeout(error));
    assert.equal(caught, 0);
  });

  it('nested calls: the inner deadline fires first and the outer call goes on', () => {
    let inner: unknown = null;
    invokeWithDeadline(() => {
      try { invokeWithDeadline(spin, 30); } catch (e) { inner = e; }
    }, 5000);
    assert.ok(isVmTimeout(inner));
  });

  it('nested calls: the outer deadline stops an inner call with a later one', () => {
    let innerSaw: unknown = 'nothing';
    const { error } = stopped(() => {
      try { invokeWithDeadline(spin, 60_000); } catch (e) { innerSaw = e; }
    }, 40);
    assert.ok(isVmTimeout(error));
    assert.equal(innerSaw, 'nothing'); // the termination is not a catchable exception inside
  });

  it('arming costs no thread: 5,000 calls leave the thread count as it was', () => {
    invokeWithDeadline(() => {}, 1000);
    const before = threads();
    for (let i = 0; i < 5000; i++) invokeWithDeadline(() => {}, 30_000);
    assert.ok(threads() <= before + 1, `${before} -> ${threads()} threads`);
  });

  it('in a worker thread the vm watchdog stops the guest (no native timer there)', async () => {
    const url = new URL('../../src/node/inline.js', import.meta.url).href;
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then(({ invokeWithDeadline, isVmTimeout }) => {
        import(${JSON.stringify(new URL('../../src/node/deadline-native.js', import.meta.url).href)}).then(({ nativeDeadline }) => {
          const t = Date.now();
          try { invokeWithDeadline(() => { for (;;) {} }, 40); parentPort.postMessage('returned'); }
          catch (e) { parentPort.postMessage({ timeout: isVmTimeout(e), native: nativeDeadline() !== null, ms: Date.now() - t }); }
        });
      });`;
    const w = new Worker(code, { eval: true });
    const msg = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    assert.deepEqual({ ...(msg as object), ms: undefined }, { timeout: true, native: false, ms: undefined });
  });
});
