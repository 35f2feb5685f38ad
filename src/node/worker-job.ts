// What crosses to a worker thread or child process for one run: a plain, structured-clone /
// v8.serialize friendly description of the options, and the result coming back. Live objects
// (filesystems, callbacks, AbortSignal) stay on the host side; filesystems are described and
// recreated on the other side (see notes/engines-readme.md, "Mounts across engines").
import { MemoryFileSystem, type MemoryTree } from '../fs/memory.js';
import { isSymlinkSpec } from '../fs/memory-tree.js';
import { QuotaFileSystem, type QuotaOptions } from '../fs/quota.js';
import { ReadOnlyFileSystem } from '../fs/readonly.js';
import type { FileSystem } from '../fs/types.js';
import { VirtualFileMount } from '../fs/virtual.js';
import { VirtualClock, createClock, type ClockOption } from '../time/clocks.js';
import { createRandom, type RandomOption } from '../time/random.js';
import {
  AbortError, GuestTrap, LimitExceeded, ModuleRejected, TimeoutError, WardenUsageError,
  type GuestError, type RejectKind, type TrapKind, type WasmFrame,
} from '../run/errors.js';
import type { Limits, Mountable, OutputOption, RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import type { LimitName } from '../kernel/signals.js';
import type { Denial } from '../kernel/kernel.js';
import { mountSpecs } from '../run/mounts.js';
import { HostFileSystem, hostDir } from './host-fs.js';
import { listHostFunctions, type HostFunctionRef } from './host-functions.js';

export type MountDesc =
  | { host: string; readOnly: boolean }
  /** `writeBack` indexes the host MemoryFileSystem that receives the tree after the run. */
  | { memory: MemoryTree; writeBack: number }
  | { file: Uint8Array }
  | { readOnlyOf: MountDesc }
  | { quota: QuotaOptions; of: MountDesc };

/** 'forward': every write is sent to the host as it happens (so it survives termination). */
export type RemoteOutput = 'forward' | 'inherit' | 'discard';

export interface JobSpec {
  args: string[];
  env: Record<string, string>;
  stdin: Uint8Array | null;
  stdout: RemoteOutput;
  stderr: RemoteOutput;
  clock?: ClockOption;
  random?: RandomOption;
  mounts: [string, MountDesc][];
  limits: Limits;
  timeoutMs: number;
  trace: boolean;
  hostFunctions: HostFunctionRef[];
}

function remoteOutput(o: OutputOption | undefined): RemoteOutput {
  if (o === 'inherit' || o === 'discard') return o;
  return 'forward';
}

function describeMount(path: string, m: Mountable | FileSystem, memfs: MemoryFileSystem[]): MountDesc {
  if (m instanceof HostFileSystem) return { host: m.hostPath, readOnly: m.readOnly };
  if (m instanceof MemoryFileSystem) {
    const limiter = (m as unknown as { limiter: QuotaFileSystem | null }).limiter;
    const desc: MountDesc = { memory: m.toTree({ binary: true }), writeBack: memfs.push(m) - 1 };
    return limiter ? { quota: { ...limiter.limits }, of: desc } : desc;
  }
  if (m instanceof ReadOnlyFileSystem) return { readOnlyOf: describeMount(path, m.inner, memfs) };
  if (m instanceof QuotaFileSystem) return { quota: { ...m.limits }, of: describeMount(path, m.inner, memfs) };
  if (m instanceof VirtualFileMount) {
    const src = m.source;
    if (typeof src === 'string') return { file: new TextEncoder().encode(src) };
    if (src instanceof Uint8Array) return { file: src };
  }
  throw new WardenUsageError(
    `mounts[${JSON.stringify(path)}] cannot cross to a worker or child process: only hostDir(), memoryFs(), ` +
    'file() with fixed content, readOnly() and quota() of those are supported there (callbacks stay in the host)');
}

/** Describe `o` for a worker/child. Returns the MemoryFileSystems that receive write-back. */
export function describeJob(o: RunOptions, stdin: Uint8Array | null, timeoutMs: number): { spec: JobSpec; memfs: MemoryFileSystem[] } {
  const memfs: MemoryFileSystem[] = [];
  const clock = o.clock;
  if (typeof clock === 'object' && clock !== null && 'virtual' in clock && clock.virtual instanceof VirtualClock) {
    throw new WardenUsageError('a VirtualClock instance cannot be shared with a worker or child process; pass clock: { virtual: { start } }');
  }
  // Surface bad clock/random options and mount layouts here as usage errors, not as a failed
  // worker/child (mountSpecs only groups and checks paths; it opens nothing).
  mountSpecs(o.mounts);
  for (const [what, check] of [['clock', () => createClock(clock)], ['random', () => createRandom(o.random)]] as const) {
    try { check(); } catch (e) { throw new WardenUsageError(`${what}: ${(e as Error).message}`); }
  }
  const spec: JobSpec = {
    args: o.args ?? [],
    env: o.env ?? {},
    stdin,
    stdout: remoteOutput(o.stdout),
    stderr: remoteOutput(o.stderr),
    ...(clock !== undefined ? { clock } : {}),
    ...(o.random !== undefined ? { random: o.random } : {}),
    mounts: Object.entries(o.mounts ?? {}).map(([p, m]) => [p, describeMount(p, m, memfs)]),
    limits: { ...(o.limits ?? {}) },
    timeoutMs,
    trace: o.trace !== undefined,
    hostFunctions: listHostFunctions(o.imports).refs,
  };
  return { spec, memfs };
}

/** Recreate a described mount (in the worker / child). */
export function recreateMount(d: MountDesc): Mountable {
  if ('host' in d) return hostDir(d.host, { readOnly: d.readOnly });
  if ('memory' in d) return new MemoryFileSystem(d.memory);
  if ('file' in d) return new VirtualFileMount(d.file);
  if ('readOnlyOf' in d) return new ReadOnlyFileSystem(recreateMount(d.readOnlyOf) as FileSystem);
  if (d.of !== undefined && 'memory' in d.of) return new MemoryFileSystem(d.of.memory, { quota: d.quota });
  return new QuotaFileSystem(recreateMount(d.of) as FileSystem, d.quota);
}

/**
 * Deepest memory tree copied back to the host. A guest can nest directories without limit; a
 * deeper tree overflowed the stack while being copied or sent (the run came back as a trap and
 * a child process printed a stack trace), so it is left out and `skipped` names its mount.
 */
const MAX_WRITE_BACK_DEPTH = 1000;

/** The memory filesystems of a recreated mount list, in write-back order. */
export function writeBackTrees(descs: [string, MountDesc][], mounts: Mountable[], skipped: string[] = []): MemoryTree[] {
  const out: MemoryTree[] = [];
  let path = '';
  const visit = (d: MountDesc, m: Mountable): void => {
    if ('memory' in d) {
      let tree: MemoryTree | null = null;
      try { tree = (m as MemoryFileSystem).toTree({ binary: true }); } catch { /* too deep: stack overflow */ }
      if (tree !== null && treeDepth(tree) <= MAX_WRITE_BACK_DEPTH) out[d.writeBack] = tree;
      else skipped.push(path);
      return;
    }
    if ('readOnlyOf' in d) visit(d.readOnlyOf, (m as ReadOnlyFileSystem).inner);
    else if ('quota' in d) {
      if ('memory' in d.of) visit(d.of, m);
      else visit(d.of, (m as QuotaFileSystem).inner);
    }
  };
  descs.forEach(([p, d], i) => { path = p; visit(d, mounts[i]!); });
  return out;
}

/** Nesting depth of directories in a tree, without recursion (it may be very deep). */
function treeDepth(tree: MemoryTree): number {
  let max = 0;
  const stack: [MemoryTree, number][] = [[tree, 0]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > MAX_WRITE_BACK_DEPTH) break;
    for (const v of Object.values(t)) {
      if (typeof v === 'object' && !(v instanceof Uint8Array) && !isSymlinkSpec(v)) stack.push([v, depth + 1]);
    }
  }
  return max;
}

