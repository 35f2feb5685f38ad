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

test('yosys synthesizes a Verilog counter to a JSON netlist in a memory mount', async () => {
  const hostStdout = fstatSync(1);
  const hostStderr = fstatSync(2);
  const tmp = memoryFs();
  const work = memoryFs({ 'counter.v': COUNTER_V });
  const result = await run(wasm, {
    args: SYNTH_ARGS,
    stdout: 'capture',
    stderr: 'capture',
    mounts: { '/share': memoryFs(share), '/tmp': tmp, '/work': work },
  });
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0, text(result.stderr));

  // The log survives ABC's stdio shuffle: lines written after it reach captured stdout.
  const log = text(result.stdout);
  assert.match(log, /Executing ABC pass/);
  assert.match(log, /Executing JSON backend/);
  assert.match(log, /End of script\./);
  assert.equal(text(result.stderr), '');

  // The JSON file holds only JSON (no log lines leaked into it through a reused fd).
  const json = text(work.readFile('counter.json'));
  assert.equal(json[0], '{');
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

function runChild(mode: 'run' | 'wasi'): { status: number | null; stdout: string; stderr: string } {
  const child = fileURLToPath(new URL('./helpers/yosys-inherit-child.js', import.meta.url));
  return spawnSync(process.execPath, [child, mode], { encoding: 'utf8', timeout: 60_000 });
}

test("yosys given the host's stdio by run() leaves the host able to print afterwards", () => {
  const proc = runChild('run');
  assert.equal(proc.status, 0, proc.stderr);
  // Yosys's own log reached the inherited stdout, before and after ABC...
  assert.match(proc.stdout, /Executing ABC pass/);
  assert.match(proc.stdout, /End of script\./);
  // ...and the host printed on both streams after the guest was done with them.
  assert.ok(proc.stdout.endsWith('HOST-STDOUT-ALIVE outcome=exited exit=0\n'), proc.stdout.slice(-300));
  assert.ok(proc.stderr.endsWith('HOST-STDERR-ALIVE\n'), proc.stderr);
});

test("yosys under the node:wasi drop-in with node:wasi's default stdio leaves the host's fds open", () => {
  const proc = runChild('wasi');
  assert.equal(proc.status, 0, proc.stderr);
  assert.match(proc.stdout, /End of script\./);
  assert.ok(proc.stdout.endsWith('HOST-STDOUT-ALIVE exit=0\n'), proc.stdout.slice(-300));
  assert.ok(proc.stderr.endsWith('HOST-STDERR-ALIVE\n'), proc.stderr);
});
