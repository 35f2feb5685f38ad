// run() for isolation 'worker' and 'process': load the module, read stdin, then hand the run
// to the engine. Misuse rejects; everything the guest does resolves with a RunResult.
import { AbortError, ModuleRejected, WardenUsageError } from '../run/errors.js';
import type { RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { compile, moduleBytes, type ModuleSource } from './module-source.js';
import { stdinBytes } from './stdio.js';
import { runInWorker } from './worker.js';
import { runInProcess } from './process.js';

function early(outcome: 'rejected' | 'aborted', error: ModuleRejected | AbortError, started: number): RunResult {
  return { outcome, exitCode: null, error, denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
}

export async function runIsolated(source: ModuleSource, o: RunOptions, isolation: 'worker' | 'process'): Promise<RunResult> {
  const started = performance.now();
  const bytes = moduleBytes(source);
  let module: WebAssembly.Module | null = null;
  if (isolation === 'worker') {
    try {
      module = bytes === null ? (source as WebAssembly.Module) : await compile(bytes);
    } catch (e) {
      if (e instanceof ModuleRejected) return early('rejected', e, started);
      throw e;
    }
  } else if (bytes === null) {
    throw new WardenUsageError("isolation 'process' needs the module as bytes or a path (a compiled WebAssembly.Module cannot cross a process boundary)");
  }
  const stdin = await stdinBytes(o.stdin);
  if (o.signal?.aborted) return early('aborted', new AbortError(o.signal.reason), started);
  const timeoutMs = o.limits?.timeoutMs ?? Infinity;
  return module !== null ? runInWorker(module, o, stdin, timeoutMs) : runInProcess(bytes!, o, stdin, timeoutMs);
}
