// Entry point of the worker thread that runs one guest (see worker.ts).
import { parentPort } from 'node:worker_threads';
import { workerHost } from './host-functions-channel.js';
import { runJob } from './worker-remote.js';
import type { JobSpec } from './worker-job.js';

interface Start { module: WebAssembly.Module; spec: JobSpec; channel: SharedArrayBuffer | null }

const port = parentPort!;
port.once('message', (m: Start) => {
  const host = workerHost(port, m.channel);
  port.postMessage(runJob(m.module, m.spec, host));
});
