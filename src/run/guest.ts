// Instantiating and running one guest inside the current thread. Engines differ only in where
// this runs and in `invoke`, the way they put a deadline on synchronous wasm.
import { preview1Imports, type WasiImports } from '../abi/preview1.js';
import { Kernel, type KernelConfig } from '../kernel/kernel.js';
import { ModuleRejected } from './errors.js';
import { settle, type Settled } from './outcome.js';
import { traceImports } from './trace.js';
import { growRefused, startFuel, type FuelMeter } from './rewrite/index.js';

export interface GuestConfig {
  module: WebAssembly.Module;
  kernel: KernelConfig;
  /** Extra import modules (host functions), merged beside wasi_snapshot_preview1. */
  imports?: Record<string, Record<string, unknown>>;
  trace?: (line: string) => void;
  timeoutMs: number;
  memoryCap: number;
  /** Run `fn` synchronously under the engine's deadline. Throws what fn throws. */
  invoke: (fn: () => void) => void;
  /** True if `e` is the engine's own deadline firing (not a guest trap). */
  isDeadline: (e: unknown) => boolean;
  /** Called once the instance exists, before its entry point runs (host functions use it). */
  onInstance?: (instance: WebAssembly.Instance, kernel: Kernel) => void;
  /** Fuel budget; the module must come from prepareModule(bytes, { fuel: true }). */
  fuel?: number;
}

export interface GuestEnd extends Settled {
  kernel: Kernel;
  memoryPeakBytes: number;
  durationMs: number;
  fuelUsed?: number;
}

const PAGE = 65536;
// The fuel meter and the memory-cap probe of each running guest, from instantiation to endGuest.
const meters = new WeakMap<Kernel, FuelMeter>();
const capProbes = new WeakMap<Kernel, () => boolean>();

export function runGuest(cfg: GuestConfig): GuestEnd {
  const started = performance.now();
  const k = new Kernel(cfg.kernel);
  let memory: WebAssembly.Memory | null = null;
  let thrown: unknown;
  let finished = false;
  try {
    cfg.invoke(() => {
      const instance = instantiateGuest(cfg, k);
      memory = instance.exports.memory as WebAssembly.Memory;
      const start = instance.exports._start;
      const init = instance.exports._initialize;
      if (typeof start === 'function') (start as () => void)();
      else if (typeof init === 'function') (init as () => void)();
      else throw new ModuleRejected('entry', 'module exports neither _start (command) nor _initialize (reactor)');
    });
    finished = true;
  } catch (e) {
    thrown = e;
  }
  return endGuest(cfg, k, memory, thrown, finished, started);
}

/**
 * Instantiate the module against a fresh set of imports for kernel `k` and bind its memory.
 * Throws ModuleRejected for link errors and a missing memory export.
 */
export function instantiateGuest(cfg: GuestConfig, k: Kernel): WebAssembly.Instance {
  let wasi: WasiImports = preview1Imports(k);
  if (cfg.trace) wasi = traceImports(wasi, k, cfg.trace);
  const importObject: WebAssembly.Imports = { ...(cfg.imports as WebAssembly.Imports), wasi_snapshot_preview1: wasi };
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(cfg.module, importObject);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError || e instanceof TypeError) throw new ModuleRejected('link', e.message, { cause: e });
    throw e;
  }
  const ex = instance.exports;
  if (!(ex.memory instanceof WebAssembly.Memory)) throw new ModuleRejected('entry', 'module does not export a memory named "memory"');
  k.mem.bind(ex.memory);
  capProbes.set(k, growRefused(instance));
  if (cfg.fuel !== undefined) meters.set(k, startFuel(instance, cfg.fuel));
  cfg.onInstance?.(instance, k);
  return instance;
}

/** Decide the outcome of a guest that ended (normally or by `thrown`) and release the kernel. */
export function endGuest(
  cfg: GuestConfig, k: Kernel, memory: WebAssembly.Memory | null, thrown: unknown, finished: boolean, started: number,
): GuestEnd {
  if (!finished && thrown instanceof ModuleRejected) {
    k.dispose();
    return { kernel: k, outcome: 'rejected', exitCode: null, error: thrown, memoryPeakBytes: 0, durationMs: performance.now() - started };
  }
  const timedOut = !finished && cfg.isDeadline(thrown);
  const meter = meters.get(k);
  const size = memory === null ? 0 : memory.buffer.byteLength;
  const settled = settle(thrown, finished, {
    stopped: k.stopped,
    timeoutMs: cfg.timeoutMs,
    memoryCapHit: Number.isFinite(cfg.memoryCap) && (size + PAGE > cfg.memoryCap || (capProbes.get(k)?.() ?? false)),
    memoryCap: cfg.memoryCap,
    openFilesCapHit: k.fds.limitHit,
    timedOut,
    fuelExhausted: meter?.exhausted() ?? false,
    fuel: cfg.fuel,
  });
  k.dispose();
  return {
    kernel: k, ...settled, memoryPeakBytes: size, durationMs: performance.now() - started,
    ...(meter !== undefined ? { fuelUsed: meter.used() } : {}),
  };
}
