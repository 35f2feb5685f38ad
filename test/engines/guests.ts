// WAT guests for the engine matrix: each one ends in a known way.
import { wat } from '../helpers/wat.js';

const WASI = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))`;

/** $print(ptr, len) writes to stdout using scratch memory at 0..16. */
const PRINT = `
  (func $print (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))`;

/** $sleep(ns) on the monotonic clock with one poll_oneoff subscription at 64. */
const SLEEP = `
  (func $sleep (param $ns i64)
    (i64.store (i32.const 64) (i64.const 7))
    (i32.store8 (i32.const 72) (i32.const 0))
    (i32.store (i32.const 80) (i32.const 1))
    (i64.store (i32.const 88) (local.get $ns))
    (i64.store (i32.const 96) (i64.const 0))
    (i32.store16 (i32.const 104) (i32.const 0))
    (drop (call $poll (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 160))))`;

function command(body: string, extra = '', memory = '(memory (export "memory") 1)'): Promise<Uint8Array> {
  return wat(`(module ${WASI} ${extra} ${memory}
    (data (i32.const 256) "before\\n")
    ${PRINT} ${SLEEP}
    (func (export "_start") ${body}))`);
}

const FILES = `
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))`;

export const guests = {
  exit3: () => command('(call $print (i32.const 256) (i32.const 7)) (call $proc_exit (i32.const 3))'),
  trap: () => command('(call $print (i32.const 256) (i32.const 7)) unreachable'),
  /** Prints "before" then spins forever. */
  spin: () => command('(call $print (i32.const 256) (i32.const 7)) (loop $l (br $l))'),
  /** Prints "before" then sleeps 60 s in poll_oneoff. */
  sleep: () => command('(call $print (i32.const 256) (i32.const 7)) (call $sleep (i64.const 60000000000))'),
  /** Writes "before\n" forever. */
  flood: () => command('(loop $l (call $print (i32.const 256) (i32.const 7)) (br $l))'),
  /** Grows memory a page at a time until memory.grow fails, then traps. */
  grow: () => command('(loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable', '', '(memory (export "memory") 1 4)'),
  /** The same without a declared maximum (relies on limits.memoryBytes). */
  growUnbounded: () => command('(loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable'),
  /** Copies stdin to stdout (one read of up to 1 KiB) and creates /out/made.txt with "made". */
  echoAndWrite: () => wat(`(module ${WASI} ${FILES} (memory (export "memory") 1)
    (data (i32.const 512) "made.txt") (data (i32.const 528) "made")
    ${PRINT}
    (func (export "_start")
      (i32.store (i32.const 16) (i32.const 1024)) (i32.store (i32.const 20) (i32.const 1024))
      (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
      (call $print (i32.const 1024) (i32.load (i32.const 24)))
      ;; path_open(fd 3, dirflags 0, "made.txt", O_CREAT|O_TRUNC, rights FD_WRITE, 0, 0, &fd)
      (if (call $open (i32.const 3) (i32.const 0) (i32.const 512) (i32.const 8) (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 32))
        (then (call $proc_exit (i32.const 9))))
      (i32.store (i32.const 40) (i32.const 528)) (i32.store (i32.const 44) (i32.const 4))
      (drop (call $fd_write (i32.load (i32.const 32)) (i32.const 40) (i32.const 1) (i32.const 48)))
      (drop (call $close (i32.load (i32.const 32))))))`),
  /** Unbounded recursion. */
  recurse: () => wat(`(module (memory (export "memory") 1)
    (func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))
    (func (export "_start") (drop (call $r (i32.const 0)))))`),
  /** exit(env.add(40, 2)). */
  add: () => command('(call $proc_exit (call $add (i32.const 40) (i32.const 2)))', '(import "env" "add" (func $add (param i32 i32) (result i32)))'),
  /** Calls env.fail(); exits 0 if it returns. */
  hostThrows: () => command('(call $fail)', '(import "env" "fail" (func $fail))'),
};

/** A reactor plugin: state, numbers, the byte convention, a bytes host function, failures. */
export function pluginGuest(): Promise<Uint8Array> {
  return wat(`(module
    (import "env" "shout" (func $shout (param i32 i32) (result i64)))
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 256) "init\\n")
    (global $heap (mut i32) (i32.const 4096))
    (global $counter (mut i32) (i32.const 0))
    (func (export "_initialize")
      (global.set $counter (i32.const 100))
      (i32.store (i32.const 0) (i32.const 256))
      (i32.store (i32.const 4) (i32.const 5))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "bump") (result i32)
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (global.get $counter))
    (func (export "alloc") (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $n)))
      (local.get $p))
    ;; upper(ptr, len) -> (out << 32) | len: ASCII upper-case copy.
    (func (export "upper") (param $p i32) (param $n i32) (result i64) (local $o i32) (local $i i32) (local $c i32)
      (local.set $o (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $n)))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $o) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (i64.or (i64.shl (i64.extend_i32_u (local.get $o)) (i64.const 32)) (i64.extend_i32_u (local.get $n))))
    ;; viaHost(ptr, len): hands the bytes to env.shout and returns what the host gave back.
    (func (export "viaHost") (param $p i32) (param $n i32) (result i64) (call $shout (local.get $p) (local.get $n)))
    (func (export "crash") unreachable)
    (func (export "spin") (loop $l (br $l))))`);
}
