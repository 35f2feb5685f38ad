// Turns parsed `warden run` flags (plus an optional policy) into the API's RunOptions.
// Flags override the policy: per key for env, mounts (per guest path) and limits, wholesale
// for everything else.
import { accessSync, constants, statSync } from 'node:fs';
import { basename } from 'node:path';
import { memoryFs } from '../fs/memory.js';
import { overlay } from '../fs/overlay.js';
import { hostDir, type HostFileSystem } from '../node/host-fs.js';
import type { Limits, Mountable, RunOptions } from '../run/options.js';
import type { RunArgs } from './parse.js';
import { CliUsageError, fsReason, usage } from './errors.js';
import type { DirSpec } from './values.js';

export interface CliRunOptions {
  options: RunOptions;
  /**
   * Whether the guest reads Warden's own stdin: 'always' for `--stdin -`; 'auto' when neither a
   * flag nor the policy chose a stdin (the CLI grants its own unless it is a terminal); 'no'.
   */
  ownStdin: 'always' | 'auto' | 'no';
}

export function buildRunOptions(a: RunArgs, policy: RunOptions = {}): CliRunOptions {
  const o: RunOptions = { ...policy };
  // argv[0] is the module's basename (as in wasmtime). A policy's args are a complete argv and
  // apply only when the command line gives the guest no arguments.
  o.args = a.guestArgs.length > 0 || policy.args === undefined ? [basename(a.module), ...a.guestArgs] : policy.args;
  if (a.env.length > 0) o.env = { ...(policy.env ?? {}), ...Object.fromEntries(a.env) };
  if (a.clock !== undefined) o.clock = a.clock;
  else o.clock ??= 'real';
  if (a.random !== undefined) o.random = a.random;
  else o.random ??= 'crypto';
  if (a.isolation !== undefined) o.isolation = a.isolation;
  o.stdout ??= 'inherit';
  o.stderr ??= 'inherit';

  const limits: Limits = { ...(policy.limits ?? {}) };
  if (a.timeoutMs !== undefined) limits.timeoutMs = a.timeoutMs;
  // The user at the terminal can stop the run; the API's 30 s inline default does not apply.
  limits.timeoutMs ??= Infinity;
  if (a.memoryBytes !== undefined) limits.memoryBytes = a.memoryBytes;
  if (a.outputBytes !== undefined) limits.outputBytes = a.outputBytes;
  if (a.openFiles !== undefined) limits.openFiles = a.openFiles;
  if (a.fuel !== undefined) limits.fuel = a.fuel;
  o.limits = limits;

  if (a.stackSizeMb !== undefined) o.stackSizeMb = a.stackSizeMb;
  if (a.dirs.length > 0) {
    const mounts: Record<string, Mountable> = { ...(policy.mounts ?? {}) };
    const fromFlags = new Set<string>();
    for (const d of a.dirs) {
      if (fromFlags.has(d.guest)) usage(`${flagOf(d)}: guest path ${d.guest} is mounted twice`);
      fromFlags.add(d.guest);
      mounts[d.guest] = mountFor(d);
    }
    o.mounts = mounts;
  }

  let ownStdin: CliRunOptions['ownStdin'] = 'no';
  if (a.stdin === '-') ownStdin = 'always';
  else if (a.stdin !== undefined) o.stdin = { file: readableFile('--stdin', a.stdin) };
  else if (o.stdin === undefined) ownStdin = 'auto';
  return { options: o, ownStdin };
}

/** Check up front so a bad --stdin is a clear usage error before any work starts. */
function readableFile(flag: string, path: string): string {
  try {
    if (statSync(path).isDirectory()) usage(`${flag}: ${JSON.stringify(path)} is a directory`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    usage(`${flag}: cannot read ${JSON.stringify(path)}: ${fsReason(e)}`);
  }
  return path;
}

function flagOf(d: DirSpec): string {
  return d.kind === 'memory' ? '--memfs' : d.kind === 'overlay' ? '--overlay' : d.readOnly ? '--dir-ro' : '--dir';
}

/**
 * What one --memfs or --overlay mount may keep in Warden's memory: without a cap a guest could
 * write (or create empty files and 4 KiB symlinks) until the host runs out of memory. A
 * --policy mount can set its own quota.
 */
export const CLI_MEMORY_MOUNT_QUOTA = { bytes: 1024 * 1024 * 1024, files: 256 * 1024 };

function mountFor(d: DirSpec): Mountable {
  if (d.kind === 'memory') return memoryFs({ quota: CLI_MEMORY_MOUNT_QUOTA });
  const flag = flagOf(d);
  let host: HostFileSystem;
  try {
    // An overlay never writes to its lower layer; mounting that read-only makes it certain.
    host = hostDir(d.host, { readOnly: d.readOnly || d.kind === 'overlay' });
  } catch (e) {
    // hostDir's messages already name the path ("hostDir: "x" does not exist").
    usage(`${flag}: ${(e as Error).message.replace(/^hostDir: /, '')}`);
  }
  return d.kind === 'overlay' ? overlay(host, { quota: CLI_MEMORY_MOUNT_QUOTA }) : host;
}
