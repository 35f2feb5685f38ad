// Instantiating and running one guest inside the current thread. Engines differ only in where
// this runs and in `invoke`, the way they put a deadline on synchronous wasm.
import { preview1Imports, type WasiImports } from '../abi/preview1.js';
import { Kernel, type KernelConfig } from '../kernel/kernel.js';
import { ModuleRejected } from './errors.js';
import { settle, type Settled } from './outcome.js';
import { traceImports } from './trace.js';

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
}

export interface GuestEnd extends Settled {
  kernel: Kernel;
  memoryPeakBytes: number;
  durationMs: number;
}

const PAGE = 65536;

export function runGuest(cfg: GuestConfig): GuestEnd {
  const started = performance.now();
  const k = new Kernel(cfg.kernel);
  let wasi: WasiImports = preview1Imports(k);
  if (cfg.trace) wasi = traceImports(wasi, k, cfg.trace);
  const importObject: WebAssembly.Imports = { ...(cfg.imports as WebAssembly.Imports), wasi_snapshot_preview1: wasi };

  let memory: WebAssembly.Memory | null = null;
  let thrown: unknown;
  let finished = false;
  let timedOut = false;
  try {
    cfg.invoke(() => {
      let instance: WebAssembly.Instance;
      try {
        instance = new WebAssembly.Instance(cfg.module, importObject);
      } catch (e) {
        if (e instanceof WebAssembly.LinkError || e instanceof TypeError) throw new ModuleRejected('link', e.message, { cause: e });
        throw e;
      }
      const ex = instance.exports;
      if (!(ex.memory instanceof WebAssembly.Memory)) throw new ModuleRejected('entry', 'module does not export a memory named "memory"');
      memory = ex.memory;
      k.mem.bind(memory);
      const start = ex._start;
      const init = ex._initialize;
      if (typeof start === 'function') (start as () => void)();
      else if (typeof init === 'function') (init as () => void)();
      else throw new ModuleRejected('entry', 'module exports neither _start (command) nor _initialize (reactor)');
    });
    finished = true;
  } catch (e) {
    if (e instanceof ModuleRejected) {
      k.dispose();
      return { kernel: k, outcome: 'rejected', exitCode: null, error: e, memoryPeakBytes: 0, durationMs: performance.now() - started };
    }
    if (cfg.isDeadline(e)) timedOut = true;
    thrown = e;
  }
  const mem = memory as WebAssembly.Memory | null;
  const size = mem === null ? 0 : mem.buffer.byteLength;
  const settled = settle(thrown, finished, {
    stopped: k.stopped,
    timeoutMs: cfg.timeoutMs,
    memoryCapHit: Number.isFinite(cfg.memoryCap) && size + PAGE > cfg.memoryCap,
    memoryCap: cfg.memoryCap,
    timedOut,
  });
  k.dispose();
  return { kernel: k, ...settled, memoryPeakBytes: size, durationMs: performance.now() - started };
}
