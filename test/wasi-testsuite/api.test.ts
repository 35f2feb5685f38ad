// The wasi-testsuite ports through run(): every test on a memoryFs mount in both directory
// conventions (fs-tests.dir as the preopen's name, or mounted at "/"), on a hostDir in the
// convention the CLI test does not use for it, and on an overlay of a hostDir in the other;
// with the config's args and env, real clocks and crypto random (the CLI's defaults) and nothing
// else; exit code and exact stdout as the suite checks them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostDir, memoryFs, overlay, run } from '../../src/index.js';
import { fixturePath } from '../helpers/guest.js';
import { assertOnlyCleanupLeft, hostScratch, listHost, seedTree } from './scratch.js';
import { SUITE, apiHostConvention, guestName, type Convention, type SuiteTest } from './suite.js';

type Kind = 'host' | 'memory' | 'overlay';

async function runPort(t: SuiteTest, convention: Convention, kind: Kind) {
  const host = kind !== 'memory' ? hostScratch(t) : undefined;
  const before = host !== undefined ? listHost(host.dir) : [];
  const fs = host === undefined ? memoryFs(seedTree(t)) : kind === 'overlay' ? overlay(hostDir(host.dir)) : hostDir(host.dir);
  try {
    const args = [`${t.name}.wasm`];
    if (t.scratch === 'rust' && convention === 'named') args.push('fs-tests.dir');
    args.push(...(t.args ?? []));
    const r = await run(fixturePath(guestName(t)), {
      args,
      env: { ...t.env },
      clock: 'real',
      random: 'crypto',
      stdin: { text: '' },
      stdout: 'capture',
      stderr: 'capture',
      mounts: t.scratch === 'none' ? {} : { [convention === 'named' ? 'fs-tests.dir' : '/']: fs },
      limits: { timeoutMs: 10_000 },
    });
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.outcome, 'exited', `${r.outcome} ${String(r.error)}; stderr: ${stderr}`);
    assert.equal(r.exitCode, t.exitCode ?? 0, `exit code; stderr: ${stderr}`);
    if (t.stdout !== undefined) assert.equal(new TextDecoder().decode(r.stdout), t.stdout);
    if (kind === 'host' && host !== undefined && t.scratch !== 'none') assertOnlyCleanupLeft(t, listHost(host.dir));
    // An overlay keeps every change in memory: the directory under it is as it was.
    if (kind === 'overlay' && host !== undefined) assert.deepEqual(listHost(host.dir), before);
  } finally {
    host?.cleanup();
  }
}

describe('wasi-testsuite through run() on a memory mount', () => {
  for (const t of SUITE) {
    it(`${t.suite}/${t.name}`, async () => {
      await runPort(t, 'named', 'memory');
      if (t.scratch !== 'none') await runPort(t, 'root', 'memory');
    });
  }
});

describe('wasi-testsuite through run() on a host directory', () => {
  SUITE.forEach((t, i) => {
    if (t.scratch === 'none') return;
    const convention = apiHostConvention(i);
    it(`${t.suite}/${t.name} (${convention})`, () => runPort(t, convention, 'host'));
  });
});

describe('wasi-testsuite through run() on an overlay of a host directory', () => {
  SUITE.forEach((t, i) => {
    if (t.scratch === 'none') return;
    const convention = apiHostConvention(i) === 'named' ? 'root' : 'named';
    it(`${t.suite}/${t.name} (${convention})`, () => runPort(t, convention, 'overlay'));
  });
});
