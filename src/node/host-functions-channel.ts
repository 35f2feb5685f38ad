// Host-function calls from a worker thread to the host thread over one SharedArrayBuffer.
// The guest thread writes a request and blocks in Atomics.wait (which worker.terminate() does
// interrupt); the host thread notices it with Atomics.waitAsync, runs the (possibly async)
// function and writes the answer back. Both sides spin briefly before sleeping because calls
// tend to come in bursts and a wake-up through the event loop costs tens of microseconds; the
// spin adapts, so it stops costing time when the two threads share a busy core
// (see notes/rationale-engines.md, "Why spin before waiting?").
import { HostFunctionError } from './host-functions-errors.js';
import { answerHostCall, type HostAnswer } from './host-functions.js';
import type { BytesHostFunction, HostFunction } from '../run/options.js';

const STATE = 0, INDEX = 1, ARGC = 2, KIND = 3, LEN = 4, TAGS = 8;
const IDLE = 0, REQUEST = 1, REPLY = 2, CLOSED = 3;
const K_VOID = 0, K_NUMBER = 1, K_BIGINT = 2, K_ERROR = 3, K_BYTES = 4;
const MAX_ARGS = 16;
const VALUES = 128; // byte offset of the 16 f64/i64 slots
const BYTES = 256; // byte offset of the payload area
export const DEFAULT_CHANNEL_BYTES = 1 << 20;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

class Views {
  readonly ctrl: Int32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly bytes: Uint8Array;
  constructor(readonly sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab, 0, TAGS + MAX_ARGS);
    this.f64 = new Float64Array(sab, VALUES, MAX_ARGS);
    this.i64 = new BigInt64Array(sab, VALUES, MAX_ARGS);
    this.bytes = new Uint8Array(sab, BYTES);
  }
}

export function newChannel(payloadBytes = DEFAULT_CHANNEL_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(BYTES + payloadBytes);
}

function spinUntil(cond: () => boolean, micros: number): boolean {
  const end = performance.now() + micros / 1000;
  do { if (cond()) return true; } while (performance.now() < end);
  return false;
}

/**
 * How long to spin before sleeping, adapted like an adaptive mutex: it doubles while spinning
 * pays off and halves when it does not (the other thread is not running, e.g. both share one
 * busy core, where spinning only delays it). Every PROBE-th wait spins the full time, so that
 * the two sides, which fall back to sleeping together, can find their way back to spinning.
 */
const MIN_SPIN_MICROS = 1;
const PROBE = 32;

class AdaptiveSpin {
  private micros: number;
  private n = 0;
  constructor(private readonly max: number) { this.micros = max; }
  wait(cond: () => boolean): boolean {
    const ok = spinUntil(cond, ++this.n % PROBE === 0 ? this.max : this.micros);
    this.micros = ok ? Math.min(this.max, this.micros * 2) : Math.max(MIN_SPIN_MICROS, this.micros / 2);
    return ok;
  }
}

/** The guest thread's side: a blocking call. */
export class ChannelClient {
  private readonly v: Views;
  private readonly spin = new AdaptiveSpin(20);
  constructor(sab: SharedArrayBuffer) { this.v = new Views(sab); }

  call(index: number, args: unknown[], bytes: Uint8Array | null): unknown {
    const { ctrl, f64, i64 } = this.v;
    if (args.length > MAX_ARGS) throw new HostFunctionError(`host functions take at most ${MAX_ARGS} arguments`);
    ctrl[INDEX] = index;
    ctrl[ARGC] = args.length;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a === 'bigint') { ctrl[TAGS + i] = K_BIGINT; i64[i] = a; } else { ctrl[TAGS + i] = K_NUMBER; f64[i] = a as number; }
    }
    if (bytes !== null) {
      if (bytes.length > this.v.bytes.length) throw new HostFunctionError(`host function input of ${bytes.length} bytes exceeds the ${this.v.bytes.length}-byte channel`);
      this.v.bytes.set(bytes);
    }
    ctrl[LEN] = bytes === null ? -1 : bytes.length;
    Atomics.store(ctrl, STATE, REQUEST);
    Atomics.notify(ctrl, STATE);
    if (!this.spin.wait(() => Atomics.load(ctrl, STATE) !== REQUEST)) {
      while (Atomics.load(ctrl, STATE) === REQUEST) Atomics.wait(ctrl, STATE, REQUEST);
    }
    const kind = ctrl[KIND]!;
    let r: unknown;
    if (kind === K_NUMBER) r = f64[0];
    else if (kind === K_BIGINT) r = i64[0];
    else if (kind === K_BYTES) r = ctrl[LEN]! < 0 ? null : this.v.bytes.slice(0, ctrl[LEN]);
    else if (kind === K_ERROR) r = new HostFunctionError(fromUtf8.decode(this.v.bytes.slice(0, ctrl[LEN])));
    Atomics.store(ctrl, STATE, IDLE);
    Atomics.notify(ctrl, STATE);
    if (r instanceof HostFunctionError) throw r;
    return r;
  }
}

