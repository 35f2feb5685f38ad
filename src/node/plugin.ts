// Plugins: a long-lived guest instance whose exports the host calls repeatedly, in any engine.
//   const plugin = await loadPlugin(bytes, { isolation: 'worker', imports: {...} });
//   await plugin.call('add', 1, 2);  await plugin.callBytes('upper', 'hello');
// Calls run one at a time; limits.timeoutMs is per call. A call that fails (trap, deadline,
// limit, abort, proc_exit) ends the instance; with recreateOnTrap the next call starts a fresh
// one (memory and state are lost), otherwise later calls reject.
import { AbortError, GuestTrap, ModuleRejected, WardenUsageError } from '../run/errors.js';
import { DEFAULT_INLINE_TIMEOUT_MS, validateOptions, type RunOptions } from '../run/options.js';
import { prepareModule, preparationFailure } from '../run/rewrite/index.js';
import { PluginCore, type CallResult } from './plugin-core.js';
import { RemotePlugin, PluginExited } from './plugin-link.js';
import { compile, moduleBytes, type ModuleSource } from './module-source.js';
import { stdinBytes } from './stdio.js';
import { kernelConfig } from './run.js';
import { invokeWithDeadline, isVmTimeout, sleepSync } from './inline.js';
import { inlineHostImports } from './host-functions.js';
import { sink } from './worker-session.js';
import { CaptureOutput, type OutputStream } from '../kernel/stdio.js';

export { PluginExited };

export interface PluginOptions extends RunOptions {
  /** After a failed call, start a fresh instance on the next call instead of rejecting. */
  recreateOnTrap?: boolean;
}

export type PluginValue = number | bigint;

export interface Plugin {
  /** Call an export with numbers (i64 as bigint); resolves with its result. */
  call(name: string, ...args: PluginValue[]): Promise<PluginValue | undefined>;
  /** Call an export with bytes by the alloc / (ptr, len) -> i64 convention; resolves with its output. */
  callBytes(name: string, input: Uint8Array | string): Promise<Uint8Array>;
  /** Output captured so far (stdout/stderr 'capture', the default); clears it. */
  takeOutput(): { stdout: Uint8Array; stderr: Uint8Array };
  close(): Promise<void>;
}

interface Instance {
  request(kind: 'pcall' | 'pbytes', name: string, payload: unknown): Promise<unknown>;
  close(): void;
}

type Factory = () => Promise<Instance>;

function result(r: CallResult): unknown {
  if (r.ok) return r.value;
  if ('usage' in r) throw new WardenUsageError(r.usage);
  const e = r.end;
  if (e.outcome === 'exited') throw new PluginExited(e.exitCode ?? 0);
  throw e.error ?? new GuestTrap('other', `the plugin ended: ${e.outcome}`, []);
}

async function inlineInstance(module: WebAssembly.Module, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number): Promise<Instance> {
  const cfg = {
    module,
    kernel: kernelConfig(o, stdin, timeoutMs, sleepSync),
    ...inlineHostImports(o.imports),
    ...(o.trace ? { trace: o.trace } : {}),
    timeoutMs,
    memoryCap: o.limits?.memoryBytes ?? Infinity,
    ...(o.limits?.fuel !== undefined ? { fuel: o.limits.fuel } : {}),
    invoke: (fn: () => void) => invokeWithDeadline(fn, timeoutMs),
    isDeadline: isVmTimeout,
  };
  const core = new PluginCore(cfg);
  result(core.open());
  return {
    request: async (kind, name, payload) => {
      if (o.signal?.aborted) { core.close(); throw new AbortError(o.signal.reason); }
      return result(kind === 'pcall' ? core.call(name, payload as unknown[]) : core.callBytes(name, payload as Uint8Array));
    },
    close: () => core.close(),
  };
}

async function remoteInstance(engine: 'worker' | 'process', module: WebAssembly.Module | Uint8Array, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number, out: (fd: 1 | 2, d: Uint8Array) => void): Promise<Instance> {
  const p = await RemotePlugin.open(engine, module, o, stdin, timeoutMs, out);
  return {
    request: (kind, name, payload) => p.request(kind === 'pcall' ? { t: 'pcall', name, args: payload as unknown[] } : { t: 'pbytes', name, input: payload as Uint8Array }),
    close: () => p.close(),
  };
}

