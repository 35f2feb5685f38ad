// The wasi-testsuite ports through Warden's node:wasi drop-in (`new WASI({ preopens })`, the
// public API a node:wasi user switches to): host preopens in the convention the run() host test
// uses, exit code from start() with returnOnExit, exact stdout where the suite checks it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { WASI } from '../../src/index.js';
import { fixturePath } from '../helpers/guest.js';
import { assertOnlyCleanupLeft, hostScratch, listHost } from './scratch.js';
import { SUITE, apiHostConvention, guestName } from './suite.js';

describe('wasi-testsuite through the WASI drop-in', () => {
  SUITE.forEach((t, i) => {
    const convention = apiHostConvention(i);
    it(`${t.suite}/${t.name}`, async () => {
      const s = hostScratch(t);
      try {
        const args = [`${t.name}.wasm`];
        if (t.scratch === 'rust' && convention === 'named') args.push('fs-tests.dir');
        args.push(...(t.args ?? []));
        const wasi = new WASI({
          version: 'preview1', args, env: { ...t.env }, returnOnExit: true,
          preopens: t.scratch === 'none' ? {} : { [convention === 'named' ? 'fs-tests.dir' : '/']: s.dir },
          stdout: 'capture', stderr: 'capture',
        });
        const module = await WebAssembly.compile(readFileSync(fixturePath(guestName(t))));
        const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
        const stderr = new TextDecoder().decode(wasi.stderr);
        assert.equal(code, t.exitCode ?? 0, `exit code; stderr: ${stderr}`);
        if (t.stdout !== undefined) assert.equal(new TextDecoder().decode(wasi.stdout), t.stdout);
        if (t.scratch !== 'none') assertOnlyCleanupLeft(t, listHost(s.dir));
      } finally {
        s.cleanup();
      }
    });
  });
});
