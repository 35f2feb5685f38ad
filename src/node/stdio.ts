// Node-side stdio grants: reading stdin from a file or stream, inheriting the host's
// stdout/stderr. Core streams live in kernel/stdio.ts.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import {
  BytesInput, CallbackOutput, CaptureOutput, DiscardOutput, EmptyInput, type InputStream, type OutputStream,
} from '../kernel/stdio.js';
import type { OutputOption, StdinOption } from '../run/options.js';
import { WardenUsageError } from '../run/errors.js';

/** Writes straight to one of the host's own fds (granted by 'inherit'). */
export class HostFdOutput implements OutputStream {
  readonly isTerminal: boolean;
  constructor(private readonly fd: number) { this.isTerminal = isatty(fd); }
  write(src: Uint8Array): void {
    let off = 0;
    while (off < src.length) {
      try {
        off += writeSync(this.fd, src, off, src.length - off);
      } catch (e) {
        // A non-blocking pipe that is full: wait briefly and retry instead of losing output.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); continue; }
        throw e;
      }
    }
  }
}

/**
 * 'inherit' stdout for the inline engine when it is not a terminal: small writes are gathered
 * into 64 KiB and written together, like stdio(3) does for a pipe or file. The kernel flushes
 * before any stderr write, stdin read, sleep or yield, and when the run ends for any reason,
 * so the order of output streams is kept. Terminals (and traced runs) are written at once.
 * See RATIONALE.md, "Why gather 'inherit'ed stdout?".
 */
