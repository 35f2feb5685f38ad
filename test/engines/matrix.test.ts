// The same guests through every engine give the same outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, memoryFs, virtualDir, file, WardenUsageError } from '../../src/index.js';
import type { RunOptions } from '../../src/run/options.js';
import { guests } from './guests.js';

const engines = ['inline', 'worker', 'process'] as const;
const text = (b?: Uint8Array): string => new TextDecoder().decode(b);

for (const isolation of engines) {
  const go = (bytes: Uint8Array, o: RunOptions = {}) => run(bytes, { ...o, isolation });

  test(`${isolation}: exit code and output`, async () => {
    const r = await go(await guests.exit3());
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 3);
    assert.equal(text(r.stdout), 'before\n');
  });

  test(`${isolation}: trap with kind and frames`, async () => {
    const r = await go(await guests.trap());
    assert.equal(r.outcome, 'trapped');
    assert.equal(r.error?.kind, 'unreachable');
    assert.ok('frames' in r.error! && r.error.frames.length > 0);
    assert.equal(text(r.stdout), 'before\n');
  });

  test(`${isolation}: infinite loop stops at the deadline, output kept`, async () => {
    const t = performance.now();
    const r = await go(await guests.spin(), { limits: { timeoutMs: 200 } });
    assert.equal(r.outcome, 'timeout');
    assert.equal(r.error?.kind, 'timeout');
    assert.equal(text(r.stdout), 'before\n');
    assert.equal(r.memoryPeakBytes, 65536, 'the guest side reports the full result');
    assert.ok(performance.now() - t < 3000);
  });

  test(`${isolation}: sleep in poll_oneoff stops at the deadline`, async () => {
    const t = performance.now();
    const r = await go(await guests.sleep(), { clock: 'real', limits: { timeoutMs: 200 } });
    assert.equal(r.outcome, 'timeout');
    assert.equal(text(r.stdout), 'before\n');
    assert.ok(performance.now() - t < 3000);
  });

  test(`${isolation}: output limit`, async () => {
    const r = await go(await guests.flood(), { limits: { outputBytes: 100, timeoutMs: 5000 } });
    assert.equal(r.outcome, 'limit');
    assert.equal(r.error && 'limit' in r.error ? r.error.limit : null, 'output');
    assert.equal(r.stdout?.length, 100);
  });

  test(`${isolation}: memory cap makes memory.grow fail → limit memory`, async () => {
    const r = await go(await guests.grow(), { limits: { memoryBytes: 4 * 65536 } });
    assert.equal(r.outcome, 'limit');
    assert.equal(r.error && 'limit' in r.error ? r.error.limit : null, 'memory');
  });

  test(`${isolation}: host function`, async () => {
    const r = await go(await guests.add(), { imports: { env: { add: (a: number, b: number) => a + b } } });
    assert.equal(r.outcome, 'exited');
    assert.equal(r.exitCode, 42);
  });

  test(`${isolation}: host function that throws → host_function trap`, async () => {
    const r = await go(await guests.hostThrows(), { imports: { env: { fail: () => { throw new Error('boom'); } } } });
    assert.equal(r.outcome, 'trapped');
    assert.equal(r.error?.kind, 'host_function');
    assert.equal(r.error!.message, 'host function env.fail failed: boom');
    assert.ok('frames' in r.error! && r.error.frames.length > 0, 'the guest stack is kept');
  });

  test(`${isolation}: already-aborted signal`, async () => {
    const r = await go(await guests.exit3(), { signal: AbortSignal.abort() });
    assert.equal(r.outcome, 'aborted');
  });

  if (isolation !== 'inline') {
    test(`${isolation}: abort mid-compute`, async () => {
      const ac = new AbortController();
      const p = go(await guests.spin(), { signal: ac.signal, stdout: (c) => { if (text(c) === 'before\n') setTimeout(() => ac.abort(), 20); } });
      const r = await p;
      assert.equal(r.outcome, 'aborted');
      assert.equal(r.error?.kind, 'aborted');
    });

    test(`${isolation}: abort during poll_oneoff sleep`, async () => {
      const ac = new AbortController();
      const t = performance.now();
      const r = await go(await guests.sleep(), { clock: 'real', signal: ac.signal, stdout: () => setTimeout(() => ac.abort(), 20) });
      assert.equal(r.outcome, 'aborted');
      assert.ok(performance.now() - t < 3000);
    });

    test(`${isolation}: async host function`, async () => {
      const r = await go(await guests.add(), {
        imports: { env: { add: async (a: number, b: number) => { await new Promise((res) => setTimeout(res, 5)); return a + b; } } },
      });
      assert.equal(r.outcome, 'exited');
      assert.equal(r.exitCode, 42);
    });
  } else {
    test('inline: async host function is refused with a clear error', async () => {
      await assert.rejects(go(await guests.add(), { imports: { env: { add: async (a: number, b: number) => a + b } } }), /inline mode needs synchronous host functions/);
      const r = await go(await guests.add(), { imports: { env: { add: (a: number, b: number) => Promise.resolve(a + b) } } });
      assert.equal(r.outcome, 'trapped');
      assert.equal(r.error?.kind, 'host_function');
      assert.match(r.error!.message, /inline mode needs synchronous host functions/);
    });
  }
}

