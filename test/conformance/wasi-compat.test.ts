// The node:wasi drop-in runs the same conformance guests with node:wasi's constructor options
// (preopens to a host directory) and gives the same answers as run().
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { WASI } from '../../src/index.js';
import { fixturePath } from '../helpers/guest.js';

async function startWithDropIn(name: string, args: string[]): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-dropin-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'hello from a.txt\n');
    const wasi = new WASI({
      version: 'preview1', args: [name, ...args], env: {}, preopens: { '/sandbox': dir },
      returnOnExit: true, stdout: 'capture', stderr: 'capture', clock: 'real',
    });
    const module = await WebAssembly.compile(readFileSync(fixturePath(name)));
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const code = wasi.start(instance);
    return { code, out: new TextDecoder().decode(wasi.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const name of ['fd', 'fd_readdir', 'path', 'poll', 'sock']) {
  it(`${name} passes through the WASI drop-in with a host preopen`, async () => {
    const r = await startWithDropIn(name, ['/sandbox']);
    const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
    assert.deepEqual(fails, [], r.out.split('\n').slice(-3).join('\n'));
    assert.equal(r.code, 0);
    assert.match(r.out, /^PASS \d+ checks$/m);
  });
}

it('proc_exit through the drop-in returns the code and does not end the host', async () => {
  const r = await startWithDropIn('proc', ['exit', '42']);
  assert.equal(r.code, 42);
  assert.equal(r.out, 'before exit 42\n');
});
