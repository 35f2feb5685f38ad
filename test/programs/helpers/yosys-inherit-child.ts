// Child process for the yosys host-stdio tests. Yosys moves fds 1 and 2 away with fd_renumber
// around its embedded ABC and closes the saved copies afterwards; under node:wasi that closes
// this process's real stdout and stderr. The guest gets the host's own stdio here, then this
// process must still be able to print on both.
//
//   node yosys-inherit-child.js run   -> Warden's run() with stdout/stderr 'inherit'
//   node yosys-inherit-child.js wasi  -> the node:wasi drop-in with node:wasi's defaults
//                                        (host fds 0-2) and host directories as preopens

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

const mode = process.argv[2];
const share = await yosysShareTree();
let summary: string;

if (mode === 'run') {
  const result = await run(yosysWasm(), {
    args: SYNTH_ARGS,
    stdout: 'inherit',
    stderr: 'inherit',
    mounts: { '/share': memoryFs(share), '/tmp': memoryFs(), '/work': memoryFs({ 'counter.v': COUNTER_V }) },
  });
  summary = `outcome=${result.outcome} exit=${result.exitCode}`;
} else if (mode === 'wasi') {
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
    summary = `exit=${wasi.start(instance)}`;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(`HOST-STDOUT-ALIVE ${summary}\n`);
process.stderr.write('HOST-STDERR-ALIVE\n');
