// The tenant pool: warm reuse, tenant separation, replacement after failures, back-pressure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool, PoolFullError } from '../../src/node/pool.js';
import { guests } from './guests.js';

test('pool: a tenant reuses its warm process; other tenants get their own', async () => {
  const pool = new Pool({ maxProcesses: 2 });
  try {
    const hello = await guests.exit3();
    const r1 = await pool.run('a', hello);
    assert.equal(r1.exitCode, 3);
    assert.equal(new TextDecoder().decode(r1.stdout), 'before\n');
    const [pidA] = pool.processIds('a');
    for (let i = 0; i < 5; i++) assert.equal((await pool.run('a', hello)).exitCode, 3);
    assert.deepEqual(pool.processIds('a'), [pidA]);
    await pool.run('b', hello);
    const [pidB] = pool.processIds('b');
    assert.notEqual(pidB, pidA);
    assert.equal(pool.stats().processes, 2);
  } finally {
    await pool.close();
  }
  assert.equal(pool.stats().processes, 0);
});

test('pool: at maxProcesses an idle process of another tenant is ended, never reused', async () => {
  const pool = new Pool({ maxProcesses: 1 });
  try {
    const hello = await guests.exit3();
    await pool.run('a', hello);
    const [pidA] = pool.processIds('a');
    await pool.run('b', hello);
    const [pidB] = pool.processIds('b');
    assert.notEqual(pidB, pidA);
    assert.deepEqual(pool.processIds('a'), []);
  } finally {
    await pool.close();
  }
});

test('pool: a process whose run trapped or timed out is replaced; recycleAfterRuns', async () => {
  const pool = new Pool({ maxProcesses: 2, recycleAfterRuns: 3 });
  try {
    const hello = await guests.exit3();
    await pool.run('a', hello);
    const [p1] = pool.processIds('a');
    assert.equal((await pool.run('a', await guests.trap())).outcome, 'trapped');
    await pool.run('a', hello);
    const [p2] = pool.processIds('a');
    assert.notEqual(p2, p1);
    assert.equal((await pool.run('a', await guests.spin(), { limits: { timeoutMs: 100 } })).outcome, 'timeout');
    await pool.run('a', hello);
    const [p3] = pool.processIds('a');
    assert.notEqual(p3, p2);
    await pool.run('a', hello);
    await pool.run('a', hello); // third run of p3: recycled afterwards
    await pool.run('a', hello);
    assert.notEqual(pool.processIds('a')[0], p3);
  } finally {
    await pool.close();
  }
});

test('pool: a crashed child becomes a typed result and the pool carries on', async () => {
  const pool = new Pool({ maxProcesses: 1 });
  try {
    const spin = await guests.spin();
    let seen = '';
    const r = await pool.run('a', spin, { stdout: (c) => { seen += new TextDecoder().decode(c); process.kill(pool.processIds('a')[0]!, 'SIGSEGV'); } });
    assert.equal(r.outcome, 'trapped');
    assert.equal(r.error?.kind, 'other');
    assert.match(r.error!.message, /SIGSEGV/);
    assert.equal(seen, 'before\n');
    assert.equal((await pool.run('a', await guests.exit3())).exitCode, 3);
  } finally {
    await pool.close();
  }
});

test('pool: queueing, back-pressure and abort while queued', async () => {
  const pool = new Pool({ maxProcesses: 1, maxQueue: 2 });
  try {
    const spin = await guests.spin();
    const hello = await guests.exit3();
    const first = pool.run('a', spin, { limits: { timeoutMs: 300 } });
    const ac = new AbortController();
    const second = pool.run('b', hello, { signal: ac.signal });
    const third = pool.run('a', hello);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.stats().queued, 2);
    await assert.rejects(pool.run('c', hello), PoolFullError);
    ac.abort();
    assert.equal((await second).outcome, 'aborted');
    assert.equal((await first).outcome, 'timeout');
    assert.equal((await third).exitCode, 3);
  } finally {
    await pool.close();
  }
});

test('pool: host functions (async) and maxPerTenant parallelism', async () => {
  const pool = new Pool({ maxProcesses: 3, maxPerTenant: 2 });
  try {
    const add = await guests.add();
    const r = await pool.run('a', add, { imports: { env: { add: async (a: number, b: number) => a + b } } });
    assert.equal(r.exitCode, 42);
    const spin = await guests.spin();
    const both = [pool.run('a', spin, { limits: { timeoutMs: 300 } }), pool.run('a', spin, { limits: { timeoutMs: 300 } })];
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(pool.processIds('a').length, 2);
    assert.equal(pool.stats().queued, 0);
    for (const x of await Promise.all(both)) assert.equal(x.outcome, 'timeout');
  } finally {
    await pool.close();
  }
});

test('pool: idle children end after idleTimeoutMs and do not keep the host alive', async () => {
  const pool = new Pool({ maxProcesses: 1, idleTimeoutMs: 100 });
  try {
    await pool.run('a', await guests.exit3());
    assert.equal(pool.stats().idle, 1);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(pool.stats().processes, 0);
    assert.equal((await pool.run('a', await guests.exit3())).exitCode, 3);
  } finally {
    await pool.close();
  }
});
