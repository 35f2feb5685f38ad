// Child process for the yosys host-stdio test. Yosys moves fds 1 and 2 away with fd_renumber
// around its embedded ABC and closes the saved copies afterwards; under node:wasi that closes
// this process's real stdout and stderr. The guest gets the host's own stdio here, twice, and
// after each run this process must still be able to print on both:
//   1. Warden's run() with stdout/stderr 'inherit';
//   2. the node:wasi drop-in with node:wasi's defaults (host fds 0-2), host dirs as preopens.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, memoryFs, WASI } from '../../../src/index.js';
import { yosysShareTree, type Tree } from './packages.js';
import { COUNTER_V, SYNTH_ARGS, yosysWasm } from './yosys.js';

function writeTree(dir: string, tree: Tree): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(join(dir, name), value);
    else writeTree(join(dir, name), value);
  }
}

const share = await yosysShareTree();

{
  const result = await run(yosysWasm(), {
    args: SYNTH_ARGS,
    stdout: 'inherit',
    stderr: 'inherit',
    mounts: { '/share': memoryFs(share), '/tmp': memoryFs(), '/work': memoryFs({ 'counter.v': COUNTER_V }) },
  });
  process.stdout.write(`HOST-STDOUT-ALIVE run() outcome=${result.outcome} exit=${result.exitCode}\n`);
  process.stderr.write('HOST-STDERR-ALIVE run()\n');
}

{
  const root = mkdtempSync(join(tmpdir(), 'warden-yosys-'));
  try {
    writeTree(join(root, 'share'), share);
    writeTree(join(root, 'tmp'), {});
    writeTree(join(root, 'work'), { 'counter.v': COUNTER_V });
    const wasi = new WASI({
      version: 'preview1',
      args: SYNTH_ARGS,
      env: {},
      returnOnExit: true,
      preopens: { '/share': join(root, 'share'), '/tmp': join(root, 'tmp'), '/work': join(root, 'work') },
    });
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(yosysWasm()), wasi.getImportObject());
    const exit = wasi.start(instance);
    process.stdout.write(`HOST-STDOUT-ALIVE WASI exit=${exit}\n`);
    process.stderr.write('HOST-STDERR-ALIVE WASI\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
