// The reference side of every comparison: Node's built-in node:wasi, driven the way its docs
// show (new WASI, instantiate with getImportObject(), start), synchronously.
import { WASI } from 'node:wasi';

export interface NodeWasiRun {
  args?: string[];
  env?: Record<string, string>;
  /** guest path -> host directory */
  preopens?: Record<string, string>;
  /** Host fds for the guest's stdio (node:wasi hands them the real fd). */
  stdout?: number;
  stderr?: number;
}

// node:wasi aborts the process when a GC during one of its calls collects the WASI object that
// is running (its JS wrapper is dead to V8 once start() is entered): WASI::~WASI ->
// uvwasi_destroy -> uv_mutex_destroy on the fd-table mutex the call holds -> abort() (seen in a
// core dump's backtrace). Holding the running object here avoids that. Only
// the latest one is held: keeping them all would keep every guest memory (and its ~10 GiB
// address-space reservation) alive and push V8 into a GC per instantiation on both sides.
let running: WASI | null = null;

/** Instantiate and run `module` under node:wasi; returns the guest's exit code. */
export function runNodeWasi(module: WebAssembly.Module, o: NodeWasiRun): number {
  const wasi = new WASI({
    version: 'preview1',
    args: o.args ?? [],
    env: o.env ?? {},
    preopens: o.preopens ?? {},
    returnOnExit: true,
    ...(o.stdout !== undefined ? { stdout: o.stdout } : {}),
    ...(o.stderr !== undefined ? { stderr: o.stderr } : {}),
  });
  running = wasi;
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
  return wasi.start(instance);
}
