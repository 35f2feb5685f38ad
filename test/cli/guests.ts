// Tiny WAT guests for the CLI tests, compiled once into a temp directory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wat } from '../helpers/wat.js';

const WASI = 'wasi_snapshot_preview1';
const PRELUDE = `
  (import "${WASI}" "proc_exit" (func $exit (param i32)))
  (import "${WASI}" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "${WASI}" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "${WASI}" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${WASI}" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
  (import "${WASI}" "random_get" (func $random (param i32 i32) (result i32)))
  (import "${WASI}" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "${WASI}" "fd_prestat_dir_name" (func $prestat_name (param i32 i32 i32) (result i32)))`;

const SOURCES: Record<string, string> = {
  exit7: `(func (export "_start") (call $exit (i32.const 7)))`,
  exit300: `(func (export "_start") (call $exit (i32.const 300)))`,
  trap: `(func $boom unreachable) (func (export "_start") (call $boom))`,
  linkfail: `(import "env" "missing" (func $missing)) (func (export "_start") (call $missing))`,
  spin: `(func (export "_start") (loop $l (br $l)))`,
  // Grows memory one page at a time up to 256 pages (16 MiB), as an allocator would; traps if a grow fails.
  grow: `(func (export "_start")
    (loop $l (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
      (br_if $l (i32.lt_u (memory.size) (i32.const 256)))))`,
  // Writes 4096 bytes to stdout 16 times.
  chatty: `(func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 4096))
    (loop $l (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16)))))`,
  // Creates "out.txt" in the first preopen (fd 3) and writes "written\\n"; exits with the errno.
  writer: `(data (i32.const 0) "out.txt") (data (i32.const 16) "written\\n")
    (data (i32.const 32) "\\10\\00\\00\\00\\08\\00\\00\\00")
    (func (export "_start") (local $err i32)
      (local.set $err (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7) (i32.const 1)
        (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 48)))
      (if (local.get $err) (then (call $exit (local.get $err))))
      (call $exit (call $write (i32.load (i32.const 48)) (i32.const 32) (i32.const 1) (i32.const 56))))`,
  // Prints the preopen name of fd 3 (exits with the errno if there is none).
  preopen: `(func (export "_start") (local $err i32)
    (local.set $err (call $prestat (i32.const 3) (i32.const 0)))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (local.set $err (call $prestat_name (i32.const 3) (i32.const 64) (i32.load (i32.const 4))))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (i32.store (i32.const 8) (i32.const 64)) (i32.store (i32.const 12) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16))))`,
  // Writes "A\n" then "B\n" to stderr in two calls.
  stderr: `(data (i32.const 0) "A\\0aB\\0a") (data (i32.const 16) "\\00\\00\\00\\00\\02\\00\\00\\00\\02\\00\\00\\00\\02\\00\\00\\00")
    (func (export "_start")
      (drop (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 32)))
      (drop (call $write (i32.const 2) (i32.const 24) (i32.const 1) (i32.const 32))))`,
  // Copies stdin to stdout.
  cat: `(func (export "_start") (local $n i32)
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 4096))
    (block $done (loop $next
      (br_if $done (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $n (i32.load (i32.const 8)))
      (br_if $done (i32.eqz (local.get $n)))
      (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (local.get $n))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
      (br $next))))`,
  // Exits with the realtime clock's whole seconds (mod 256), or 100 + errno if it is denied.
  clock: `(func (export "_start") (local $err i32)
    (local.set $err (call $time (i32.const 0) (i64.const 1) (i32.const 0)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (call $exit (i32.wrap_i64 (i64.rem_u (i64.div_u (i64.load (i32.const 0)) (i64.const 1000000000)) (i64.const 256)))))`,
  // Writes 16 random bytes to stdout, or exits with 200 + errno if random is denied.
  random: `(func (export "_start") (local $err i32)
    (local.set $err (call $random (i32.const 64) (i32.const 16)))
    (if (local.get $err) (then (call $exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 16))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))`,
};

export type GuestName = keyof typeof SOURCES;

let dir: string | undefined;

/** Compile every guest into a temp directory; returns name → .wasm path. */
export async function buildGuests(): Promise<Record<string, string>> {
  dir ??= mkdtempSync(join(tmpdir(), 'warden-cli-guests-'));
  const out: Record<string, string> = {};
  for (const [name, body] of Object.entries(SOURCES)) {
    const path = join(dir, `${name}.wasm`);
    writeFileSync(path, await wat(`(module ${PRELUDE} ${body} (memory (export "memory") 1))`));
    out[name] = path;
  }
  return out;
}

export function guestDir(): string {
  if (dir === undefined) throw new Error('buildGuests() first');
  return dir;
}
