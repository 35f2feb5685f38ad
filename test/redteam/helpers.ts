// Shared helpers for the red-team tests: WAT guests, temp dirs, and the `warden` CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wat } from '../helpers/wat.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(ROOT, 'bin/warden.js');
export const WASI = 'wasi_snapshot_preview1';

const made: string[] = [];

export function tempDir(prefix = 'warden-redteam2-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Imports every WAT guest here may use, by short name. */
const IMPORTS: Record<string, string> = {
  exit: '(func $exit (param i32))',
  write: '(func $write (param i32 i32 i32 i32) (result i32))',
  read: '(func $read (param i32 i32 i32 i32) (result i32))',
  pwrite: '(func $pwrite (param i32 i32 i32 i64 i32) (result i32))',
  poll: '(func $poll (param i32 i32 i32 i32) (result i32))',
  open: '(func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32))',
  symlink: '(func $symlink (param i32 i32 i32 i32 i32) (result i32))',
  seek: '(func $seek (param i32 i64 i32 i32) (result i32))',
  readdir: '(func $readdir (param i32 i32 i32 i64 i32) (result i32))',
  renumber: '(func $renumber (param i32 i32) (result i32))',
  filestat: '(func $filestat (param i32 i32) (result i32))',
  set_size: '(func $set_size (param i32 i64) (result i32))',
  allocate: '(func $allocate (param i32 i64 i64) (result i32))',
  time: '(func $time (param i32 i64 i32) (result i32))',
  set_times: '(func $set_times (param i32 i64 i64 i32) (result i32))',
  random: '(func $random (param i32 i32) (result i32))',
  environ_sizes: '(func $environ_sizes (param i32 i32) (result i32))',
  close: '(func $close (param i32) (result i32))',
  mkdir: '(func $mkdir (param i32 i32 i32) (result i32))',
};
const NAMES: Record<string, string> = {
  exit: 'proc_exit', write: 'fd_write', read: 'fd_read', pwrite: 'fd_pwrite', poll: 'poll_oneoff',
  open: 'path_open', symlink: 'path_symlink', seek: 'fd_seek', readdir: 'fd_readdir',
  renumber: 'fd_renumber', filestat: 'fd_filestat_get', set_size: 'fd_filestat_set_size',
  allocate: 'fd_allocate', time: 'clock_time_get', set_times: 'fd_filestat_set_times',
  random: 'random_get', environ_sizes: 'environ_sizes_get', close: 'fd_close',
  mkdir: 'path_create_directory',
};

/** A module importing every helper above, with `pages` of memory and `body` as its fields. */
export async function guest(body: string, pages = 1): Promise<Uint8Array> {
  const imports = Object.keys(IMPORTS)
    .map((k) => `(import "${WASI}" "${NAMES[k]}" ${IMPORTS[k]!})`)
    .join('\n');
  return wat(`(module ${imports} (memory (export "memory") ${pages}) ${body})`);
}

/** Write a guest to a temp .wasm file (for the CLI). */
export async function guestFile(body: string, pages = 1): Promise<string> {
  const file = join(tempDir(), 'guest.wasm');
  writeFileSync(file, await guest(body, pages));
  return file;
}

export interface Ran { status: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

/**
 * Run `warden ARGS` in a child process; `stdin` 'hold' keeps a pipe open that never ends.
 * The child is killed after `killAfterMs` (a hang fails the test instead of hanging it).
 */
export function warden(args: string[], o: { stdin?: string | 'hold'; killAfterMs?: number } = {}): Promise<Ran> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  if (o.stdin !== 'hold') child.stdin.end(o.stdin ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 15_000);
  return new Promise((done) => {
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      child.stdin.destroy();
      done({ status, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A CLI failure is one "warden: ..." line on stderr, never a stack trace. */
export function assertOneLine(r: Ran, pattern: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^warden: /);
  assert.match(lines[0]!, pattern);
}
