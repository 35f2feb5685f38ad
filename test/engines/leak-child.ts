// Child of leak.test.ts (run with --expose-gc): many failing runs in one engine, then the
// process's fd count, heap and thread count against a baseline taken after a warm-up.
//   node --expose-gc dist/test/engines/leak-child.js <inline|worker|process> <runs> <concurrency>
import { readdirSync, readFileSync } from 'node:fs';
import { run } from '../../src/index.js';
import type { RunOptions } from '../../src/run/options.js';
import { guests } from './guests.js';
import { wat } from '../helpers/wat.js';

const [engine, runsArg, concArg] = process.argv.slice(2) as ['inline' | 'worker' | 'process', string, string];
const runs = Number(runsArg);
const concurrency = Number(concArg);

function snapshot(): { fds: number; heapUsed: number; threads: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  return {
    fds: readdirSync('/proc/self/fd').length,
    heapUsed: process.memoryUsage().heapUsed,
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)![1]),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    (globalThis as { gc?: () => void }).gc!();
  }
}

const recurse = await wat(`(module (memory (export "memory") 1)
  (func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))
  (func (export "_start") (drop (call $r (i32.const 0)))))`);
const kinds: [string, Uint8Array, RunOptions, string][] = [
  ['trap', await guests.trap(), {}, 'trapped'],
  ['stack', recurse, {}, 'trapped'],
  ['timeout', await guests.spin(), { limits: { timeoutMs: 5 } }, 'timeout'],
  ['sleep-timeout', await guests.sleep(), { clock: 'real', limits: { timeoutMs: 5 } }, 'timeout'],
  ['output', await guests.flood(), { limits: { outputBytes: 64 } }, 'limit'],
  ['memory', await guests.grow(), { limits: { memoryBytes: 4 * 65536 } }, 'limit'],
  ['host', await guests.hostThrows(), { imports: { env: { fail: () => { throw new Error('x'); } } } }, 'trapped'],
  ['rejected', new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), {}, 'rejected'],
  ['hostdir-missing-export', await wat('(module (func (export "_start")))'), {}, 'rejected'],
];
if (engine !== 'inline') kinds.push(['abort', await guests.spin(), { abort: true } as RunOptions, 'aborted']);

async function one(i: number): Promise<void> {
  const [name, bytes, o, expected] = kinds[i % kinds.length]!;
  const opts: RunOptions = { ...o, isolation: engine };
  if ((o as { abort?: boolean }).abort) {
    const ac = new AbortController();
    delete (opts as { abort?: boolean }).abort;
    opts.signal = ac.signal;
    opts.stdout = () => ac.abort();
  }
  const r = await run(bytes, opts);
  if (r.outcome !== expected) throw new Error(`${name}: expected ${expected}, got ${r.outcome} ${r.error?.message}`);
}

async function batch(n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await one(next++);
  }));
}

await batch(kinds.length * 3); // warm-up: modules loaded, code compiled, pools sized
await settle();
const before = snapshot();
await batch(runs);
await settle();
const after = snapshot();
process.stdout.write(JSON.stringify({ before, after }));
