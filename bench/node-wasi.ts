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

// node:wasi aborts the process when a GC that starts inside one of its calls (an allocation in
// uvwasi_fd_read reports external memory) runs the destructor of an earlier, unreachable WASI
// object: uvwasi_destroy -> uv_mutex_destroy -> abort() (core dump backtrace in
// /work/notes/bench-findings.md). Keeping every WASI object of a case alive avoids that path;
// a case runs in its own short-lived process (case-child.ts), so this is bounded.
const keepAlive: WASI[] = [];

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
  keepAlive.push(wasi);
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
  return wasi.start(instance);
}
