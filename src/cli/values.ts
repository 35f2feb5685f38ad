// Parsers for the values of `warden run` flags. Each throws CliUsageError with a message that
// names the flag, so a bad command line ends in one clear line and exit status 2.
import type { ClockOption } from '../time/clocks.js';
import type { RandomOption } from '../time/random.js';
import { usage } from './errors.js';

const SIZE_UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** "65536", "64K", "64M", "1.5G", "1GiB", "512kb": suffixes are powers of 1024. */
export function parseSize(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (m === null) usage(`${flag}: expected a byte count like 65536, 64K, 64M or 1G, got ${JSON.stringify(text)}`);
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) usage(`${flag}: ${JSON.stringify(text)} is too large`);
  return bytes;
}

/** A non-negative integer; scientific notation ("1e9") is accepted. */
export function parseCount(flag: string, text: string): number {
  const n = /^\d+(\.\d+)?(e\d+)?$/i.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) usage(`${flag}: expected a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

/** A non-negative number (fractions allowed) of `unit`. */
export function parseNumber(flag: string, text: string, unit: string): number {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(n)) usage(`${flag}: expected a non-negative number of ${unit}, got ${JSON.stringify(text)}`);
  return n;
}

export function parseMs(flag: string, text: string): number {
  return parseNumber(flag, text, 'milliseconds');
}

function parseDate(flag: string, text: string): Date {
  // Date.parse is lenient about non-ISO text; require at least a YYYY-MM-DD start.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) usage(`${flag}: expected an ISO 8601 date like 2024-01-01T00:00:00Z, got ${JSON.stringify(text)}`);
  return new Date(ms);
}

/**
 * real | deny | frozen[:DATE] | virtual[:DATE] | coarse:MS. A bare `frozen` stops time at the
 * moment Warden parses the flag (`now`); a bare `virtual` starts at the Unix epoch.
 */
export function parseClock(text: string, now: () => Date = () => new Date()): ClockOption {
  const flag = '--clock';
  const cut = text.indexOf(':');
  const kind = cut < 0 ? text : text.slice(0, cut);
  const arg = cut < 0 ? undefined : text.slice(cut + 1);
  switch (kind) {
    case 'real': case 'deny':
      if (arg !== undefined) usage(`${flag}: '${kind}' takes no value`);
      return kind;
    case 'frozen':
      return { frozen: arg === undefined ? now() : parseDate(flag, arg) };
    case 'virtual':
      return { virtual: arg === undefined ? {} : { start: parseDate(flag, arg) } };
    case 'coarse': {
      if (arg === undefined) usage(`${flag}: coarse needs a resolution in milliseconds, e.g. coarse:100`);
      const ms = parseMs(flag, arg);
      if (ms <= 0) usage(`${flag}: the coarse resolution must be greater than 0 ms`);
      return { coarse: { resolutionMs: ms } };
    }
    default:
      usage(`${flag}: expected real, deny, frozen[:DATE], virtual[:DATE] or coarse:MS, got ${JSON.stringify(text)}`);
  }
}

/** crypto | deny | seed:N */
export function parseRandom(text: string): RandomOption {
  if (text === 'crypto' || text === 'deny') return text;
  const m = /^seed:(-?\d+)$/.exec(text);
  if (m !== null && Number.isSafeInteger(Number(m[1]))) return { seed: Number(m[1]) };
  usage(`--random: expected crypto, deny or seed:N (N an integer), got ${JSON.stringify(text)}`);
}

export interface DirSpec {
  /** 'dir': the host directory itself; 'overlay': a copy-on-write view of it; 'memory': empty, in memory. */
  kind: 'dir' | 'overlay' | 'memory';
  /** The host directory ('' for memory). */
  host: string;
  /** The preopen name the guest sees. */
  guest: string;
  readOnly: boolean;
}

/**
 * HOST[::GUEST], as wasmtime: the guest sees the directory under the preopen name GUEST, or
 * HOST as written when GUEST is left out. Relative names ("data", ".", "fs-tests.dir") are kept
 * verbatim: wasi-libc resolves the guest's relative paths against them and some guests look a
 * preopen up by its exact name. Absolute names are normalised ("/d/./" → "/d").
 */
export function parseDir(flag: string, text: string, readOnly: boolean, kind: 'dir' | 'overlay' = 'dir'): DirSpec {
  const cut = text.indexOf('::');
  const host = cut < 0 ? text : text.slice(0, cut);
  const guest = cut < 0 ? host : text.slice(cut + 2);
  if (host === '' || guest === '') usage(`${flag}: expected HOST[::GUEST], got ${JSON.stringify(text)}`);
  return { kind, host, guest: guestName(flag, guest, cut < 0 ? '; name one with HOST::GUEST' : ''), readOnly };
}

/** GUEST for --memfs: a fresh in-memory directory. */
export function parseMemfs(text: string): DirSpec {
  if (text === '') usage('--memfs: expected a guest name such as /tmp');
  return { kind: 'memory', host: '', guest: guestName('--memfs', text, ''), readOnly: false };
}

function guestName(flag: string, guest: string, hint: string): string {
  if (!guest.startsWith('/')) return guest;
  const parts = guest.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) usage(`${flag}: the guest path ${JSON.stringify(guest)} must not contain ".."${hint}`);
  return '/' + parts.join('/');
}

/** NAME=VALUE sets a variable; NAME alone copies it from `hostEnv` (omitted when unset there). */
export function parseEnv(text: string, hostEnv: Record<string, string | undefined>): [string, string] | null {
  const cut = text.indexOf('=');
  const name = cut < 0 ? text : text.slice(0, cut);
  if (name === '' || name.includes('\0')) usage(`--env: expected NAME=VALUE or NAME, got ${JSON.stringify(text)}`);
  if (cut >= 0) return [name, text.slice(cut + 1)];
  const value = hostEnv[name];
  return value === undefined ? null : [name, value];
}
