// Compute, clock+random and hello-world instantiate+run cases.
import { run } from '../src/index.js';
import type { Case } from './case.js';
import { captureFd, devNull, expectOk, expectSameOutput, fixture } from './env.js';
import { runNodeWasi } from './node-wasi.js';

const SHA_ROUNDS = '800';    // 800 x 64 KiB of SHA-256 blocks: ~200 ms
const CLOCK_CALLS = '200000'; // 200k clock_time_get + 200k random_get(16)

export function sysCases(): Case[] {
  return [
    {
      id: 'compute', name: 'compute: SHA-256 of 50 MiB, no syscalls', target: '<= 1.00', unit: 'ms',
      opts: { iterations: 9, warmup: 1, budgetMs: 12_000 },
      async prepare() {
        const m = fixture('bench-compute');
        const args = ['compute', SHA_ROUNDS];
        expectSameOutput('compute', await run(m, { args }), captureFd((fd) => runNodeWasi(m, { args, stdout: fd })));
        return {
          warden: async () => expectOk(await run(m, { args, stdout: 'discard' }), 'compute'),
          node: () => runNodeWasi(m, { args, stdout: devNull() }),
        };
      },
    },
    {
      id: 'clock', name: `clock+random: ${Number(CLOCK_CALLS) / 1000}k clock_time_get + ${Number(CLOCK_CALLS) / 1000}k random_get(16)`,
      target: '<= 1.00', unit: 'ms',
      opts: { iterations: 9, warmup: 1, budgetMs: 12_000 },
      async prepare() {
        const m = fixture('bench-clock');
        const args = ['clock', CLOCK_CALLS];
        expectOk(await run(m, { args, clock: 'real', random: 'crypto' }), 'clock');
        return {
          warden: async () => expectOk(await run(m, { args, clock: 'real', random: 'crypto', stdout: 'discard' }), 'clock'),
          node: () => runNodeWasi(m, { args, stdout: devNull() }),
        };
      },
    },
    hello('hello-wat', 'hello (WAT, 1 fd_write): instantiate + run, default 30 s deadline', 'bench-hello', undefined),
    hello('hello-wat-nodeadline', 'hello (WAT, 1 fd_write): instantiate + run, timeoutMs: Infinity', 'bench-hello', Infinity),
    hello('hello-c', 'hello (C, wasi-libc printf): instantiate + run, default 30 s deadline', 'hello', undefined),
    hello('hello-c-nodeadline', 'hello (C, wasi-libc printf): instantiate + run, timeoutMs: Infinity', 'hello', Infinity),
  ];
}

// node:wasi's own instantiate+run, with the same module compiled up front, is the baseline;
// Warden's side is one run() call with default options (stdout captured).
function hello(id: string, name: string, module: string, timeoutMs: number | undefined): Case {
  return {
    id, name, target: '<= 0.15', unit: 'µs',
    // Few enough node:wasi runs per process (330) that its crash (case-child.ts) is rare.
    opts: { iterations: 30, warmup: 3, batch: 10, budgetMs: 6_000 },
    async prepare() {
      const m = fixture(module);
      const limits = timeoutMs === undefined ? undefined : { timeoutMs };
      const args = ['hello'];
      expectSameOutput(id, await run(m, { args, limits }), captureFd((fd) => runNodeWasi(m, { args, stdout: fd })));
      return {
        warden: async () => expectOk(await run(m, { args, limits }), id),
        node: () => runNodeWasi(m, { args, stdout: devNull() }),
      };
    },
  };
}
