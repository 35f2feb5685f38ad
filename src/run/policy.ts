// The JSON policy file shared by the CLI (--policy FILE) and the API (loadPolicy): every
// capability and limit run() takes that can be written as data. Validation is strict: unknown
// keys and wrong types are errors naming the exact place (`policy.mounts["/data"].readOnly`).
// Host directories are created through an injected factory, so this file stays browser-safe;
// src/node/policy.ts binds it to hostDir() and the current directory.
import { memoryFs, type MemoryTree } from '../fs/memory.js';
import { overlay } from '../fs/overlay.js';
import { quota, type QuotaOptions } from '../fs/quota.js';
import { readOnly } from '../fs/readonly.js';
import type { FileSystem } from '../fs/types.js';
import { file } from '../fs/virtual.js';
import type { ClockOption } from '../time/clocks.js';
import type { RandomOption } from '../time/random.js';
import { WardenUsageError } from './errors.js';
import { checkGuestPath, validateOptions, type Limits, type Mountable, type RunOptions } from './options.js';

/**
 * The policy document (JSON):
 * ```json
 * { "args": ["tool"], "env": { "LANG": "C" },
 *   "stdin": "none" | { "text": "..." } | { "file": "in.txt" },
 *   "stdout": "capture" | "inherit" | "discard", "stderr": ...,
 *   "clock": "real" | "deny" | { "frozen": "2024-01-01T00:00:00Z" | ms } | { "virtual": { "start": ... } }
 *          | { "coarse": { "resolutionMs": 100 } },
 *   "random": "crypto" | "deny" | { "seed": 42 },
 *   "mounts": { "/data": { "host": "./data", "readOnly": true },
 *               "/tmp": { "memory": { "a.txt": "hi" }, "quota": { "bytes": 1000000 } },
 *               "/src": { "overlay": { "host": "./src" }, "quota": { "files": 100 } },
 *               "/etc/app.json": { "file": "{}" } },
 *   "limits": { "timeoutMs": 2000, "memoryBytes": 67108864, "outputBytes": 1048576, "openFiles": 64, "fuel": 1e9 },
 *   "isolation": "inline" | "worker" | "process", "stackSizeMb": 8 }
 * ```
 */
export interface PolicyEnvironment {
  /** Mount a host directory (relative paths are already resolved against baseDir). */
  hostDir?: (path: string, options: { readOnly: boolean }) => FileSystem;
  /** Directory relative host paths (mounts, stdin file) are resolved against. */
  baseDir?: string;
}

type Json = unknown;

function bad(where: string, what: string): never {
  throw new WardenUsageError(`policy${where} ${what}`);
}

function obj(v: Json, where: string, allowed: readonly string[]): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(where, 'must be an object');
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) bad(`${where}.${k}`, `is not a known setting (expected one of: ${allowed.join(', ')})`);
  }
  return v as Record<string, Json>;
}

function str(v: Json, where: string): string {
  if (typeof v !== 'string') bad(where, 'must be a string');
  return v;
}

function num(v: Json, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(where, 'must be a non-negative number');
  return v;
}

function bool(v: Json, where: string): boolean {
  if (typeof v !== 'boolean') bad(where, 'must be true or false');
  return v;
}

function key(k: string): string {
  return `[${JSON.stringify(k)}]`;
}

function resolvePath(p: string, env: PolicyEnvironment): string {
  if (p.startsWith('/') || env.baseDir === undefined) return p;
  return `${env.baseDir.replace(/\/+$/, '')}/${p}`;
}

function time(v: Json, where: string): Date | number {
  if (typeof v === 'number') return num(v, where);
  const d = new Date(str(v, where));
  if (Number.isNaN(d.getTime())) bad(where, 'must be an ISO date string or milliseconds since the epoch');
  return d;
}

function clock(v: Json): ClockOption {
  if (v === 'real' || v === 'deny') return v;
  const c = obj(v, '.clock', ['frozen', 'virtual', 'coarse']);
  if (Object.keys(c).length !== 1) bad('.clock', "must be 'real', 'deny' or an object with exactly one of frozen, virtual, coarse");
  if ('frozen' in c) return { frozen: time(c.frozen, '.clock.frozen') };
  if ('virtual' in c) {
    const o = obj(c.virtual, '.clock.virtual', ['start']);
    return { virtual: o.start === undefined ? {} : { start: time(o.start, '.clock.virtual.start') } };
  }
  const o = obj(c.coarse, '.clock.coarse', ['resolutionMs']);
  const r = num(o.resolutionMs, '.clock.coarse.resolutionMs');
  if (r === 0) bad('.clock.coarse.resolutionMs', 'must be positive');
  return { coarse: { resolutionMs: r } };
}

function random(v: Json): RandomOption {
  if (v === 'crypto' || v === 'deny') return v;
  const r = obj(v, '.random', ['seed']);
  if (!Number.isInteger(r.seed)) bad('.random.seed', 'must be an integer');
  return { seed: r.seed as number };
}

function quotaOf(v: Json, where: string): QuotaOptions {
  const q = obj(v, where, ['bytes', 'files', 'fileBytes']);
  const out: QuotaOptions = {};
  for (const k of ['bytes', 'files', 'fileBytes'] as const) if (q[k] !== undefined) out[k] = num(q[k], `${where}.${k}`);
  return out;
}

function tree(v: Json, where: string): MemoryTree {
  const t = obj(v, where, Object.keys(v as object ?? {}));
  const out: MemoryTree = {};
  for (const [name, e] of Object.entries(t)) {
    if (typeof e === 'string') out[name] = e;
    else if (typeof e === 'object' && e !== null && Object.keys(e).length === 1 && typeof (e as { symlink?: unknown }).symlink === 'string') out[name] = { symlink: (e as { symlink: string }).symlink };
    else out[name] = tree(e, `${where}${key(name)}`);
  }
  return out;
}

