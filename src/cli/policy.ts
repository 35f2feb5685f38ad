// `--policy FILE`: a JSON file holding capabilities and limits, mapped onto RunOptions.
// Every key is checked; an unknown key or a wrong shape is one clear error naming its JSON path.
// Relative host paths (mounts' "host", stdin's "file") are relative to the policy file.
//
// {
//   "args": ["tool", "--flag"],                    complete argv, used when the command line has none
//   "env": { "LANG": "C" },
//   "stdin": "none" | { "text": "..." } | { "file": "input.txt" },
//   "stdout": "inherit" | "discard",  "stderr": likewise
//   "clock": "real" | "deny" | "frozen:DATE" | "virtual[:DATE]" | "coarse:MS"
//            | { "frozen": DATE } | { "virtual": { "start": DATE } } | { "coarse": { "resolutionMs": MS } },
//   "random": "crypto" | "deny" | "seed:N" | { "seed": N },
//   "mounts": { "/data": { "host": "./data", "readOnly": true },          a host directory
//               "/src":  { "overlay": "./src", "quota": { "bytes": "10M" } }, copy-on-write view
//               "/tmp":  { "memory": { "notes.txt": "hi", "sub": {} }, "quota": { "files": 100 } },
//               "/etc/app.json": { "file": "{\"debug\": true}" } },          one read-only file
//             (quota: bytes, files, fileBytes; also on "host" mounts)
//   "limits": { "timeoutMs": 2000, "memoryBytes": "64M", "outputBytes": "1M", "openFiles": 64, "fuel": 1e9 },
//   "isolation": "inline" | "worker" | "process",  "stackSizeMb": 8
// }
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { memoryFs, type MemoryTree } from '../fs/memory.js';
import { overlay } from '../fs/overlay.js';
import { quota as withQuota, type QuotaOptions } from '../fs/quota.js';
import { file } from '../fs/virtual.js';
import { hostDir, type HostFileSystem } from '../node/host-fs.js';
import type { Limits, Mountable, RunOptions, StdinOption } from '../run/options.js';
import { checkGuestPath } from '../run/options.js';
import type { ClockOption } from '../time/clocks.js';
import type { RandomOption } from '../time/random.js';
import { WardenUsageError } from '../run/errors.js';
import { fsReason, parseClock, parseRandom, parseSize } from './values.js';

type Json = unknown;
type Obj = Record<string, Json>;

class PolicyReader {
  /** `source` names the policy in messages; relative host paths resolve against `baseDir`. */
  constructor(readonly source: string, readonly baseDir: string) {}

  bad(path: string, message: string): never {
    throw new WardenUsageError(`policy ${this.source}: ${path} ${message}`);
  }

  object(path: string, v: Json, allowed?: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.bad(path, 'must be an object');
    for (const k of Object.keys(v)) {
      if (allowed !== undefined && !allowed.includes(k)) this.bad(`${path}.${k}`, `is not a known key (expected one of: ${allowed.join(', ')})`);
    }
    return v as Obj;
  }

  string(path: string, v: Json): string {
    if (typeof v !== 'string') this.bad(path, 'must be a string');
    return v;
  }

  number(path: string, v: Json): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.bad(path, 'must be a non-negative number');
    return v;
  }

  /** Reuse the command-line parser's message, prefixed with the JSON path. */
  via<T>(path: string, fn: () => T): T {
    try { return fn(); } catch (e) { this.bad(path, `is invalid: ${(e as Error).message.replace(/^--[a-z-]+: /, '')}`); }
  }

  hostPath(p: string): string {
    return resolve(this.baseDir, p);
  }
}

const TOP = ['args', 'env', 'stdin', 'stdout', 'stderr', 'clock', 'random', 'mounts', 'limits', 'isolation', 'stackSizeMb'] as const;
const LIMITS = ['timeoutMs', 'memoryBytes', 'outputBytes', 'openFiles', 'fuel'] as const;

