// Filesystem cases: large reads, many small writes, metadata churn; Warden on both an
// in-memory mount and a host directory mount, node:wasi on a real preopened directory.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostDir, memoryFs, run, type Mountable } from '../src/index.js';
import type { Case } from './case.js';
import { captureFd, devNull, expectOk, expectSameOutput, expectZero, fixture, scratchDir } from './env.js';
import { runNodeWasi } from './node-wasi.js';

const READ_MIB = 64;
const WRITE_LINES = '100000';
const META_FILES = '1000';

let bigFile: { dir: string; bytes: Uint8Array } | null = null;

/** A 64 MiB file of pseudo-random bytes in a scratch directory (made once). */
function big(): { dir: string; bytes: Uint8Array } {
  if (bigFile === null) {
    const dir = scratchDir('read');
    const bytes = new Uint8Array(READ_MIB << 20);
    let x = 0x9e3779b9;
    const u32 = new Uint32Array(bytes.buffer);
    for (let i = 0; i < u32.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; u32[i] = x >>> 0; }
    writeFileSync(join(dir, 'big.bin'), bytes);
    bigFile = { dir, bytes };
  }
  return bigFile;
}

/** `deadline: false` runs Warden with timeoutMs: Infinity, to show the vm watchdog's share. */
function readCase(kind: 'memory' | 'host', chunk: number, deadline = true): Case {
  const label = chunk >= 1 << 20 ? `${chunk >> 20} MiB` : `${chunk >> 10} KiB`;
  const limits = deadline ? undefined : { timeoutMs: Infinity };
  return {
    id: `read-${kind}-${label.replace(' ', '').toLowerCase()}${deadline ? '' : '-nodeadline'}`,
    name: `read ${READ_MIB} MiB in ${label} reads, warden ${kind === 'memory' ? 'memoryFs' : 'hostDir'}${deadline ? '' : ', timeoutMs: Infinity'}`,
    target: '<= 0.90', unit: 'ms',
    opts: { iterations: 31, warmup: 3, budgetMs: 8_000 },
    // node:wasi's fd_read, called through V8's fast API path, corrupts the heap when a GC starts
    // inside it (case-child.ts); the regular call path is safe and, at 64 KiB and larger reads,
    // no slower (measured: 64 MiB in 64 KiB reads 3.0-3.5 ms either way).
    nodeFlags: ['--no-turbo-fast-api-calls'],
    async prepare() {
      const m = fixture('bench-read');
      const { dir, bytes } = big();
      const args = ['read', '/data/big.bin', String(chunk)];
      // One memoryFs holding the file, reused by every run (as a host serving many runs would).
      const mem = kind === 'memory' ? memoryFs({ 'big.bin': bytes }) : null;
      const mount = (): Mountable => mem ?? hostDir(dir, { readOnly: true });
      const preopens = { '/data': dir };
      expectSameOutput('read', await run(m, { args, mounts: { '/data': mount() } }),
        captureFd((fd) => runNodeWasi(m, { args, preopens, stdout: fd })));
      return {
        warden: async () => expectOk(await run(m, { args, mounts: { '/data': mount() }, stdout: 'discard', limits }), 'read'),
        node: () => runNodeWasi(m, { args, preopens, stdout: devNull() }),
      };
    },
  };
}

function writeFileCase(kind: 'memory' | 'host'): Case {
  return {
    id: `write-${kind}`,
    name: `write ${Number(WRITE_LINES) / 1000}k lines, one write(2) each, to a file, warden ${kind === 'memory' ? 'memoryFs' : 'hostDir'}`,
    target: '<= 1.00', unit: 'ms',
    opts: { iterations: 9, warmup: 1, budgetMs: 10_000 },
    async prepare() {
      const m = fixture('bench-write');
      const wdir = scratchDir('write-w');
      const ndir = scratchDir('write-n');
      const mem = kind === 'memory' ? memoryFs() : null;
      const mount = (): Mountable => mem ?? hostDir(wdir);
      const args = ['write', WRITE_LINES, '/out/log.txt'];
      const preopens = { '/out': ndir };
      expectOk(await run(m, { args, mounts: { '/out': mount() } }), 'write');
      expectZero(runNodeWasi(m, { args, preopens }), 'write');
      const w = mem === null ? readFileSync(join(wdir, 'log.txt')) : mem.readFile('log.txt');
      if (Buffer.compare(w, readFileSync(join(ndir, 'log.txt'))) !== 0) throw new Error('write: warden and node:wasi wrote different files');
      return {
        warden: async () => expectOk(await run(m, { args, mounts: { '/out': mount() } }), 'write'),
        node: () => runNodeWasi(m, { args, preopens }),
      };
    },
  };
}

