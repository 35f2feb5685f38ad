// A drop-in for `node:wasi`'s WASI class, safe for the host: preopens become race-free hostDir
// mounts, stdio fds are granted as sinks (a guest's fd_renumber/fd_close never touches the
// host's real fds), proc_exit never ends the host process, and nothing else is inherited.
import { preview1Imports, type WasiImports } from '../abi/preview1.js';
import { Kernel } from '../kernel/kernel.js';
import { ExitSignal, GuestStop } from '../kernel/signals.js';
import { CaptureOutput, type InputStream, type OutputStream } from '../kernel/stdio.js';
import { createClock, type ClockOption } from '../time/clocks.js';
import { createRandom, type RandomOption } from '../time/random.js';
import { WardenUsageError } from '../run/errors.js';
import { mountSpecs } from '../run/mounts.js';
import type { Mountable, OutputOption } from '../run/options.js';
import { checkGuestPath, DEFAULT_OPEN_FILES } from '../run/options.js';
import { hostDir } from './host-fs.js';
import { sleepSync } from './inline.js';
import { HostFdInput, HostFdOutput, outputStream } from './stdio.js';

export interface WASIOptions {
  /** 'preview1' (or 'unstable', accepted for compatibility; both give preview1 imports). */
  version?: 'preview1' | 'unstable';
  args?: string[];
  env?: Record<string, string>;
  /** guest path → host directory, mounted read-write with hostDir (race-free). */
  preopens?: Record<string, string>;
  /** Accepted for compatibility; Warden always returns the exit code and never exits the host. */
  returnOnExit?: boolean;
  /** Host fds to grant as the guest's stdio (node:wasi defaults: 0, 1, 2). */
  stdin?: number;
  stdout?: number | OutputOption;
  stderr?: number | OutputOption;
  // Warden extensions:
  mounts?: Record<string, Mountable>;
  clock?: ClockOption;
  random?: RandomOption;
}

function hostFdInput(fd: number): InputStream {
  if (!Number.isInteger(fd) || fd < 0) throw new WardenUsageError(`stdin fd must be a non-negative integer, got ${fd}`);
  return new HostFdInput(fd);
}

function sink(o: number | OutputOption | undefined, dflt: 1 | 2): OutputStream {
  if (o === undefined) return new HostFdOutput(dflt);
  if (typeof o === 'number') {
    if (!Number.isInteger(o) || o < 0) throw new WardenUsageError(`stdio fd must be a non-negative integer, got ${o}`);
    return new HostFdOutput(o);
  }
  return outputStream(o, dflt);
}

export class WASI {
  readonly wasiImport: WasiImports;
  private readonly kernel: Kernel;
  private started = false;

  constructor(options: WASIOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new WardenUsageError('WASI options must be an object');
    if (options.version !== undefined && options.version !== 'preview1' && options.version !== 'unstable') {
      throw new WardenUsageError(`WASI version must be 'preview1' or 'unstable', got ${JSON.stringify(options.version)}`);
    }
    const mounts: Record<string, Mountable> = { ...(options.mounts ?? {}) };
    for (const [guest, host] of Object.entries(options.preopens ?? {})) {
      // node:wasi accepts relative guest names ("sandbox"); they are reported verbatim by
      // fd_prestat_dir_name, which is what wasi-libc matches relative paths against.
      if (guest.startsWith('/')) checkGuestPath(guest);
      mounts[guest] = hostDir(host);
    }
    this.kernel = new Kernel({
      args: options.args ?? [],
      env: Object.entries(options.env ?? {}),
      stdin: options.stdin === undefined ? hostFdInput(0) : hostFdInput(options.stdin),
      stdout: sink(options.stdout, 1),
      stderr: sink(options.stderr, 2),
      clock: createClock(options.clock ?? 'real'),
      random: createRandom(options.random ?? 'crypto'),
      mounts: mountSpecs(mounts),
      maxOpenFiles: DEFAULT_OPEN_FILES,
      outputBytes: Infinity,
      deadline: Infinity,
      sleep: sleepSync,
    });
    this.wasiImport = preview1Imports(this.kernel);
  }

  getImportObject(): { wasi_snapshot_preview1: WasiImports } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  private bind(instance: WebAssembly.Instance): void {
    if (this.started) throw new Error('WASI instance has already started');
    this.started = true;
    const mem = instance.exports.memory;
    if (!(mem instanceof WebAssembly.Memory)) throw new TypeError('instance.exports.memory must be a WebAssembly.Memory');
    this.kernel.mem.bind(mem);
  }

  /** Run a command's `_start`; returns its exit code (0 when _start returns). */
  start(instance: WebAssembly.Instance): number {
    this.bind(instance);
    const start = instance.exports._start;
    if (typeof start !== 'function') throw new TypeError('instance.exports._start must be a function');
    if (typeof instance.exports._initialize === 'function') throw new TypeError('instance.exports._initialize must not be present for start()');
    try {
      (start as () => void)();
    } catch (e) {
      if (e instanceof GuestStop) return this.exitCodeOf(e);
      throw e;
    }
    const stopped = this.kernel.stopped;
    return stopped === null ? 0 : this.exitCodeOf(stopped);
  }

  /** Initialise a reactor (calls `_initialize` if exported). */
  initialize(instance: WebAssembly.Instance): void {
    this.bind(instance);
    if (typeof instance.exports._start === 'function') throw new TypeError('instance.exports._start must not be present for initialize()');
    const init = instance.exports._initialize;
    if (init !== undefined) {
      if (typeof init !== 'function') throw new TypeError('instance.exports._initialize must be a function');
      (init as () => void)();
    }
  }

  private exitCodeOf(e: GuestStop): number {
    if (e instanceof ExitSignal) return e.code;
    throw e;
  }

  /** Captured output, when stdout/stderr were granted as 'capture'. */
  get stdout(): Uint8Array | undefined { const o = this.kernel.config.stdout; return o instanceof CaptureOutput ? o.bytes() : undefined; }
  get stderr(): Uint8Array | undefined { const o = this.kernel.config.stderr; return o instanceof CaptureOutput ? o.bytes() : undefined; }
}