/** The host thread's side: serves calls until close(). */
export class ChannelServer {
  private readonly v: Views;
  private readonly spin = new AdaptiveSpin(50);
  private closed = false;
  readonly done: Promise<void>;

  constructor(sab: SharedArrayBuffer, private readonly fns: (HostFunction | BytesHostFunction)[], private readonly names: string[]) {
    this.v = new Views(sab);
    this.done = this.loop();
  }

  close(): void {
    this.closed = true;
    Atomics.store(this.v.ctrl, STATE, CLOSED);
    Atomics.notify(this.v.ctrl, STATE);
  }

  private async loop(): Promise<void> {
    const ctrl = this.v.ctrl;
    while (!this.closed) {
      const s = Atomics.load(ctrl, STATE);
      if (s === CLOSED) return;
      if (s === REQUEST) {
        await this.serveOne();
        // A burst of calls is common: catch the next request without an event-loop wake-up.
        this.spin.wait(() => Atomics.load(ctrl, STATE) === REQUEST);
        continue;
      }
      const w = Atomics.waitAsync(ctrl, STATE, s);
      if (w.async) await w.value;
    }
  }

  private async serveOne(): Promise<void> {
    const { ctrl, f64, i64 } = this.v;
    const index = ctrl[INDEX]!;
    const f = this.fns[index];
    const name = this.names[index] ?? `#${index}`;
    let a: HostAnswer | Promise<HostAnswer>;
    if (f === undefined) a = { kind: 'error', message: `no host function ${name}` };
    else if (typeof f === 'function') {
      const args: unknown[] = [];
      for (let i = 0; i < ctrl[ARGC]!; i++) args.push(ctrl[TAGS + i] === K_BIGINT ? i64[i] : f64[i]);
      a = answerHostCall(f, name, args, null);
    } else {
      a = answerHostCall(f, name, [], this.v.bytes.slice(0, Math.max(0, ctrl[LEN]!)));
    }
    if (a instanceof Promise) a = await a;
    if (this.closed) return;
    this.reply(name, a);
  }

  private reply(name: string, a: HostAnswer): void {
    const { ctrl, f64, i64, bytes } = this.v;
    let kind = K_VOID, len = -1;
    if (a.kind === 'bytes' && a.bytes !== null && a.bytes.length > bytes.length) {
      a = { kind: 'error', message: `host function ${name} returned ${a.bytes.length} bytes, more than the ${bytes.length}-byte channel` };
    }
    if (a.kind === 'value') {
      if (typeof a.value === 'bigint') { kind = K_BIGINT; i64[0] = a.value; }
      else if (typeof a.value === 'number') { kind = K_NUMBER; f64[0] = a.value; }
    } else if (a.kind === 'bytes') {
      kind = K_BYTES;
      if (a.bytes !== null) { bytes.set(a.bytes); len = a.bytes.length; }
    } else {
      const msg = utf8.encode(a.message).subarray(0, bytes.length);
      bytes.set(msg);
      kind = K_ERROR; len = msg.length;
    }
    ctrl[KIND] = kind;
    ctrl[LEN] = len;
    Atomics.store(ctrl, STATE, REPLY);
    Atomics.notify(ctrl, STATE);
  }
}

/** The RemoteHost of a worker entry: messages go to `port`, host calls through `channel`. */
export function workerHost(port: { postMessage(m: unknown): void }, channel: SharedArrayBuffer | null): import('./worker-remote.js').RemoteHost {
  const client = channel === null ? null : new ChannelClient(channel);
  return {
    send: (msg) => port.postMessage(msg),
    call: (i, args, bytes) => client!.call(i, args, bytes),
  };
}