class PluginHandle implements Plugin {
  private current: Instance | null = null;
  private ended: Error | null = null;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly factory: Factory, private readonly recreate: boolean, private stdout: OutputStream, private stderr: OutputStream) {}

  /** Start the first instance (its _initialize output already reaches this handle). */
  async start(): Promise<void> {
    this.current = await this.factory();
  }

  call(name: string, ...args: PluginValue[]): Promise<PluginValue | undefined> {
    for (const a of args) if (typeof a !== 'number' && typeof a !== 'bigint') return Promise.reject(new WardenUsageError('plugin.call arguments must be numbers or bigints'));
    return this.enqueue('pcall', name, args) as Promise<PluginValue | undefined>;
  }

  callBytes(name: string, input: Uint8Array | string): Promise<Uint8Array> {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    if (!(bytes instanceof Uint8Array)) return Promise.reject(new WardenUsageError('plugin.callBytes input must be a Uint8Array or a string'));
    return this.enqueue('pbytes', name, bytes) as Promise<Uint8Array>;
  }

  takeOutput(): { stdout: Uint8Array; stderr: Uint8Array } {
    const take = (s: OutputStream): Uint8Array => (s instanceof CaptureOutput ? s.bytes() : new Uint8Array(0));
    const r = { stdout: take(this.stdout), stderr: take(this.stderr) };
    if (this.stdout instanceof CaptureOutput) this.stdout = new CaptureOutput();
    if (this.stderr instanceof CaptureOutput) this.stderr = new CaptureOutput();
    return r;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain.catch(() => undefined);
    this.current?.close();
    this.current = null;
  }

  /** Where the engines write the guest's output. */
  write(fd: 1 | 2, data: Uint8Array): void {
    (fd === 1 ? this.stdout : this.stderr).write(data);
  }

  private enqueue(kind: 'pcall' | 'pbytes', name: string, payload: unknown): Promise<unknown> {
    const p = this.chain.catch(() => undefined).then(() => this.once(kind, name, payload));
    this.chain = p;
    return p;
  }

  private async once(kind: 'pcall' | 'pbytes', name: string, payload: unknown): Promise<unknown> {
    if (this.closed) throw new WardenUsageError('the plugin is closed');
    if (this.current === null) {
      if (!this.recreate) throw new WardenUsageError(`the plugin ended after a failed call (${this.ended?.message ?? 'unknown'}); pass recreateOnTrap: true to start a fresh instance`);
      this.current = await this.factory();
    }
    try {
      return await this.current.request(kind, name, payload);
    } catch (e) {
      if (!(e instanceof WardenUsageError)) {
        // The instance is over: a trap, deadline, limit, abort or exit.
        this.current.close();
        this.current = null;
        this.ended = e as Error;
      }
      throw e;
    }
  }
}

/** Start a plugin; rejects with the typed error if the module is rejected or _initialize fails. */
export async function loadPlugin(source: ModuleSource, options?: PluginOptions): Promise<Plugin> {
  const { recreateOnTrap, ...rest } = options ?? {};
  const o = validateOptions(rest);
  const isolation = o.isolation ?? 'inline';
  const raw = moduleBytes(source);
  if (raw === null && isolation === 'process') throw new WardenUsageError("a plugin with isolation 'process' needs the module as bytes or a path");
  let bytes: Uint8Array | null = null;
  let module: WebAssembly.Module | null = null;
  try {
    bytes = raw === null ? null : prepareModule(raw, { memoryBytes: o.limits?.memoryBytes, fuel: o.limits?.fuel !== undefined }).bytes;
    if (isolation !== 'process') module = bytes === null ? (source as WebAssembly.Module) : await compile(bytes);
  } catch (e) {
    if (e instanceof ModuleRejected) throw e;
    const failed = preparationFailure(e);
    if (failed?.error !== undefined) throw failed.error;
    throw e;
  }
  const stdin = await stdinBytes(o.stdin);
  const stdout = sink(o.stdout);
  const stderr = sink(o.stderr);
  let handle: PluginHandle | null = null;
  const out = (fd: 1 | 2, d: Uint8Array): void => handle?.write(fd, d);
  const timeoutMs = o.limits?.timeoutMs ?? (isolation === 'inline' ? DEFAULT_INLINE_TIMEOUT_MS : Infinity);
  const local: RunOptions = isolation === 'inline'
    ? { ...o, stdout: o.stdout === 'inherit' || o.stdout === 'discard' ? o.stdout : (d: Uint8Array) => out(1, d), stderr: o.stderr === 'inherit' || o.stderr === 'discard' ? o.stderr : (d: Uint8Array) => out(2, d) }
    : o;
  const factory: Factory = isolation === 'inline'
    ? () => inlineInstance(module!, local, stdin, timeoutMs)
    : () => remoteInstance(isolation, isolation === 'worker' ? module! : bytes!, o, stdin, timeoutMs, out);
  handle = new PluginHandle(factory, recreateOnTrap === true, stdout, stderr);
  await handle.start();
  return handle;
}
