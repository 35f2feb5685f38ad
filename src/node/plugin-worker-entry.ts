// Entry point of the worker thread that hosts one plugin (see plugin.ts).
import { parentPort } from 'node:worker_threads';
import { workerHost } from './host-functions-channel.js';
import { PluginRemote, type PluginRequest } from './plugin-remote.js';
import type { JobSpec } from './worker-job.js';

interface Start { module: WebAssembly.Module; spec: JobSpec; channel: SharedArrayBuffer | null }

const port = parentPort!;
port.once('message', (m: Start) => {
  const host = workerHost(port, m.channel);
  const plugin = new PluginRemote(m.module, m.spec, host);
  port.postMessage(plugin.open());
  port.on('message', (req: PluginRequest) => {
    const r = plugin.handle(req);
    if (r === null) port.close(); else port.postMessage(r);
  });
});
