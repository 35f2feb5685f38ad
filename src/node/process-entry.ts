// Entry point of a child process that runs guests for one tenant (see process-child.ts): a
// synchronous loop reading jobs from fd 3 and answering on fd 4. Compiled modules are cached
// by content hash, so a warm child skips both the transfer and the compilation.
import { ModuleRejected } from '../run/errors.js';
import { importSignatureRejection } from '../run/import-signatures.js';
import { HostFunctionError } from './host-functions-errors.js';
import { CHILD_IN, CHILD_OUT, readFrameSync, writeFrameSync } from './process-frames.js';
import { errorToJSON, type JobSpec } from './worker-job.js';
import { runJob, type RemoteHost } from './worker-remote.js';
import type { HostAnswer } from './host-functions.js';
import { servePlugin, type PluginOpen } from './plugin-remote.js';

export interface JobMsg { t: 'job'; hash: string; bytes?: Uint8Array; spec: JobSpec }

const CACHE_SIZE = 32;
const cache = new Map<string, WebAssembly.Module>();

function send(msg: unknown): void { writeFrameSync(CHILD_OUT, msg); }

const host: RemoteHost = {
  send,
  call(index, args, bytes) {
    send({ t: 'call', index, args, bytes });
    const a = readFrameSync(CHILD_IN) as HostAnswer | null;
    if (a === null) process.exit(0);
    if (a.kind === 'error') throw new HostFunctionError(a.message);
    return a.kind === 'bytes' ? a.bytes : a.value;
  },
};

/** The compiled module for `hash`, asking the host for the bytes on a cache miss. */
export function moduleFor(hash: string, bytes: Uint8Array | undefined): WebAssembly.Module {
  let m = cache.get(hash);
  if (m !== undefined) { cache.delete(hash); cache.set(hash, m); return m; }
  if (bytes === undefined) {
    send({ t: 'need' });
    const reply = readFrameSync(CHILD_IN) as { bytes: Uint8Array } | null;
    if (reply === null) process.exit(0);
    bytes = reply.bytes;
  }
  try {
    m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleRejected('compile', (e as Error).message, { cause: e });
  }
  const rejected = importSignatureRejection(bytes);
  if (rejected !== null) throw rejected;
  cache.set(hash, m);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return m;
}

function runOne(m: JobMsg): void {
  let module: WebAssembly.Module;
  try {
    module = moduleFor(m.hash, m.bytes);
  } catch (e) {
    if (!(e instanceof ModuleRejected)) throw e;
    send({ t: 'end', trees: [], result: { outcome: 'rejected', exitCode: null, error: errorToJSON(e), denials: [], durationMs: 0, memoryPeakBytes: 0 } });
    return;
  }
  send(runJob(module, m.spec, host));
}

for (;;) {
  const m = readFrameSync(CHILD_IN) as JobMsg | PluginOpen | { t: 'exit' } | null;
  if (m === null || m.t === 'exit') process.exit(0);
  if (m.t === 'job') runOne(m);
  else if (m.t === 'plugin') servePlugin(m, host, moduleFor);
}
