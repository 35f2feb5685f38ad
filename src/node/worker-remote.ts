// The guest side of the worker and process engines: rebuild the run from a JobSpec and run it
// to the end on this thread. The deadline is armed here exactly as inline (V8's vm watchdog and
// the kernel's sleep deadline); the host side kills the thread/process on abort, and as a
// backstop shortly after the deadline.
import type { Mountable, RunOptions } from '../run/options.js';
import { runGuest, type GuestConfig, type GuestEnd } from '../run/guest.js';
import type { MemoryTree } from '../fs/memory.js';
import { kernelConfig } from './run.js';
import { invokeWithDeadline, isVmTimeout, sleepSync } from './inline.js';
import { guestBytesCall, newGuestRef, type GuestRef } from './host-functions-guest.js';
import { errorToJSON, recreateMount, writeBackTrees, type JobSpec, type RemoteOutput, type ResultJSON } from './worker-job.js';
import type { HostFunctionRef } from './host-functions.js';

export type RemoteMsg =
  | { t: 'started' }
  | { t: 'out'; fd: 1 | 2; data: Uint8Array }
  | { t: 'trace'; line: string };

export interface RemoteEnd {
  t: 'end';
  result: ResultJSON;
  trees: MemoryTree[];
}

/** How the guest side talks to the host: one-way messages and blocking host-function calls. */
export interface RemoteHost {
  send(msg: RemoteMsg): void;
  /** Run host function `index` and block until its answer (bytes functions get/return bytes). */
  call(index: number, args: unknown[], bytes: Uint8Array | null): unknown;
}

function output(mode: RemoteOutput, fd: 1 | 2, host: RemoteHost): RunOptions['stdout'] {
  if (mode !== 'forward') return mode;
  return (data: Uint8Array) => host.send({ t: 'out', fd, data });
}

/** Import object whose functions forward to the host by index. */
export function remoteImports(refs: HostFunctionRef[], host: RemoteHost, ref: GuestRef): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  refs.forEach((r, i) => {
    const m = (out[r.module] ??= {});
    m[r.name] = r.bytes
      ? (ptr: number, len: number) => {
        ref.kernel?.alive();
        return guestBytesCall(ref, ptr, len, (input) => host.call(i, [], input));
      }
      : (...args: unknown[]) => {
        ref.kernel?.alive();
        return host.call(i, args, null);
      };
  });
  return out;
}

/** The runGuest configuration for a job on this side (no deadline on wasm: the host kills). */
export function remoteGuestConfig(module: WebAssembly.Module, spec: JobSpec, host: RemoteHost): { cfg: GuestConfig; mounts: Mountable[] } {
  const mounts: Mountable[] = spec.mounts.map(([, d]) => recreateMount(d));
  const o: RunOptions = {
    args: spec.args,
    env: spec.env,
    stdout: output(spec.stdout, 1, host),
    stderr: output(spec.stderr, 2, host),
    ...(spec.clock !== undefined ? { clock: spec.clock } : {}),
    ...(spec.random !== undefined ? { random: spec.random } : {}),
    mounts: Object.fromEntries(spec.mounts.map(([p], i) => [p, mounts[i]!])),
    limits: spec.limits,
  };
  const ref = newGuestRef();
  const cfg: GuestConfig = {
    module,
    kernel: kernelConfig(o, spec.stdin, spec.timeoutMs, sleepSync),
    imports: spec.hostFunctions.length > 0 ? remoteImports(spec.hostFunctions, host, ref) : undefined,
    ...(spec.trace ? { trace: (line: string) => host.send({ t: 'trace', line }) } : {}),
    timeoutMs: spec.timeoutMs,
    memoryCap: spec.limits.memoryBytes ?? Infinity,
    ...(spec.limits.fuel !== undefined ? { fuel: spec.limits.fuel } : {}),
    // The guest stops itself at the deadline, as inline, so a timeout keeps the full result
    // (denials, memory peak, fuel, memoryFs write-back); the host's kill is the backstop.
    invoke: (fn) => invokeWithDeadline(fn, spec.timeoutMs),
    isDeadline: isVmTimeout,
    onInstance: (instance, kernel) => { ref.instance = instance; ref.kernel = kernel; },
  };
  return { cfg, mounts };
}

export function endToJSON(end: GuestEnd): ResultJSON {
  return {
    outcome: end.outcome,
    exitCode: end.exitCode,
    error: end.error ? errorToJSON(end.error) : null,
    denials: end.kernel.denials,
    durationMs: end.durationMs,
    memoryPeakBytes: end.memoryPeakBytes,
    ...(end.fuelUsed !== undefined ? { fuelUsed: end.fuelUsed } : {}),
  };
}

export function runJob(module: WebAssembly.Module, spec: JobSpec, host: RemoteHost): RemoteEnd {
  const { cfg, mounts } = remoteGuestConfig(module, spec, host);
  host.send({ t: 'started' });
  const end = runGuest(cfg);
  const skipped: string[] = [];
  const trees = writeBackTrees(spec.mounts, mounts, skipped);
  for (const p of skipped) end.kernel.deny('fs', 'write-back', `memory mount ${p} is nested too deeply to copy back to the host; its changes are lost`);
  return { t: 'end', result: endToJSON(end), trees };
}
