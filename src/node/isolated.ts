// run() for isolation 'worker' and 'process': load the module, read stdin, then hand the run
// to the engine. Misuse rejects; everything the guest does resolves with a RunResult.
import { AbortError, ModuleRejected, TimeoutError, WardenUsageError } from '../run/errors.js';
import type { RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { compile, moduleBytes, type ModuleSource } from './module-source.js';
import { STDIN_TIMEOUT, stdinBytesUntil } from './stdio.js';
import { preparationFailure, prepareModule } from '../run/rewrite/index.js';
import { runInWorker } from './worker.js';
import { runInProcess } from './process.js';

function early(outcome: 'rejected' | 'aborted', error: ModuleRejected | AbortError, started: number): RunResult {
  return { outcome, exitCode: null, error, denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
}

export async function runIsolated(source: ModuleSource, o: RunOptions, isolation: 'worker' | 'process'): Promise<RunResult> {
  const started = performance.now();
  const raw = moduleBytes(source);
  const { memoryBytes, fuel } = o.limits ?? {};
  if (raw === null && isolation === 'process') {
    throw new WardenUsageError("isolation 'process' needs the module as bytes or a path (a compiled WebAssembly.Module cannot cross a process boundary)");
  }
  if (raw === null && (memoryBytes !== undefined || fuel !== undefined)) {
    throw new WardenUsageError('limits.memoryBytes and limits.fuel rewrite the module: pass its bytes or path, not a compiled WebAssembly.Module');
  }
  let bytes: Uint8Array | null = null;
  let module: WebAssembly.Module | null = null;
  try {
    bytes = raw === null ? null : prepareModule(raw, { memoryBytes, fuel: fuel !== undefined }).bytes;
    if (isolation === 'worker') module = bytes === null ? (source as WebAssembly.Module) : await compile(bytes);
  } catch (e) {
    if (e instanceof ModuleRejected) return early('rejected', e, started);
    const failed = preparationFailure(e);
    if (failed !== null) return { ...failed, denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
    throw e;
  }
  const timeoutMs = o.limits?.timeoutMs ?? Infinity;
  // A stdin that never ends must not outlast the run's deadline (the guest has not started).
  const stdin = await stdinBytesUntil(o.stdin, started + timeoutMs);
  if (stdin === STDIN_TIMEOUT) {
    return { outcome: 'timeout', exitCode: null, error: new TimeoutError(timeoutMs), denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
  }
  if (o.signal?.aborted) return early('aborted', new AbortError(o.signal.reason), started);
  return module !== null ? runInWorker(module, o, stdin, timeoutMs) : runInProcess(bytes!, o, stdin, timeoutMs);
}
