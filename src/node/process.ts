// The process engine for a single run: a fresh child process per run, killed afterwards.
// (The Pool in pool.ts keeps warm children per tenant instead.)
import type { RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { ChildProc } from './process-child.js';

export async function runInProcess(bytes: Uint8Array, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number): Promise<RunResult> {
  const child = new ChildProc(o.stackSizeMb);
  try {
    return await child.run(bytes, o, stdin, timeoutMs);
  } finally {
    // Not awaited: a stopped run answers without waiting for the kernel to reap the child.
    child.kill();
  }
}
