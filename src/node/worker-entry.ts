// Entry point of the worker thread that runs one guest (see worker.ts).
import { parentPort } from 'node:worker_threads';
import { ChannelClient } from './host-functions-channel.js';
import { runJob, type RemoteHost } from './worker-remote.js';
import type { JobSpec } from './worker-job.js';

interface Start { module: WebAssembly.Module; spec: JobSpec; channel: SharedArrayBuffer | null }

const port = parentPort!;
port.once('message', (m: Start) => {
  const client = m.channel === null ? null : new ChannelClient(m.channel);
  const host: RemoteHost = {
    send: (msg) => port.postMessage(msg),
    call: (i, args, bytes) => client!.call(i, args, bytes),
  };
  port.postMessage(runJob(m.module, m.spec, host));
});