export class GatheredHostFdOutput extends HostFdOutput {
  private readonly buf = new Uint8Array(65536);
  private len = 0;
  override write(src: Uint8Array): void {
    const n = src.length;
    if (this.len + n > this.buf.length) {
      this.flush();
      if (n >= this.buf.length) { super.write(src); return; }
    }
    this.buf.set(src, this.len);
    this.len += n;
  }
  flush(): void {
    if (this.len === 0) return;
    const n = this.len;
    this.len = 0;
    super.write(this.buf.subarray(0, n));
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void { Atomics.wait(pause, 0, 0, ms); }

/** Non-blocking twins of host fds (one per fd, reused across runs while it is the same file). */
const twins = new Map<number, { fd: number; dev: number; ino: number }>();

/**
 * A non-blocking descriptor reading the same pipe, FIFO or terminal as `fd`: reopening
 * `/proc/self/fd/N` gives a new open file description, so O_NONBLOCK does not touch the
 * host's own fd 0. Falls back to `fd` itself.
 */
function nonBlockingTwin(fd: number): number {
  try {
    const st = fstatSync(fd);
    if (st.isSocket() && fd === 0) {
      // A socket cannot be reopened; Node's own stdin (created paused, never read here) puts
      // fd 0 in non-blocking mode, as any Node program touching process.stdin does.
      void process.stdin;
      return fd;
    }
    // Only pipes and terminals wait for input; other devices are not reopened (an open can
    // have side effects on a device), regular files never block.
    if (!st.isFIFO() && !isatty(fd)) return fd;
    const known = twins.get(fd);
    if (known !== undefined) {
      if (known.dev === st.dev && known.ino === st.ino) return known.fd;
      closeSync(known.fd);
      twins.delete(fd);
    }
    const twin = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    twins.set(fd, { fd: twin, dev: st.dev, ino: st.ino });
    return twin;
  } catch {
    return fd;
  }
}

/**
 * Stdin granted as a host fd, read only when the guest reads (as node:wasi and wasmtime do).
 * Pipes and terminals are read through a non-blocking twin and waited for in short sleeps,
 * so the run's deadline (the vm watchdog) still ends a guest waiting on an idle stdin; a
 * blocking read would park the thread past any deadline. Only the inline engine and the
 * node:wasi drop-in use this; other engines read the fd to its end first.
 */
export class HostFdInput implements InputStream {
  private eof = false;
  readonly isTerminal: boolean;
  private readonly fd: number;
  constructor(fd: number) {
    this.isTerminal = isatty(fd);
    this.fd = nonBlockingTwin(fd);
  }
  read(dst: Uint8Array): number {
    if (this.eof || dst.length === 0) return 0;
    for (let waits = 0; ; waits++) {
      try {
        const n = readSync(this.fd, dst, 0, dst.length, null);
        if (n === 0) this.eof = true;
        return n;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { sleepSync(waits < 10 ? 1 : 10); continue; }
        if (code === 'EOF') { this.eof = true; return 0; }
        throw e;
      }
    }
  }
  available(): number { return 0; }
  ended(): boolean { return this.eof; }
}

/** Most bytes a stdin fd grant may hold when it is read before the guest starts. */
export const MAX_STDIN_FD_BYTES = 1024 * 1024 * 1024;

/** The stdin fd did not end before the run's deadline. */
export const STDIN_TIMEOUT = Symbol('stdin timeout');

/**
 * Read a stdin fd to its end without parking the thread: pipes, FIFOs, terminals and socket
 * stdin go through a non-blocking twin, waited for with timers, so the event loop stays free,
 * a deadline (`until`, a performance.now() value) still ends the wait and input that never
 * ends cannot grow without bound.
 */
async function readFdToEnd(fd: number, until: number): Promise<Uint8Array | typeof STDIN_TIMEOUT> {
  const src = nonBlockingTwin(fd);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let idle = 0; ;) {
    const buf = Buffer.allocUnsafe(65536);
    let n: number;
    try {
      n = readSync(src, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw e;
      if (performance.now() >= until) return STDIN_TIMEOUT;
      await new Promise((r) => setTimeout(r, Math.min(++idle, 20)));
      continue;
    }
    if (n === 0) break;
    idle = 0;
    size += n;
    if (size > MAX_STDIN_FD_BYTES) throw new WardenUsageError(`stdin fd ${fd} holds more than ${MAX_STDIN_FD_BYTES} bytes`);
    chunks.push(buf.subarray(0, n));
    if (performance.now() >= until) return STDIN_TIMEOUT;
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

/** Read the whole stdin grant before the guest starts (worker and process engines). */
export async function stdinBytes(o: StdinOption | undefined): Promise<Uint8Array | null> {
  const r = await stdinBytesUntil(o, Infinity);
  return r === STDIN_TIMEOUT ? null : r;
}

/** stdinBytes, but an fd that has not ended by `until` (performance.now()) gives STDIN_TIMEOUT. */
export async function stdinBytesUntil(o: StdinOption | undefined, until: number): Promise<Uint8Array | null | typeof STDIN_TIMEOUT> {
  if (o === undefined || o === 'none') return null;
  if ('text' in o) return new TextEncoder().encode(o.text);
  if ('bytes' in o) return o.bytes;
  if ('fd' in o) {
    try {
      return await readFdToEnd(o.fd, until);
    } catch (e) {
      if (e instanceof WardenUsageError) throw e;
      throw new WardenUsageError(`stdin fd ${o.fd} cannot be read: ${(e as Error).message}`);
    }
  }
  if ('file' in o) {
    try {
      return readFileSync(o.file);
    } catch (e) {
      throw new WardenUsageError(`stdin file ${JSON.stringify(o.file)} cannot be read: ${(e as Error).message}`);
    }
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of o.stream) {
    const b = typeof c === 'string' ? new TextEncoder().encode(c) : c;
    chunks.push(b);
    size += b.length;
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

export function inputStream(bytes: Uint8Array | null): InputStream {
  return bytes === null ? new EmptyInput() : new BytesInput(bytes);
}

export function outputStream(o: OutputOption | undefined, hostFd: 1 | 2): OutputStream {
  if (o === undefined || o === 'capture') return new CaptureOutput();
  if (o === 'discard') return new DiscardOutput();
  if (o === 'inherit') return new HostFdOutput(hostFd);
  if (typeof o === 'function') return new CallbackOutput(o);
  const stream = o.stream;
  return new CallbackOutput((chunk) => { stream.write(chunk); });
}
