// The core conformance guests (fixtures/c: path, fd, fd_readdir, poll, sock) run against a hostDir
// mount must report exactly what they report against memoryFs: host mounts behave like every
// other mount.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileSystem } from '../../src/fs/types.js';
import { hostDir, memoryFs, run } from '../../src/index.js';
import { removeDir, tempDir } from './host-fs-helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

const text = (b?: Uint8Array): string => new TextDecoder().decode(b);

async function runGuest(name: string, fs: FileSystem): Promise<{ code: number | null; out: string }> {
  const wasm = fileURLToPath(new URL(`../../../fixtures/wasm/${name}.wasm`, import.meta.url));
  const r = await run(wasm, {
    args: [name, '/sandbox', '-k'], mounts: { '/sandbox': fs }, stdout: 'capture', stderr: 'capture', clock: 'real',
  });
  return { code: r.exitCode, out: text(r.stdout) };
}

/** poll and sock expect a regular file a.txt in the preopen. */
const A_TXT = 'hello from a.txt\n';

for (const name of ['path', 'fd', 'fd_readdir', 'poll', 'sock']) {
  it(`conformance guest ${name}: hostDir reports what memoryFs reports`, async (t) => {
    const dir = tempDir();
    dirs.push(dir);
    nfs.writeFileSync(`${dir}/a.txt`, A_TXT);
    const host = await runGuest(name, hostDir(dir));
    const mem = await runGuest(name, memoryFs({ 'a.txt': A_TXT }));
    assert.equal(host.out, mem.out);
    assert.equal(host.code, mem.code);
    assert.match(host.out, /(PASS|FAILED) .*checks/);
    t.diagnostic(host.out.trim().split('\n').pop() ?? '');
  });
}
