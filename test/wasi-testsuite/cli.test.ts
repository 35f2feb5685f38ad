// The wasi-testsuite ports through the `warden` command, the way the suite's runner drives a
// runtime (adapters/wasmtime.py): `--dir HOST::GUEST` or, in its older layout, `--dir NAME`
// relative to the test's folder; `--env K=V`; the module, then the config's args; stdin a pipe
// the runner closes; the exit status and (where configured) the exact stdout compared.
//
// The ways the suite's runners have granted fs-tests.dir rotate between tests (see cliForm);
// with a named preopen the Rust tests also get its name as argv[1].
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertOnlyCleanupLeft, hostScratch, listHost } from './scratch.js';
import { SUITE, cliForm, guestName, type CliForm, type SuiteTest } from './suite.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'bin/warden.js');

interface Ran { status: number | null; stdout: string; stderr: string }

function warden(args: string[], cwd: string): Promise<Ran> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end();  // as the runner's communicate(): no input, then end of file
  });
}

/** The command line the suite's adapter builds for test `t` in the given convention. */
function commandLine(t: SuiteTest, form: CliForm, scratchDir: string): string[] {
  const args = ['run'];
  if (t.scratch !== 'none') {
    if (form === 'relative') args.push('--dir', 'fs-tests.dir');  // the child's cwd holds it
    else args.push('--dir', `${scratchDir}::${form === 'named' ? 'fs-tests.dir' : '/'}`);
  }
  for (const [k, v] of Object.entries(t.env ?? {})) args.push('--env', `${k}=${v}`);
  args.push(join(root, 'fixtures/wasm', `${guestName(t)}.wasm`));
  if (t.scratch === 'rust' && form !== 'root') args.push('fs-tests.dir');
  args.push(...(t.args ?? []));
  return args;
}

describe('wasi-testsuite through the warden CLI', { concurrency: 4 }, () => {
  SUITE.forEach((t, i) => {
    const form = cliForm(i);
    it(`${t.suite}/${t.name} (${t.scratch === 'none' ? 'no dirs' : `--dir ${form}`})`, async () => {
      const s = hostScratch(t);
      try {
        const r = await warden(commandLine(t, form, s.dir), s.parent);
        assert.equal(r.status, t.exitCode ?? 0, `exit status; stderr: ${r.stderr}`);
        if (t.stdout !== undefined) assert.equal(r.stdout, t.stdout);
        if (t.scratch !== 'none') assertOnlyCleanupLeft(t, listHost(s.dir));
      } finally {
        s.cleanup();
      }
    });
  });
});
