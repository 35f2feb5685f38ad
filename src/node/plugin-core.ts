// A long-lived guest instance whose exports the host calls repeatedly. This is the guest-thread
// half shared by every engine (inline: the host thread; worker: the worker; process: the
// child). Any failure (trap, deadline, limit, proc_exit) ends the instance for good.
import { Kernel } from '../kernel/kernel.js';
import { endGuest, instantiateGuest, type GuestConfig } from '../run/guest.js';
import type { Settled } from '../run/outcome.js';
import { readGuestBytes, unpack, writeGuestBytes, type GuestRef } from './host-functions-guest.js';

export type CallResult =
  | { ok: true; value: unknown }
  | { ok: false; end: Settled & { fuelUsed?: number } }
  /** Host-side misuse (no such export, wrong kind of export): the instance is unharmed. */
  | { ok: false; usage: string };

export class PluginCore {
  private readonly k: Kernel;
  private instance: WebAssembly.Instance | null = null;
  private memory: WebAssembly.Memory | null = null;
  private ended = false;
  private readonly ref: GuestRef;

  constructor(private readonly cfg: GuestConfig) {
    this.k = new Kernel(cfg.kernel);
    this.ref = { instance: null, kernel: this.k };
  }

  /** Instantiate and run `_initialize` if the module has one (reactor). */
  open(): CallResult {
    return this.guarded(() => {
      const instance = instantiateGuest(this.cfg, this.k);
      this.instance = instance;
      this.ref.instance = instance;
      this.memory = instance.exports.memory as WebAssembly.Memory;
      const init = instance.exports._initialize;
      if (typeof init === 'function') (init as () => void)();
      return undefined;
    });
  }

  call(name: string, args: unknown[]): CallResult {
    const fn = this.export(name);
    if (typeof fn === 'string') return { ok: false, usage: fn };
    return this.guarded(() => fn(...args));
  }

  /**
   * The byte convention: copy `input` into a guest buffer from alloc(len), call
   * name(ptr, len) -> i64 (ptr << 32 | len) and copy that range out. dealloc(ptr, len), when
   * exported, is called for both buffers afterwards.
   */
  callBytes(name: string, input: Uint8Array): CallResult {
    const fn = this.export(name);
    if (typeof fn === 'string') return { ok: false, usage: fn };
    if (typeof this.instance!.exports.alloc !== 'function') return { ok: false, usage: 'callBytes needs the guest to export alloc(len: i32) -> i32' };
    return this.guarded(() => {
      const packedIn = input.length === 0 ? 0n : writeGuestBytes(this.ref, input);
      const { ptr: inPtr, len: inLen } = unpack(packedIn);
      const r = fn(inPtr, inLen) as bigint | number;
      const { ptr, len } = unpack(r);
      const out = len === 0 ? new Uint8Array(0) : readGuestBytes(this.ref, ptr, len);
      const dealloc = this.instance!.exports.dealloc;
      if (typeof dealloc === 'function') {
        if (inLen > 0) (dealloc as (p: number, n: number) => void)(inPtr, inLen);
        if (len > 0) (dealloc as (p: number, n: number) => void)(ptr, len);
      }
      return out;
    });
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.k.dispose();
  }

  private export(name: string): ((...a: unknown[]) => unknown) | string {
    if (this.ended || this.instance === null) return 'the plugin instance has ended';
    if (name === '_start' || name === '_initialize') return `${name} is not callable on a plugin`;
    const fn = this.instance.exports[name];
    if (typeof fn !== 'function') return `the plugin has no exported function ${JSON.stringify(name)}`;
    return fn as (...a: unknown[]) => unknown;
  }

  private guarded(body: () => unknown): CallResult {
    // The kernel's own deadline (for sleeps) restarts with every call.
    this.k.config.deadline = performance.now() + this.cfg.timeoutMs;
    const started = performance.now();
    let value: unknown;
    try {
      this.cfg.invoke(() => { value = body(); });
      if (this.k.stopped === null) return { ok: true, value };
      // The guest caught the unwind of proc_exit or a stop and returned: it is still over.
      const end = endGuest(this.cfg, this.k, this.memory, undefined, false, started);
      this.ended = true;
      return { ok: false, end };
    } catch (e) {
      const end = endGuest(this.cfg, this.k, this.memory, e, false, started);
      this.ended = true;
      return { ok: false, end };
    }
  }
}
