// Real program: Yosys 0.55 (@yowasp/yosys@0.55.944). Its `gen/yosys.core.wasm` is a plain
// preview 1 command module; YoWASP normally wraps it in a component, here Warden runs it
// directly. It needs the `share/` tree YoWASP packs in `gen/resources-yosys.js` under /share
// and an empty /tmp (its embedded ABC works in a temporary directory there).
//
// Around ABC, Yosys saves stdout/stderr by fd_renumber-ing them onto spare fds, points fd 1 at
// a log file, and afterwards renumbers them back and closes the spare fds. A host that maps
// guest fds straight onto its own (node:wasi) ends up closing its real stdout and stderr and
// writing Yosys's log into the JSON output; these tests pin the correct behaviour.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fstatSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, memoryFs } from '../../src/index.js';
import { yosysShareTree, treeStats } from './helpers/packages.js';
import { NetlistSim, type JsonModule } from './helpers/netlist.js';
import { COUNTER_V, SYNTH_ARGS, yosysWasm } from './helpers/yosys.js';

const wasm = yosysWasm();
const share = await yosysShareTree();
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array());

test('the share tree unpacked from the package is complete', () => {
  const stats = treeStats(share);
  assert.equal(stats.files, 317);
  assert.equal(stats.bytes, 8551458);
  assert.equal(typeof share['techmap.v'], 'string');
});

/** Runs the counter synthesis with fresh /tmp and /work mounts. */
async function synthCounter(isolation: 'inline' | 'worker') {
  const tmp = memoryFs();
  const work = memoryFs({ 'counter.v': COUNTER_V });
  const result = await run(wasm, {
    args: SYNTH_ARGS,
    stdout: 'capture',
    stderr: 'capture',
    mounts: { '/share': memoryFs(share), '/tmp': tmp, '/work': work },
    isolation,
  });
  return { result, tmp, work };
}

// The netlist is deterministic: these are its exact size and digest, the same as node:wasi's
// output once the log lines node:wasi leaks into the file are removed.
const JSON_BYTES = 6575;
const JSON_SHA256 = '48b67502210adfcdd7d1e272c98f439762d2a434d7812c85eb603c74729bc046';
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('yosys synthesizes a Verilog counter to a JSON netlist in a memory mount', async () => {
  const hostStdout = fstatSync(1);
  const hostStderr = fstatSync(2);
  const { result, tmp, work } = await synthCounter('inline');
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0, text(result.stderr));

  // The log survives ABC's stdio shuffle: lines written after it reach captured stdout.
  const log = text(result.stdout);
  assert.match(log, /Executing ABC pass/);
  assert.match(log, /Executing JSON backend/);
  assert.match(log, /End of script\./);
  assert.equal(text(result.stderr), '');
  // Yosys reads the clocks for its timing report; none was granted, so those reads (and only
  // those) were denied, and it carried on.
  assert.ok(result.denials.length > 0);
  assert.deepEqual(new Set(result.denials.map((d) => `${d.capability} ${d.call}`)), new Set(['clock clock_time_get']));

  // The JSON file holds only JSON (no log lines leaked into it through a reused fd).
  const bytes = work.readFile('counter.json');
  const json = text(bytes);
  assert.equal(json[0], '{');
  assert.equal(bytes.length, JSON_BYTES);
  assert.equal(sha256(bytes), JSON_SHA256);
  const netlist = JSON.parse(json) as { creator: string; modules: Record<string, JsonModule> };
  assert.match(netlist.creator, /^Yosys 0\.55 /);
  assert.deepEqual(Object.keys(netlist.modules), ['counter']);
  const mod = netlist.modules.counter!;
  assert.deepEqual(mod.ports, {
    clk: { direction: 'input', bits: [2] },
    rst: { direction: 'input', bits: [3] },
    q: { direction: 'output', bits: [4, 5, 6, 7] },
  });
  const counts: Record<string, number> = {};
  for (const cell of Object.values(mod.cells)) counts[cell.type] = (counts[cell.type] ?? 0) + 1;
  assert.deepEqual(counts, { $_NOT_: 1, $_AND_: 2, $_XOR_: 3, $_SDFF_PP0_: 4 });

  // The synthesized gates count modulo 16 and reset synchronously.
  const sim = new NetlistSim(mod);
  sim.set('rst', 1);
  sim.tick();
  assert.equal(sim.get('q'), 0);
  sim.set('rst', 0);
  const seen: number[] = [];
  for (let i = 0; i < 18; i++) { sim.tick(); seen.push(sim.get('q')); }
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2]);
  sim.set('rst', 1);
  sim.tick();
  assert.equal(sim.get('q'), 0);

  // ABC's temporary directory was created under /tmp and removed again.
  assert.deepEqual(tmp.list(), []);

  // The host's own stdio is untouched: same open files, still writable.
  assert.deepEqual([fstatSync(1).ino, fstatSync(1).dev], [hostStdout.ino, hostStdout.dev]);
  assert.deepEqual([fstatSync(2).ino, fstatSync(2).dev], [hostStderr.ino, hostStderr.dev]);
  assert.equal(writeSync(1, new Uint8Array(0)), 0);
  assert.equal(writeSync(2, new Uint8Array(0)), 0);
});

