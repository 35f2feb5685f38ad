import { Errno, FileType, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_STDIO, RIGHTS_WRITE, Rights } from '../abi/constants.js';
import { GuestMemory } from '../abi/memory.js';
import type { FileSystem, Stat } from '../fs/types.js';
import type { GuestClock } from '../time/clocks.js';
import type { RandomSource } from '../time/random.js';
import { Descriptor, dirDescriptor, type Mount } from './descriptor.js';
import { WasiErrno } from './errors.js';
import { FdTable } from './fd-table.js';
import { AbortedSignal, ExitSignal, GuestStop, LimitSignal, TimeoutSignal, uncatchable } from './signals.js';
import type { InputStream, OutputStream } from './stdio.js';

export interface Denial {
  /** What was not granted: 'fs', 'clock', 'random', 'fd', ... */
  capability: string;
  /** The WASI call that asked for it. */
  call: string;
  detail: string;
}

export interface MountSpec {
  path: string;
  fs: FileSystem;
}

export interface KernelConfig {
  args: readonly string[];
  env: readonly (readonly [string, string])[];
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  clock: GuestClock;
  random: RandomSource;
  mounts: readonly MountSpec[];
  maxOpenFiles: number;
  /** Combined stdout+stderr cap in bytes (Infinity for none). */
  outputBytes: number;
  /** performance.now() value at which the run times out (Infinity for none). */
  deadline: number;
  /** Block the calling thread for `ms` milliseconds (engine-provided; Atomics.wait). */
  sleep: (ms: number) => void;
  signal?: AbortSignal;
}

const MAX_DENIALS = 1000;
const MAX_DETAIL = 512;

/**
 * One guest's kernel state: memory, fd table, granted capabilities and the run's bookkeeping.
 * The ABI layer (src/abi) decodes calls and drives this; engines create one per run.
 */
export class Kernel {
  readonly mem = new GuestMemory();
  readonly fds: FdTable;
  readonly mounts: Mount[] = [];
  readonly denials: Denial[] = [];
  deniedCount = 0;
  /** Set once the guest has exited (or been stopped): every later call throws it again. */
  stopped: GuestStop | null = null;
  /** Unexpected host-side exceptions swallowed as EIO (bugs, recorded for the report). */
  readonly internalErrors: unknown[] = [];
  outputUsed = 0;
  readonly argsBytes: Uint8Array[];
  readonly envBytes: Uint8Array[];

  constructor(readonly config: KernelConfig) {
    this.fds = new FdTable(config.maxOpenFiles, () =>
      this.deny('openFiles', 'path_open', `open-files limit of ${config.maxOpenFiles} reached (EMFILE)`));
    const enc = new TextEncoder();
    this.argsBytes = config.args.map((a) => enc.encode(a + '\0'));
    this.envBytes = config.env.map(([k, v]) => enc.encode(`${k}=${v}\0`));

    // Like wasmtime, stdio is a character device only when it is a real terminal, so that
    // wasi-libc's isatty() (and line buffering, colours) follow the truth.
    const type = (s: { isTerminal?: boolean }) => (s.isTerminal ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN);
    this.fds.set(0, new Descriptor(type(config.stdin), RIGHTS_STDIO & ~Rights.FD_WRITE, 0, 0, null, null, config.stdin, null, null));
    this.fds.set(1, new Descriptor(type(config.stdout), RIGHTS_STDIO & ~Rights.FD_READ, 0, 0, null, null, null, config.stdout, null));
    this.fds.set(2, new Descriptor(type(config.stderr), RIGHTS_STDIO & ~Rights.FD_READ, 0, 0, null, null, null, config.stderr, null));

    let dev = 1n;
    // A filesystem that stamps host times would tell a guest on a denied, frozen or virtual
    // clock the host's time: times from the run's start on (less a second of filesystem
    // timestamp granularity) are shown as the guest's own now instead.
    const k = config.clock.kind;
    const hideFrom = k === 'deny' || k === 'frozen' || k === 'virtual' ? BigInt(Date.now() - 1000) * 1_000_000n : null;
    for (const spec of config.mounts) {
      const readOnly = spec.fs.readOnly;
      const mount: Mount = { path: spec.path, fs: spec.fs, readOnly, dev: dev++, hideTimesFrom: spec.fs.hostTimes ? hideFrom : null };
      const now = () => this.fileNow();
      spec.fs.attach?.({ now, dev: mount.dev });
      this.mounts.push(mount);
      const ro = readOnly ? ~RIGHTS_WRITE : -1;
      // Inheriting keeps FD_WRITE so a write-open on a read-only mount reaches the kernel's
      // EROFS check instead of silently opening read-only (see RATIONALE.md).
      const inheriting = readOnly ? (RIGHTS_DIR | RIGHTS_FILE) & (~RIGHTS_WRITE | Rights.FD_WRITE) : RIGHTS_DIR | RIGHTS_FILE;
      this.fds.add(dirDescriptor(spec.fs.openRoot(), RIGHTS_DIR & ro, inheriting, 0, mount, spec.path));
    }
  }