/**
 * Replace the contents of a host MemoryFileSystem with the tree a worker/child left behind.
 * Inode numbers and timestamps are not preserved; open host handles into it see the old nodes.
 */
export function applyWriteBack(fs: MemoryFileSystem, tree: MemoryTree): void {
  const fresh = new MemoryFileSystem(tree);
  fs.root.entries.clear();
  for (const [name, node] of fresh.root.entries) fs.root.entries.set(name, node);
}

// ---- Results across the boundary ----

export interface ErrorJSON {
  name: string;
  kind: string;
  message: string;
  limit?: LimitName;
  frames?: WasmFrame[];
  timeoutMs?: number;
}

export interface ResultJSON {
  outcome: RunResult['outcome'];
  exitCode: number | null;
  error: ErrorJSON | null;
  denials: Denial[];
  durationMs: number;
  memoryPeakBytes: number;
  fuelUsed?: number;
}

export function errorToJSON(e: GuestError): ErrorJSON {
  return {
    name: e.name, kind: e.kind, message: e.message,
    ...('limit' in e ? { limit: e.limit } : {}),
    ...('frames' in e ? { frames: e.frames } : {}),
    ...('timeoutMs' in e ? { timeoutMs: e.timeoutMs } : {}),
  };
}

export function errorFromJSON(e: ErrorJSON): GuestError {
  switch (e.name) {
    case 'LimitExceeded': return new LimitExceeded(e.limit!, e.message);
    case 'TimeoutError': return new TimeoutError(e.timeoutMs ?? NaN);
    case 'AbortError': return new AbortError();
    case 'ModuleRejected': return new ModuleRejected(e.kind as RejectKind, e.message);
    default: return new GuestTrap(e.kind as TrapKind, e.message, e.frames ?? []);
  }
}

export function resultFromJSON(r: ResultJSON): RunResult {
  return {
    outcome: r.outcome,
    exitCode: r.exitCode,
    ...(r.error !== null ? { error: errorFromJSON(r.error) } : {}),
    denials: r.denials,
    durationMs: r.durationMs,
    memoryPeakBytes: r.memoryPeakBytes,
    ...(r.fuelUsed !== undefined ? { fuelUsed: r.fuelUsed } : {}),
  };
}