// The case runs in a child whose fd 1 is /dev/null (run.ts), so Warden's `stdout: 'inherit'` and
// node:wasi's `stdout: 1` write to the same real fd: the fairest comparison of the two (a
// callback sink would add a copy and a JS call per line).
function writeStdoutCase(): Case {
  return {
    id: 'write-stdout', target: '<= 1.00', unit: 'ms',
    name: `write ${Number(WRITE_LINES) / 1000}k lines to stdout, both to the real fd 1 = /dev/null (warden 'inherit')`,
    opts: { iterations: 9, warmup: 1, budgetMs: 10_000 },
    async prepare() {
      const m = fixture('bench-write');
      const args = ['write', WRITE_LINES];
      expectSameOutput('write-stdout', await run(m, { args }), captureFd((fd) => runNodeWasi(m, { args, stdout: fd })));
      return {
        warden: async () => expectOk(await run(m, { args, stdout: 'inherit' }), 'write-stdout'),
        node: () => runNodeWasi(m, { args, stdout: 1 }),
      };
    },
  };
}

function writeDiscardCase(): Case {
  return {
    id: 'write-discard', target: '<= 1.00', unit: 'ms',
    name: `write ${Number(WRITE_LINES) / 1000}k lines to stdout, warden 'discard', node:wasi fd 1 = /dev/null`,
    opts: { iterations: 9, warmup: 1, budgetMs: 10_000 },
    async prepare() {
      const m = fixture('bench-write');
      const args = ['write', WRITE_LINES];
      return {
        warden: async () => expectOk(await run(m, { args, stdout: 'discard' }), 'write-discard'),
        node: () => runNodeWasi(m, { args, stdout: devNull() }),
      };
    },
  };
}

/** A RAM-backed directory for the metadata case, if this machine has one. */
const TMPFS = '/dev/shm';

/**
 * `tmpfs`: both sides work in /dev/shm instead of the system temp dir. On a disk, creating a file
 * can wait on the journal for most of its time (seen here: 0.5 ms per create in slow phases), which
 * hides each side's own per-call cost; on tmpfs only that cost is left.
 */
function metaCase(kind: 'memory' | 'host', tmpfs = false): Case {
  const where = tmpfs ? `, both on tmpfs (${TMPFS})` : '';
  return {
    id: `meta-${kind}${tmpfs ? '-tmpfs' : ''}`,
    name: `metadata: create/stat/readdir/unlink ${Number(META_FILES) / 1000}k files, warden ${kind === 'memory' ? 'memoryFs' : 'hostDir'}${where}`,
    target: '<= 1.00', unit: 'ms',
    opts: { iterations: tmpfs ? 31 : 9, warmup: 1, budgetMs: 12_000 },
    async prepare() {
      const m = fixture('bench-meta');
      const root = tmpfs ? TMPFS : undefined;
      const wdir = scratchDir('meta-w', root);
      const ndir = scratchDir('meta-n', root);
      const args = ['meta', '/work', META_FILES];
      const mount = (): Mountable => kind === 'memory' ? memoryFs() : hostDir(wdir);
      const preopens = { '/work': ndir };
      expectSameOutput('meta', await run(m, { args, mounts: { '/work': mount() } }),
        captureFd((fd) => runNodeWasi(m, { args, preopens, stdout: fd })));
      return {
        warden: async () => expectOk(await run(m, { args, mounts: { '/work': mount() }, stdout: 'discard' }), 'meta'),
        node: () => runNodeWasi(m, { args, preopens, stdout: devNull() }),
      };
    },
  };
}

export function ioCases(): Case[] {
  return [
    readCase('memory', 64 << 10),
    readCase('host', 64 << 10),
    readCase('memory', 1 << 20),
    readCase('host', 1 << 20),
    readCase('host', 64 << 10, false),
    writeFileCase('host'),
    writeFileCase('memory'),
    writeStdoutCase(),
    writeDiscardCase(),
    metaCase('host'),
    ...(existsSync(TMPFS) ? [metaCase('host', true)] : []),
    metaCase('memory'),
  ];
}
