// Loads a built fixture (fixtures/wasm/<name>.wasm) and runs it through the public API, on a
// mount of each available kind (memoryFs, hostDir, overlays on both), so every conformance
// family runs against every filesystem.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as warden from '../../src/index.js';
import type { RunOptions, RunResult } from '../../src/index.js';
import type { FileSystem } from '../../src/fs/types.js';

/** Path of a built fixture; `name` may include a subfolder, e.g. 'redteam/escape'. */
export function fixturePath(name: string): string {
  // dist/test/helpers/guest.js -> repository root is three levels up.
  return fileURLToPath(new URL(`../../../fixtures/wasm/${name}.wasm`, import.meta.url));
}

export type Files = Record<string, string>;

export interface MountKind {
  readonly kind: 'memory' | 'host' | 'overlay on memory' | 'overlay on host';
  /** A fresh filesystem seeded with `files`; `cleanup` removes whatever it left on the host. */
  make(files: Files): { fs: FileSystem; cleanup(): void };
}

const memoryKind: MountKind = {
  kind: 'memory',
  make: (files) => ({ fs: warden.memoryFs(files), cleanup: () => {} }),
};

/** A fresh host directory seeded with `files`, mounted with hostDir. */
function makeHostDir(files: Files): { dir: string; fs: FileSystem; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-conf-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const hostDir = (warden as { hostDir?: (path: string) => FileSystem }).hostDir;
  if (typeof hostDir !== 'function') throw new Error('hostDir is not available');
  return { dir, fs: hostDir(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const hostKind: MountKind = { kind: 'host', make: makeHostDir };

/** Every path under `dir` with its type and content (files) or target (symlinks). */
function snapshot(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.push(`${prefix}${name} -> ${readlinkSync(full)}`);
    else if (st.isDirectory()) out.push(`${prefix}${name}/`, ...snapshot(full, `${prefix}${name}/`));
    else out.push(`${prefix}${name} = ${readFileSync(full).toString('base64')}`);
  }
  return out;
}

const overlayMemoryKind: MountKind = {
  kind: 'overlay on memory',
  make: (files) => ({ fs: warden.overlay(warden.memoryFs(files)), cleanup: () => {} }),
};

/** An overlay whose lower layer is a host directory; cleanup checks the host was never written. */
const overlayHostKind: MountKind = {
  kind: 'overlay on host',
  make(files) {
    const host = makeHostDir(files);
    const before = snapshot(host.dir);
    return {
      fs: warden.overlay(host.fs),
      cleanup() {
        const after = snapshot(host.dir);
        host.cleanup();
        assert.deepEqual(after, before, 'the overlay wrote through to its host directory');
      },
    };
  },
};

/** The mount kinds this build offers: memoryFs and an overlay on it always; hostDir and an
 * overlay on it once hostDir exists. */
export function mountKinds(): MountKind[] {
  const hasHost = typeof (warden as { hostDir?: unknown }).hostDir === 'function';
  return hasHost ? [memoryKind, hostKind, overlayMemoryKind, overlayHostKind] : [memoryKind, overlayMemoryKind];
}

export interface GuestRun extends RunResult {
  /** Captured stdout as text. */
  out: string;
  /** Captured stderr as text. */
  err: string;
}

export interface GuestOptions extends Omit<RunOptions, 'args' | 'mounts'> {
  /** Arguments after argv[0] (argv[0] is the guest's name). */
  args?: string[];
  /** Seed files for the /sandbox mount; no mount at all when left out. */
  files?: Files;
  /** The kind of filesystem behind /sandbox (default memoryFs). */
  mount?: MountKind;
  /** More mounts of the same kind, guest path -> seed files. */
  moreMounts?: Record<string, Files>;
}

const decoder = new TextDecoder();

/** Runs fixture `name` with stdout/stderr captured and a /sandbox mount built from `files`. */
export async function runGuest(name: string, options: GuestOptions = {}): Promise<GuestRun> {
  const { args = [], files, mount = memoryKind, moreMounts = {}, ...rest } = options;
  const made = new Map<string, { fs: FileSystem; cleanup(): void }>();
  try {
    if (files) made.set('/sandbox', mount.make(files));
    for (const [path, seed] of Object.entries(moreMounts)) made.set(path, mount.make(seed));
    const result = await warden.run(fixturePath(name), {
      stdout: 'capture',
      stderr: 'capture',
      ...rest,
      args: [name, ...args],
      mounts: Object.fromEntries([...made].map(([path, m]) => [path, m.fs])),
    });
    return { ...result, out: decoder.decode(result.stdout ?? new Uint8Array()), err: decoder.decode(result.stderr ?? new Uint8Array()) };
  } finally {
    for (const m of made.values()) m.cleanup();
  }
}

/** The FAIL lines a self-checking guest printed. */
export function failures(r: GuestRun): string[] {
  return r.out.split('\n').filter((line) => line.startsWith('FAIL'));
}

/**
 * Asserts that a self-checking guest (fixtures/c/check.h) ran every check and passed:
 * exited with 0 and printed "PASS N checks" with N >= minChecks. On failure the message lists
 * the FAIL lines, so a broken syscall is named in the test output.
 */
export function assertPassed(r: GuestRun, minChecks = 1): void {
  const fails = failures(r);
  const detail = `outcome=${r.outcome} exit=${r.exitCode} ${r.error ? `error=${String(r.error)}` : ''}\n` +
    (fails.length > 0 ? fails.join('\n') : r.out.split('\n').slice(-5).join('\n')) + (r.err ? `\nstderr: ${r.err}` : '');
  assert.equal(r.outcome, 'exited', detail);
  assert.deepEqual(fails, [], detail);
  assert.equal(r.exitCode, 0, detail);
  const m = /^PASS (\d+) checks$/m.exec(r.out);
  assert.ok(m, `no PASS line\n${detail}`);
  assert.ok(Number(m[1]) >= minChecks, `only ${m[1]} checks ran, expected at least ${minChecks}`);
}

/** The value of an "info KEY VALUE" line a guest printed. */
export function info(r: GuestRun, key: string): string | undefined {
  const m = new RegExp(`^info ${key} (.*)$`, 'm').exec(r.out);
  return m?.[1];
}
