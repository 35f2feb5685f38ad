// Plugins in every engine: state between calls, numbers, bytes, host functions, failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlugin, type PluginOptions } from '../../src/node/plugin.js';
import { hostBytes } from '../../src/node/host-functions.js';
import { GuestTrap, TimeoutError, WardenUsageError } from '../../src/run/errors.js';
import { pluginGuest } from './guests.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

for (const isolation of ['inline', 'worker', 'process'] as const) {
  const shout = isolation === 'inline'
    ? hostBytes((b) => text(b) + '!')
    : hostBytes(async (b) => { await new Promise((r) => setTimeout(r, 1)); return text(b) + '!'; });
  const load = async (o: PluginOptions = {}) => loadPlugin(await pluginGuest(), { isolation, imports: { env: { shout } }, ...o });

  test(`${isolation} plugin: _initialize, state, numbers, bytes, host bytes`, async () => {
    const p = await load();
    try {
      assert.equal(text(p.takeOutput().stdout), 'init\n');
      assert.equal(await p.call('add', 2, 3), 5);
      assert.equal(await p.call('add64', 2n ** 40n, 1n), 2n ** 40n + 1n);
      assert.equal(await p.call('bump'), 101);
      assert.equal(await p.call('bump'), 102);
      assert.equal(text(await p.callBytes('upper', 'hello, plugin')), 'HELLO, PLUGIN');
      assert.equal(text(await p.callBytes('viaHost', 'hey')), 'hey!');
      await assert.rejects(p.call('nope'), WardenUsageError);
      assert.equal(await p.call('bump'), 103); // a usage error leaves the instance alone
    } finally {
      await p.close();
    }
  });

  test(`${isolation} plugin: a trap ends the instance; recreateOnTrap starts a fresh one`, async () => {
    const p = await load({ recreateOnTrap: true });
    try {
      assert.equal(await p.call('bump'), 101);
      await assert.rejects(p.call('crash'), (e: unknown) => e instanceof GuestTrap && e.kind === 'unreachable');
      assert.equal(await p.call('bump'), 101);
    } finally {
      await p.close();
    }
    const q = await load();
    try {
      await assert.rejects(q.call('crash'), GuestTrap);
      await assert.rejects(q.call('bump'), /recreateOnTrap/);
    } finally {
      await q.close();
    }
  });

  test(`${isolation} plugin: per-call deadline`, async () => {
    const p = await load({ recreateOnTrap: true, limits: { timeoutMs: 150 } });
    try {
      await assert.rejects(p.call('spin'), TimeoutError);
      assert.equal(await p.call('add', 1, 1), 2);
    } finally {
      await p.close();
    }
  });
}

for (const isolation of ['worker', 'process'] as const) {
  test(`${isolation} plugin: an AbortSignal stops a running call`, async () => {
    const ac = new AbortController();
    const p = await loadPlugin(await pluginGuest(), { isolation, signal: ac.signal, imports: { env: { shout: hostBytes(() => null) } } });
    try {
      setTimeout(() => ac.abort(), 50);
      const t = performance.now();
      await assert.rejects(p.call('spin'), (e: unknown) => (e as Error).name === 'AbortError');
      assert.ok(performance.now() - t < 2000);
      await assert.rejects(p.call('bump'), /ended/);
    } finally {
      await p.close();
    }
  });
}
