// The worker engine: the guest runs in a worker_threads Worker, so the host's event loop stays
// free. The module is compiled here and the WebAssembly.Module is posted (structured clone
// shares the compiled code). A deadline or an abort terminates the worker, which V8 honours at
// its interrupt checks and inside Atomics.wait, so no instrumentation is needed.
import { Worker } from 'node:worker_threads';
import type { RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { listHostFunctions } from './host-functions.js';
import { ChannelServer, newChannel } from './host-functions-channel.js';
import { describeJob } from './worker-job.js';
import { Session } from './worker-session.js';

const entry = new URL('./worker-entry.js', import.meta.url);

// One spare worker, started after each run has taken a worker: a new thread needs ~15 ms and
// loading the engine in it ~40 ms more, so the next run finds one ready. It has run nothing,
// holds nothing, and is unref'd so it never keeps the host process alive.
let spare: Worker | null = null;

function newWorker(stackSizeMb?: number): Worker {
  return new Worker(entry, { ...(stackSizeMb !== undefined ? { resourceLimits: { stackSizeMb } } : {}) });
}

function takeWorker(stackSizeMb: number | undefined): Worker {
  let w: Worker;
  if (spare !== null && stackSizeMb === undefined) {
    w = spare;
    spare = null;
    w.ref();
  } else {
    w = newWorker(stackSizeMb);
  }
  setImmediate(() => {
    if (spare !== null) return;
    const s = newWorker();
    s.unref();
    s.on('error', () => { /* it has run nothing; a failed spare is simply dropped */ });
    s.once('exit', () => { if (spare === s) spare = null; });
    spare = s;
  });
  return w;
}

export function runInWorker(module: WebAssembly.Module, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number): Promise<RunResult> {
  const { spec, memfs } = describeJob(o, stdin, timeoutMs);
  const { refs, fns } = listHostFunctions(o.imports);
  const channel = fns.length > 0 ? newChannel() : null;
  const server = channel === null ? null : new ChannelServer(channel, fns, refs.map((r) => `${r.module}.${r.name}`));
  const worker = takeWorker(o.stackSizeMb);
  const session = new Session(o, timeoutMs, memfs, () => { void worker.terminate(); });
  return new Promise((resolve) => {
    let failure: string | undefined;
    session.finishEarly = () => resolve(session.result());
    worker.on('message', (m) => {
      if (session.onMessage(m)) void worker.terminate();
    });
    worker.on('error', (e) => { failure = `worker failed: ${e.message}`; });
    worker.on('exit', (code) => {
      server?.close();
      resolve(session.result(failure ?? `worker exited with code ${code}`));
    });
    worker.postMessage({ module, spec, channel });
  });
}