  /**
   * "Now" for file timestamps (new entries, *_NOW flags). A guest without a clock must not
   * learn the time from the files it touches, so a denied clock stamps the epoch.
   */
  fileNow(): bigint {
    return this.config.clock.kind === 'deny' ? 0n : this.config.clock.realtime();
  }

  /** The stat a guest may see: host-stamped times that would reveal the time are hidden. */
  guestStat(mount: Mount | null, st: Stat): Stat {
    const from = mount === null ? null : mount.hideTimesFrom;
    if (from === null || (st.atim < from && st.mtim < from && st.ctim < from)) return st;
    const now = this.fileNow();
    return {
      ...st,
      atim: st.atim < from ? st.atim : now,
      mtim: st.mtim < from ? st.mtim : now,
      ctim: st.ctim < from ? st.ctim : now,
    };
  }

  /** Throw again if the guest already exited or was stopped (a guest that caught the unwind). */
  alive(): void {
    if (this.stopped !== null) throw this.stopped;
    const s = this.config.signal;
    if (s !== undefined && s.aborted) this.stop(new AbortedSignal(s.reason));
  }

  /** End the guest for good with `signal`. */
  stop(signal: GuestStop): never {
    if (this.stopped === null) this.stopped = uncatchable(signal);
    throw this.stopped;
  }

  exit(code: number): never {
    return this.stop(new ExitSignal(code >>> 0));
  }

  /**
   * Turn anything thrown inside a syscall into the errno returned to the guest. Stop signals
   * keep unwinding; unexpected host exceptions become EIO and are kept for the run's report,
   * so a host bug can never throw into the guest.
   */
  errno(e: unknown): number {
    if (e instanceof WasiErrno) return e.errno;
    if (e instanceof GuestStop) throw e;
    if (e instanceof RangeError && isStackOverflow(e)) throw e;
    if (this.internalErrors.length < 16) this.internalErrors.push(e);
    return Errno.IO;
  }

  deny(capability: string, call: string, detail: string): void {
    this.deniedCount++;
    // Details quote guest data (paths): bounded, so 1,000 kept denials stay small.
    if (detail.length > MAX_DETAIL) detail = detail.slice(0, MAX_DETAIL) + '...';
    if (this.denials.length < MAX_DENIALS) this.denials.push({ capability, call, detail });
  }

  /** Account guest output against the output limit; returns how many bytes may be written. */
  chargeOutput(n: number): number {
    const left = this.config.outputBytes - this.outputUsed;
    if (n <= left) { this.outputUsed += n; return n; }
    this.outputUsed += Math.max(0, left);
    return Math.max(0, left);
  }

  outputLimitHit(): never {
    return this.stop(new LimitSignal('output', `guest output exceeded ${this.config.outputBytes} bytes`));
  }

  /** Sleep `ns` on the guest's clock, honouring the run's deadline and abort signal. */
  sleepNs(ns: bigint): void {
    if (ns <= 0n) return;
    if (!this.config.clock.sleep(ns)) return;
    let ms = Number(ns) / 1e6;
    const left = this.config.deadline - performance.now();
    const timesOut = ms >= left;
    if (timesOut) ms = Math.max(0, left);
    // Sleep in slices so an abort signal set from another thread (worker engine) is seen.
    const end = performance.now() + ms;
    for (;;) {
      this.alive();
      const now = performance.now();
      if (now >= end) break;
      this.config.sleep(Math.min(end - now, 50));
    }
    if (timesOut) this.stop(new TimeoutSignal());
  }

  /** Close everything the guest holds and detach the filesystems. */
  /**
   * Push out stdout bytes a gathering stream holds (see node/stdio.ts GatheredHostFdOutput):
   * called before anything whose order against stdout could be observed (stderr, stdin, sleeps,
   * yields) and when the run ends.
   */
  flushStdout(): void {
    const f = this.config.stdout.flush;
    if (f !== undefined) f.call(this.config.stdout);
  }

  dispose(): void {
    try { this.flushStdout(); } catch { /* the host's stdout is gone (EPIPE): nothing to keep */ }
    this.fds.closeAll();
    for (const m of this.mounts) {
      try { m.fs.detach?.(); } catch { /* a failing detach must not hide the result */ }
    }
  }
}

/**
 * A stack overflow inside a syscall ends the guest like one in wasm. The test itself runs with
 * almost no stack left (a regex here overflowed again and turned the trap into a host-function
 * error), so it is a plain substring search and an overflow while checking counts as one.
 */
function isStackOverflow(e: RangeError): boolean {
  try {
    return e.message.indexOf('call stack') !== -1;
  } catch {
    return true;
  }
}