/** Read and validate a policy file; throws WardenUsageError (exit status 2) on any problem. */
export function loadPolicy(file: string): RunOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WardenUsageError(`--policy: cannot read ${JSON.stringify(file)}: ${fsReason(e)}`);
  }
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WardenUsageError(`--policy: ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return policyOptions(json, { source: file, baseDir: dirname(resolve(file)) });
}

/**
 * Map a parsed policy object onto RunOptions (for API users too). Relative host paths resolve
 * against `baseDir` (default: the working directory).
 */
export function policyOptions(json: unknown, where: { source?: string; baseDir?: string } = {}): RunOptions {
  const r: PolicyReader = new PolicyReader(where.source ?? '(object)', where.baseDir ?? process.cwd());
  const p = r.object('(top level)', json, TOP);
  const o: RunOptions = {};
  if (p.args !== undefined) {
    if (!Array.isArray(p.args)) r.bad('args', 'must be an array of strings');
    o.args = p.args.map((a, i) => r.string(`args[${i}]`, a));
  }
  if (p.env !== undefined) {
    const env = r.object('env', p.env);
    o.env = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, r.string(`env.${k}`, v)]));
  }
  if (p.stdin !== undefined) o.stdin = stdin(r, p.stdin);
  for (const name of ['stdout', 'stderr'] as const) {
    const v = p[name];
    if (v === undefined) continue;
    if (v !== 'inherit' && v !== 'discard') r.bad(name, 'must be "inherit" or "discard"');
    o[name] = v;
  }
  if (p.clock !== undefined) o.clock = clock(r, p.clock);
  if (p.random !== undefined) o.random = random(r, p.random);
  if (p.mounts !== undefined) o.mounts = mounts(r, p.mounts);
  if (p.limits !== undefined) o.limits = limits(r, p.limits);
  if (p.isolation !== undefined) {
    if (p.isolation !== 'inline' && p.isolation !== 'worker' && p.isolation !== 'process') r.bad('isolation', 'must be "inline", "worker" or "process"');
    o.isolation = p.isolation;
  }
  if (p.stackSizeMb !== undefined) o.stackSizeMb = r.number('stackSizeMb', p.stackSizeMb);
  return o;
}

function stdin(r: PolicyReader, v: Json): StdinOption {
  if (v === 'none') return 'none';
  const s = r.object('stdin', v, ['text', 'file']);
  const keys = Object.keys(s);
  if (keys.length !== 1) r.bad('stdin', 'must be "none", { "text": ... } or { "file": ... }');
  if (s.text !== undefined) return { text: r.string('stdin.text', s.text) };
  return { file: r.hostPath(r.string('stdin.file', s.file)) };
}

function date(r: PolicyReader, path: string, v: Json): Date {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
  const d = new Date(r.string(path, v));
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v as string)) r.bad(path, 'must be an ISO 8601 date or milliseconds since the epoch');
  return d;
}

function clock(r: PolicyReader, v: Json): ClockOption {
  if (typeof v === 'string') return r.via('clock', () => parseClock(v));
  const c = r.object('clock', v, ['frozen', 'virtual', 'coarse']);
  if (Object.keys(c).length !== 1) r.bad('clock', 'must have exactly one of frozen, virtual, coarse');
  if (c.frozen !== undefined) return { frozen: date(r, 'clock.frozen', c.frozen) };
  if (c.virtual !== undefined) {
    const vv = r.object('clock.virtual', c.virtual, ['start']);
    return { virtual: vv.start === undefined ? {} : { start: date(r, 'clock.virtual.start', vv.start) } };
  }
  const co = r.object('clock.coarse', c.coarse, ['resolutionMs']);
  const ms = r.number('clock.coarse.resolutionMs', co.resolutionMs);
  if (ms <= 0) r.bad('clock.coarse.resolutionMs', 'must be greater than 0');
  return { coarse: { resolutionMs: ms } };
}

function random(r: PolicyReader, v: Json): RandomOption {
  if (typeof v === 'string') return r.via('random', () => parseRandom(v));
  const s = r.object('random', v, ['seed']);
  if (!Number.isSafeInteger(s.seed)) r.bad('random.seed', 'must be an integer');
  return { seed: s.seed as number };
}

const MOUNT_KINDS = ['host', 'overlay', 'memory', 'file'] as const;

function mounts(r: PolicyReader, v: Json): Record<string, Mountable> {
  const out: Record<string, Mountable> = {};
  for (const [guest, spec] of Object.entries(r.object('mounts', v))) {
    const path = `mounts[${JSON.stringify(guest)}]`;
    // Relative names are preopen names kept verbatim (as with --dir); absolute ones are checked.
    if (guest.startsWith('/')) r.via(path, () => checkGuestPath(guest));
    else if (guest === '') r.bad(path, 'needs a name');
    const m = r.object(path, spec, [...MOUNT_KINDS, 'readOnly', 'quota']);
    const kinds = MOUNT_KINDS.filter((k) => m[k] !== undefined);
    if (kinds.length !== 1) r.bad(path, 'needs exactly one of "host", "overlay" (host directories), "memory" (a tree) or "file" (text)');
    const kind = kinds[0]!;
    if (m.readOnly !== undefined && typeof m.readOnly !== 'boolean') r.bad(`${path}.readOnly`, 'must be true or false');
    if (m.readOnly !== undefined && kind !== 'host') r.bad(`${path}.readOnly`, 'applies to "host" mounts only');
    const quota = m.quota === undefined ? undefined : quotaOf(r, `${path}.quota`, m.quota);
    if (quota !== undefined && kind === 'file') r.bad(`${path}.quota`, 'does not apply to a file');
    if (kind === 'file') {
      if (!guest.startsWith('/')) r.bad(path, 'a file mount needs an absolute path');
      out[guest] = file(r.string(`${path}.file`, m.file));
    } else if (kind === 'memory') {
      const tree = memoryTree(r, `${path}.memory`, m.memory);
      out[guest] = r.via(`${path}.memory`, () => memoryFs(tree, quota === undefined ? {} : { quota }));
    } else {
      const host = r.hostPath(r.string(`${path}.${kind}`, m[kind]));
      let fs: HostFileSystem;
      try {
        fs = hostDir(host, { readOnly: kind === 'overlay' || m.readOnly === true });
      } catch (e) {
        r.bad(`${path}.${kind}`, `cannot be mounted: ${(e as Error).message.replace(/^hostDir: /, '')}`);
      }
      out[guest] = kind === 'overlay' ? overlay(fs, quota === undefined ? {} : { quota })
        : quota === undefined ? fs : withQuota(fs, quota);
    }
  }
  return out;
}

function quotaOf(r: PolicyReader, path: string, v: Json): QuotaOptions {
  const q = r.object(path, v, ['bytes', 'files', 'fileBytes']);
  const out: QuotaOptions = {};
  for (const k of ['bytes', 'files', 'fileBytes'] as const) {
    const x = q[k];
    if (x === undefined) continue;
    out[k] = typeof x === 'string' && k !== 'files' ? r.via(`${path}.${k}`, () => parseSize(k, x)) : r.number(`${path}.${k}`, x);
  }
  return out;
}

/** JSON trees hold strings (files), objects (directories) and { "symlink": target }. */
function memoryTree(r: PolicyReader, path: string, v: Json): MemoryTree {
  const t = r.object(path, v);
  for (const [k, e] of Object.entries(t)) {
    if (typeof e !== 'string') memoryTree(r, `${path}.${k}`, e);
  }
  return t as MemoryTree;
}

function limits(r: PolicyReader, v: Json): Limits {
  const l = r.object('limits', v, LIMITS);
  const out: Limits = {};
  for (const k of LIMITS) {
    const x = l[k];
    if (x === undefined) continue;
    out[k] = typeof x === 'string' && (k === 'memoryBytes' || k === 'outputBytes')
      ? r.via(`limits.${k}`, () => parseSize(k, x))
      : r.number(`limits.${k}`, x);
  }
  return out;
}