function hostFs(v: Json, where: string, env: PolicyEnvironment, readOnlyDefault: boolean): FileSystem {
  if (env.hostDir === undefined) bad(where, 'mounts a host directory, which this environment cannot do');
  const path = resolvePath(str(v, `${where}.host`), env);
  try {
    return env.hostDir(path, { readOnly: readOnlyDefault });
  } catch (e) {
    return bad(`${where}.host`, `cannot be mounted: ${(e as Error).message}`);
  }
}

function mount(v: Json, where: string, env: PolicyEnvironment): Mountable {
  const m = obj(v, where, ['host', 'readOnly', 'memory', 'quota', 'overlay', 'file']);
  const kinds = ['host', 'memory', 'overlay', 'file'].filter((k) => k in m);
  if (kinds.length !== 1) bad(where, 'must have exactly one of host, memory, overlay, file');
  const ro = m.readOnly === undefined ? false : bool(m.readOnly, `${where}.readOnly`);
  const q = m.quota === undefined ? undefined : quotaOf(m.quota, `${where}.quota`);
  let fs: Mountable;
  if ('host' in m) {
    fs = hostFs(m.host, where, env, ro);
    if (q) fs = quota(fs, q);
  } else if ('memory' in m) {
    fs = memoryFs(tree(m.memory, `${where}.memory`), q ? { quota: q } : {});
    if (ro) fs = readOnly(fs);
  } else if ('overlay' in m) {
    const lower = obj(m.overlay, `${where}.overlay`, ['host']);
    fs = overlay(hostFs(lower.host, `${where}.overlay`, env, true), q ? { quota: q } : {});
    if (ro) fs = readOnly(fs);
  } else {
    if (q) bad(`${where}.quota`, 'does not apply to a file mount');
    fs = file(str(m.file, `${where}.file`));
  }
  return fs;
}

function limits(v: Json): Limits {
  const names = ['timeoutMs', 'memoryBytes', 'outputBytes', 'openFiles', 'fuel'] as const;
  const l = obj(v, '.limits', names);
  const out: Limits = {};
  for (const k of names) if (l[k] !== undefined) out[k] = num(l[k], `.limits.${k}`);
  return out;
}

const TOP = ['$schema', 'args', 'env', 'stdin', 'stdout', 'stderr', 'clock', 'random', 'mounts', 'limits', 'isolation', 'stackSizeMb'] as const;

/** Parse and validate a policy (JSON text or an already parsed value) into run() options. */
export function loadPolicy(json: string | Json, env: PolicyEnvironment = {}): RunOptions {
  let doc: Json = json;
  if (typeof json === 'string') {
    try { doc = JSON.parse(json); } catch (e) { bad('', `is not valid JSON: ${(e as Error).message}`); }
  }
  const p = obj(doc, '', TOP);
  const o: RunOptions = {};
  if (p.args !== undefined) {
    if (!Array.isArray(p.args)) bad('.args', 'must be an array of strings');
    o.args = p.args.map((a, i) => str(a, `.args[${i}]`));
  }
  if (p.env !== undefined) {
    const e = obj(p.env, '.env', Object.keys(p.env as object ?? {}));
    o.env = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, str(v, `.env${key(k)}`)]));
  }
  if (p.stdin !== undefined && p.stdin !== 'none') {
    const s = obj(p.stdin, '.stdin', ['text', 'file']);
    if ('text' in s) o.stdin = { text: str(s.text, '.stdin.text') };
    else if ('file' in s) o.stdin = { file: resolvePath(str(s.file, '.stdin.file'), env) };
    else bad('.stdin', "must be 'none', { text } or { file }");
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const v = p[name];
    if (v === undefined) continue;
    if (v !== 'capture' && v !== 'inherit' && v !== 'discard') bad(`.${name}`, "must be 'capture', 'inherit' or 'discard'");
    o[name] = v;
  }
  if (p.clock !== undefined) o.clock = clock(p.clock);
  if (p.random !== undefined) o.random = random(p.random);
  if (p.mounts !== undefined) {
    const ms = obj(p.mounts, '.mounts', Object.keys(p.mounts as object ?? {}));
    o.mounts = {};
    for (const [path, m] of Object.entries(ms)) {
      try { checkGuestPath(path); } catch (e) { bad(`.mounts${key(path)}`, (e as Error).message); }
      o.mounts[path] = mount(m, `.mounts${key(path)}`, env);
    }
  }
  if (p.limits !== undefined) o.limits = limits(p.limits);
  if (p.isolation !== undefined) {
    if (p.isolation !== 'inline' && p.isolation !== 'worker' && p.isolation !== 'process') bad('.isolation', "must be 'inline', 'worker' or 'process'");
    o.isolation = p.isolation;
  }
  if (p.stackSizeMb !== undefined) o.stackSizeMb = num(p.stackSizeMb, '.stackSizeMb');
  try {
    return validateOptions(o);
  } catch (e) {
    return bad('', (e as Error).message);
  }
}

/** Overlay `over` (e.g. CLI flags) on a policy's options: scalars replace, env and mounts merge, limits merge. */
export function mergeOptions(base: RunOptions, over: RunOptions): RunOptions {
  return {
    ...base,
    ...over,
    ...(base.env || over.env ? { env: { ...base.env, ...over.env } } : {}),
    ...(base.mounts || over.mounts ? { mounts: { ...base.mounts, ...over.mounts } } : {}),
    ...(base.limits || over.limits ? { limits: { ...base.limits, ...over.limits } } : {}),
  };
}
