// Shared bench plumbing: fixture modules, scratch directories, /dev/null, result checks.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/index.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const modules = new Map<string, WebAssembly.Module>();

/** fixtures/wasm/<name>.wasm, compiled once and shared by both sides. */
export function fixture(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(join(repoRoot, 'fixtures', 'wasm', `${name}.wasm`)));
    modules.set(name, m);
  }
  return m;
}

const scratch: string[] = [];

/** run.ts hands its case processes one parent directory, removed even when a case crashes. */
export const SCRATCH_ENV = 'WARDEN_BENCH_SCRATCH';

/** `root` overrides where the directory is made (e.g. a tmpfs, see cases-io.ts). */
export function scratchDir(label: string, root?: string): string {
  const d = mkdtempSync(join(root ?? process.env[SCRATCH_ENV] ?? tmpdir(), `warden-bench-${label}-`));
  scratch.push(d);
  return d;
}

export function cleanupScratch(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}

let devNullFd = -1;
export function devNull(): number {
  if (devNullFd < 0) devNullFd = openSync('/dev/null', 'w');
  return devNullFd;
}

/** Run `fn` with a fresh file as its stdout fd and return what it wrote (node:wasi checks). */
export function captureFd(fn: (fd: number) => number): { code: number; text: string } {
  const dir = scratchDir('out');
  const path = join(dir, 'stdout');
  const fd = openSync(path, 'w');
  let code: number;
  try { code = fn(fd); } finally { closeSync(fd); }
  return { code, text: readFileSync(path, 'utf8') };
}

/** Throw unless the Warden run exited 0 (so a broken run is never timed as a fast one). */
export function expectOk(r: RunResult, what: string): void {
  if (r.outcome !== 'exited' || r.exitCode !== 0) {
    const err = r.stderr ? new TextDecoder().decode(r.stderr) : '';
    throw new Error(`${what}: warden run ended ${r.outcome} (exit ${r.exitCode}) ${r.error?.message ?? ''} ${err}`.trim());
  }
}

export function expectZero(code: number, what: string): void {
  if (code !== 0) throw new Error(`${what}: node:wasi run exited ${code}`);
}

/** Both sides must print the same thing before either is timed. */
export function expectSameOutput(what: string, warden: RunResult, node: { code: number; text: string }): void {
  expectOk(warden, what);
  expectZero(node.code, what);
  const w = new TextDecoder().decode(warden.stdout ?? new Uint8Array(0));
  if (w !== node.text) throw new Error(`${what}: outputs differ: warden ${JSON.stringify(w)} vs node:wasi ${JSON.stringify(node.text)}`);
}
