// The host side of a plugin living in a worker thread or a child process: requests go out one
// at a time, the deadline is armed when the guest starts each call, and an abort or deadline
// ends the worker/child (the plugin is then gone).
import { Worker } from 'node:worker_threads';
import { AbortError, GuestTrap, TimeoutError, WardenUsageError } from '../run/errors.js';
import type { RunOptions } from '../run/options.js';
import { listHostFunctions } from './host-functions.js';
import { ChannelServer, newChannel } from './host-functions-channel.js';
import type { PluginReply, PluginRequest } from './plugin-remote.js';
import { ChildProc, moduleHash } from './process-child.js';
import { describeJob, errorFromJSON, type JobSpec, type ResultJSON } from './worker-job.js';
import type { RemoteMsg } from './worker-remote.js';
import { DEADLINE_BACKSTOP_MS } from './worker-session.js';

const workerEntry = new URL('./plugin-worker-entry.js', import.meta.url);

/** The guest called proc_exit during a plugin call (the instance is over). */
export class PluginExited extends Error {
  override readonly name = 'PluginExited';
  readonly kind = 'exited' as const;
  constructor(readonly code: number) { super(`the plugin called proc_exit(${code})`); }
}

/** The typed error a failed plugin call rejects with. */
export function pluginFailure(r: Pick<ResultJSON, 'outcome' | 'exitCode' | 'error'>): Error {
  if (r.outcome === 'exited') return new PluginExited(r.exitCode ?? 0);
  return r.error !== null ? errorFromJSON(r.error) : new GuestTrap('other', `plugin ended: ${r.outcome}`, []);
}

interface Pending { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> | null }

export class RemotePlugin {
  private pending: Pending | null = null;
  private stopReason: 'timeout' | 'aborted' | null = null;
  private gone: string | null = null;
  private readonly kill: () => void;
  private readonly post: (m: unknown) => void;
  private readonly onAbort = (): void => this.stop('aborted');
  readonly closed: Promise<void>;

  private constructor(
    engine: 'worker' | 'process',
    module: WebAssembly.Module | Uint8Array,
    private readonly o: RunOptions,
    spec: JobSpec,
    private readonly timeoutMs: number,
    private readonly out: (fd: 1 | 2, data: Uint8Array) => void,
  ) {
    const { refs, fns } = listHostFunctions(o.imports);
    const names = refs.map((r) => `${r.module}.${r.name}`);
    let markGone!: (why: string) => void;
    this.closed = new Promise((resolve) => { markGone = (why) => { this.onGone(why); resolve(); }; });
    if (engine === 'worker') {
      const channel = fns.length > 0 ? newChannel() : null;
      const server = channel === null ? null : new ChannelServer(channel, fns, names);
      const w = new Worker(workerEntry, { ...(o.stackSizeMb !== undefined ? { resourceLimits: { stackSizeMb: o.stackSizeMb } } : {}) });
      let failure: string | undefined;
      w.on('message', (m) => this.onMessage(m));
      w.on('error', (e) => { failure = `worker failed: ${e.message}`; });
      w.on('exit', (code) => { server?.close(); markGone(failure ?? `worker exited with code ${code}`); });
      this.kill = () => { void w.terminate(); };
      this.post = (m) => w.postMessage(m);
      w.postMessage({ module, spec, channel });
    } else {
      const bytes = module as Uint8Array;
      const c = new ChildProc(o.stackSizeMb);
      c.attach({
        onFrame: (raw) => {
          const m = raw as { t: string; index: number; args: unknown[]; bytes: Uint8Array | null };
          if (m.t === 'need') c.send({ bytes });
          else if (m.t === 'call') c.answer(fns, names[m.index] ?? `#${m.index}`, m, () => this.gone === null);
          else this.onMessage(raw as RemoteMsg | PluginReply);
        },
        onGone: (why) => markGone(why),
      });
      this.kill = () => c.kill();
      this.post = (m) => c.send(m);
      c.send({ t: 'plugin', hash: moduleHash(bytes), spec });
    }
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Start the plugin; rejects with the typed error if it cannot be instantiated or _initialize fails. */
  static async open(engine: 'worker' | 'process', module: WebAssembly.Module | Uint8Array, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number, out: (fd: 1 | 2, data: Uint8Array) => void): Promise<RemotePlugin> {
    // A memoryFs() mount is copied into the plugin's worker/child; its changes stay there.
    const { spec } = describeJob(o, stdin, timeoutMs);
    const p = new RemotePlugin(engine, module, o, spec, timeoutMs, out);
    try {
      await p.expect();
    } catch (e) {
      p.close();
      throw e;
    }
    return p;
  }

  get alive(): boolean { return this.gone === null && this.stopReason === null; }

  request(m: PluginRequest): Promise<unknown> {
    if (!this.alive) return Promise.reject(new WardenUsageError('the plugin has ended'));
    const p = this.expect();
    this.post(m);
    return p;
  }

  close(): void {
    this.o.signal?.removeEventListener('abort', this.onAbort);
    if (this.gone === null) this.kill();
  }

  private expect(): Promise<unknown> {
    return new Promise((resolve, reject) => { this.pending = { resolve, reject, timer: null }; });
  }

  private stop(why: 'timeout' | 'aborted'): void {
    if (this.stopReason !== null || this.gone !== null) return;
    this.stopReason = why;
    this.kill();
  }

  private settle(): Pending | null {
    const p = this.pending;
    this.pending = null;
    if (p?.timer) clearTimeout(p.timer);
    return p;
  }

  private onMessage(m: RemoteMsg | PluginReply): void {
    switch (m.t) {
      case 'started':
        if (this.pending !== null && Number.isFinite(this.timeoutMs)) this.pending.timer = setTimeout(() => this.stop('timeout'), this.timeoutMs + DEADLINE_BACKSTOP_MS);
        return;
      case 'out': this.out(m.fd, m.data); return;
      case 'trace': this.o.trace?.(m.line); return;
      case 'pok': this.settle()?.resolve(m.value); return;
      case 'pusage': this.settle()?.reject(new WardenUsageError(m.message)); return;
      case 'pfail':
        this.settle()?.reject(pluginFailure(m.result));
        this.close();
        return;
    }
  }

  private onGone(why: string): void {
    this.gone = why;
    this.o.signal?.removeEventListener('abort', this.onAbort);
    const p = this.settle();
    if (p === null) return;
    if (this.stopReason === 'timeout') p.reject(new TimeoutError(this.timeoutMs));
    else if (this.stopReason === 'aborted') p.reject(new AbortError(this.o.signal?.reason));
    else p.reject(new GuestTrap('other', `the plugin's ${why}`, []));
  }
}