test('yosys in a worker thread writes the identical netlist', async () => {
  const { result, tmp, work } = await synthCounter('worker');
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0);
  assert.match(text(result.stdout), /End of script\./);
  assert.equal(sha256(work.readFile('counter.json')), JSON_SHA256);
  assert.deepEqual(tmp.list(), []);
});

test('yosys runs a command script read from stdin', async () => {
  const work = memoryFs({ 'counter.v': COUNTER_V });
  const result = await run(wasm, {
    args: ['yosys', '-q'],
    stdin: { text: 'read_verilog /work/counter.v\nsynth -top counter\ntee -o /work/stat.txt stat\n' },
    stdout: 'capture',
    stderr: 'capture',
    mounts: { '/share': memoryFs(share), '/tmp': memoryFs(), '/work': work },
  });
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0);
  // Quiet interactive mode: one prompt per command read, then "exit" at end of input.
  assert.equal(text(result.stdout), '\nyosys> \nyosys> \nyosys> \nyosys> exit\n');
  assert.equal(text(result.stderr), '');
  assert.equal(work.readText('stat.txt'), [
    '',
    '3. Printing statistics.',
    '',
    '=== counter ===',
    '',
    '   Number of wires:                  7',
    '   Number of wire bits:             16',
    '   Number of public wires:           3',
    '   Number of public wire bits:       6',
    '   Number of ports:                  3',
    '   Number of port bits:              6',
    '   Number of memories:               0',
    '   Number of memory bits:            0',
    '   Number of processes:              0',
    '   Number of cells:                 10',
    '     $_AND_                          2',
    '     $_NOT_                          1',
    '     $_SDFF_PP0_                     4',
    '     $_XOR_                          3',
    '',
    '',
  ].join('\n'));
});

test("yosys given the host's own stdio leaves the host able to print afterwards", () => {
  const child = fileURLToPath(new URL('./helpers/yosys-inherit-child.js', import.meta.url));
  const proc = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(proc.status, 0, proc.stderr);
  // Each run's log reached the inherited stdout, before and after ABC, and the host printed on
  // both streams after the guest was done with them: first run() with 'inherit', then the
  // node:wasi drop-in with node:wasi's default stdio (host fds 1 and 2).
  const [first, second] = proc.stdout.split('HOST-STDOUT-ALIVE run() outcome=exited exit=0\n');
  assert.ok(second !== undefined, proc.stdout.slice(-400));
  for (const log of [first!, second]) {
    assert.match(log, /Executing ABC pass/);
    assert.match(log, /End of script\./);
  }
  assert.ok(second.endsWith('HOST-STDOUT-ALIVE WASI exit=0\n'), second.slice(-300));
  assert.equal(proc.stderr, 'HOST-STDERR-ALIVE run()\nHOST-STDERR-ALIVE WASI\n');
});