for (const isolation of engines) {
  test(`${isolation}: fuel budget gives the same fuelUsed and a fuel limit`, async () => {
    const spin = await guests.spin();
    const r = await run(spin, { isolation, limits: { fuel: 100_000, timeoutMs: 5000 } });
    assert.equal(r.outcome, 'limit');
    assert.equal(r.error && 'limit' in r.error ? r.error.limit : null, 'fuel');
    const ok = await run(await guests.exit3(), { isolation, limits: { fuel: 100_000 } });
    assert.equal(ok.outcome, 'exited');
    assert.ok(typeof ok.fuelUsed === 'number' && ok.fuelUsed > 0);
    const again = await run(await guests.exit3(), { isolation, limits: { fuel: 100_000 } });
    assert.equal(again.fuelUsed, ok.fuelUsed);
  });

  test(`${isolation}: memoryBytes rewrites the module maximum`, async () => {
    const grow = await guests.growUnbounded();
    const r = await run(grow, { isolation, limits: { memoryBytes: 8 * 65536 } });
    assert.equal(r.outcome, 'limit');
    assert.equal(r.error && 'limit' in r.error ? r.error.limit : null, 'memory');
    assert.ok(r.memoryPeakBytes <= 8 * 65536 || r.memoryPeakBytes === 0);
  });
}

for (const isolation of engines) {
  test(`${isolation}: stdin bytes in, memoryFs changes written back to the host object`, async () => {
    const fs = memoryFs({ 'old.txt': 'x' });
    const r = await run(await guests.echoAndWrite(), { isolation, stdin: { text: 'from stdin' }, mounts: { '/out': fs } });
    assert.equal(r.outcome, 'exited', r.error?.message);
    assert.equal(r.exitCode, 0);
    assert.equal(text(r.stdout), 'from stdin');
    assert.equal(fs.readText('made.txt'), 'made');
    assert.equal(fs.readText('old.txt'), 'x');
  });

  test(`${isolation}: stack overflow is a typed trap`, async () => {
    const r = await run(await guests.recurse(), { isolation, ...(isolation !== 'inline' ? { stackSizeMb: 2 } : {}) });
    assert.equal(r.outcome, 'trapped');
    assert.equal(r.error?.kind, 'stack_overflow');
  });

  test(`${isolation}: trace lines reach the host`, async () => {
    const lines: string[] = [];
    const r = await run(await guests.exit3(), { isolation, trace: (l) => lines.push(l) });
    assert.equal(r.exitCode, 3);
    assert.ok(lines.some((l) => l.startsWith('fd_write(')), lines.join('\n'));
  });
}

test('worker: a memoryFs with a quota keeps it across the thread boundary', async () => {
  const fs = memoryFs({ quota: { files: 1 } });
  fs.writeFile('taken.txt', '1');
  const r = await run(await guests.echoAndWrite(), { isolation: 'worker', mounts: { '/out': fs } });
  assert.equal(r.exitCode, 9); // path_open failed: the quota allows one file
  assert.equal(fs.exists('made.txt'), false);
});

test('worker/process: mounts that cannot cross are refused clearly', async () => {
  for (const isolation of ['worker', 'process'] as const) {
    await assert.rejects(run(await guests.exit3(), { isolation, mounts: { '/v': virtualDir({ a: { read: () => 'x' } }) } }), /cannot cross to a worker or child process/);
  }
});

test('worker/process: bad clock options reject as usage errors before anything starts', async () => {
  for (const isolation of ['worker', 'process'] as const) {
    await assert.rejects(run(await guests.exit3(), { isolation, clock: { coarse: { resolutionMs: -1 } } }), /clock: .*resolutionMs/);
  }
});

for (const isolation of engines) {
  test(`${isolation}: a host function that was not granted fails to link`, async () => {
    const r = await run(await guests.add(), { isolation, imports: { env: {} } });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.error?.kind, 'link');
  });
}

test('every engine: a file mount colliding with a directory mount is a usage error', async () => {
  for (const isolation of engines) {
    await assert.rejects(run(await guests.exit3(), { isolation, mounts: { '/etc': memoryFs(), '/etc/app.json': file('{}') } }), WardenUsageError, isolation);
  }
});

for (const isolation of ['worker', 'process'] as const) {
  test(`${isolation}: a guest blocked in a host function that never answers still times out`, async () => {
    const t = performance.now();
    const r = await run(await guests.add(), { isolation, limits: { timeoutMs: 200 }, imports: { env: { add: () => new Promise(() => {}) } } });
    assert.equal(r.outcome, 'timeout');
    assert.ok(performance.now() - t < 3000);
  });
}

test('a compiled WebAssembly.Module runs inline and in a worker; the process engine needs bytes', async () => {
  const module = await WebAssembly.compile((await guests.exit3()) as Uint8Array<ArrayBuffer>);
  for (const isolation of ['inline', 'worker'] as const) assert.equal((await run(module, { isolation })).exitCode, 3);
  await assert.rejects(run(module, { isolation: 'process' }), /needs the module as bytes or a path/);
});
