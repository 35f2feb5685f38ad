// run(): the public entry point. Validates options, loads the module and hands it to the
// chosen engine. Resolves with a RunResult for anything the guest does; rejects only for
// host-side misuse (WardenUsageError).
import type { KernelConfig } from '../kernel/kernel.js';
import { CaptureOutput } from '../kernel/stdio.js';
import { createClock } from '../time/clocks.js';
import { createRandom } from '../time/random.js';
import { ModuleRejected, WardenUsageError } from '../run/errors.js';
import { mountSpecs } from '../run/mounts.js';
import {
  DEFAULT_INLINE_TIMEOUT_MS, DEFAULT_OPEN_FILES, DEFAULT_OUTPUT_BYTES, validateOptions, type RunOptions,
} from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { runGuest } from '../run/guest.js';
import { preparationFailure, prepareModule } from '../run/rewrite/index.js';
import { compile, moduleBytes, type ModuleSource } from './module-source.js';
import { invokeWithDeadline, isVmTimeout, sleepSync } from './inline.js';
import { GatheredHostFdOutput, HostFdInput, HostFdOutput, inputStream, outputStream, stdinBytes } from './stdio.js';
import { inlineHostImports } from './host-functions.js';
import { gatherHostWrites } from './host-fs.js';

export async function run(source: ModuleSource, options?: RunOptions): Promise<RunResult> {
  const o = validateOptions(options);
  const isolation = o.isolation ?? 'inline';
  if (isolation !== 'inline') {
    const { runIsolated } = await import('./isolated.js');
    return runIsolated(source, o, isolation);
  }
  return runInline(source, o);
}

function wrapUsage<T>(fn: () => T, what: string): T {
  try { return fn(); } catch (e) {
    if (e instanceof WardenUsageError) throw e;
    throw new WardenUsageError(`${what}: ${(e as Error).message}`);
  }
}

/** Build the kernel configuration shared by every engine (minus the engine's sleep). */
export function kernelConfig(o: RunOptions, stdin: Uint8Array | null, timeoutMs: number, sleep: (ms: number) => void): KernelConfig {
  const l = o.limits ?? {};
  return {
    args: o.args ?? [],
    env: Object.entries(o.env ?? {}),
    stdin: inputStream(stdin),
    stdout: outputStream(o.stdout, 1),
    stderr: outputStream(o.stderr, 2),
    clock: wrapUsage(() => createClock(o.clock), 'clock'),
    random: wrapUsage(() => createRandom(o.random), 'random'),
    mounts: mountSpecs(o.mounts),
    maxOpenFiles: l.openFiles ?? DEFAULT_OPEN_FILES,
    outputBytes: l.outputBytes ?? DEFAULT_OUTPUT_BYTES,
    deadline: performance.now() + timeoutMs,
    sleep,
    signal: o.signal,
  };
}

async function runInline(source: ModuleSource, o: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const timeoutMs = o.limits?.timeoutMs ?? DEFAULT_INLINE_TIMEOUT_MS;
  let module: WebAssembly.Module;
  const bytes = moduleBytes(source);
  const { memoryBytes, fuel } = o.limits ?? {};
  try {
    if (bytes === null && (memoryBytes !== undefined || fuel !== undefined)) {
      throw new WardenUsageError('limits.memoryBytes and limits.fuel rewrite the module: pass its bytes or path, not a compiled WebAssembly.Module');
    }
    // prepareModule returns the same rewritten array for the same input and limits, so the
    // compile cache (keyed by array identity) still hits on repeated runs.
    module = bytes === null ? (source as WebAssembly.Module) : await compile(prepareModule(bytes, { memoryBytes, fuel: fuel !== undefined }).bytes);
  } catch (e) {
    const failed = e instanceof ModuleRejected ? { outcome: 'rejected' as const, exitCode: null, error: e } : preparationFailure(e);
    if (failed !== null) return { ...failed, denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
    throw e;
  }
  const host = inlineHostImports(o.imports);
  const lazyFd = typeof o.stdin === 'object' && 'fd' in o.stdin ? o.stdin.fd : null;
  const stdin = lazyFd === null ? await stdinBytes(o.stdin) : null;
  if (o.signal?.aborted) {
    const { AbortError } = await import('../run/errors.js');
    return { outcome: 'aborted', exitCode: null, error: new AbortError(o.signal.reason), denials: [], durationMs: performance.now() - started, memoryPeakBytes: 0 };
  }
  const config = kernelConfig(o, stdin, timeoutMs, sleepSync);
  if (lazyFd !== null) config.stdin = new HostFdInput(lazyFd);
  // Only inline: a worker or child can be killed, and gathered bytes would die with it.
  if (o.stdout === 'inherit' && o.trace === undefined && !(config.stdout as HostFdOutput).isTerminal) {
    config.stdout = new GatheredHostFdOutput(1);
  }
  // Small hostDir writes are gathered only inline and only while no host callback can run
  // (see host-fs.ts gatherHostWrites); the run is synchronous, so on/off brackets it exactly.
  const hostCodeRuns = o.imports !== undefined || o.trace !== undefined ||
    typeof o.stdout === 'object' || typeof o.stdout === 'function' ||
    typeof o.stderr === 'object' || typeof o.stderr === 'function';
  const stopGathering = gatherHostWrites(config.mounts, hostCodeRuns);
  let end: ReturnType<typeof runGuest>;
  try {
    end = runGuest({
      module,
      kernel: config,
      trace: o.trace,
      timeoutMs,
      memoryCap: o.limits?.memoryBytes ?? Infinity,
      invoke: (fn) => invokeWithDeadline(fn, timeoutMs),
      isDeadline: isVmTimeout,
      ...host,
      ...(fuel !== undefined ? { fuel } : {}),
    });
  } finally {
    stopGathering();
  }
  const result: RunResult = {
    outcome: end.outcome,
    exitCode: end.exitCode,
    ...(end.error ? { error: end.error } : {}),
    denials: end.kernel.denials,
    durationMs: performance.now() - started,
    memoryPeakBytes: end.memoryPeakBytes,
    ...(end.fuelUsed !== undefined ? { fuelUsed: end.fuelUsed } : {}),
  };
  if (config.stdout instanceof CaptureOutput) result.stdout = config.stdout.bytes();
  if (config.stderr instanceof CaptureOutput) result.stderr = config.stderr.bytes();
  return result;
}
