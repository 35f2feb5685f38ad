// Entry point of the worker thread that hosts one plugin (see plugin.ts).
import { parentPort } from 'node:worker_threads';
import { ChannelClient } from './host-functions-channel.js';
import { PluginRemote, type PluginRequest } from './plugin-remote.js';
import type { RemoteHost } from './worker-remote.js';
import type { JobSpec } from './worker-job.js';

interface Start { module: WebAssembly.Module; spec: JobSpec; channel: SharedArrayBuffer | null }

const port = parentPort!;
port.once('message', (m: Start) => {
  const client = m.channel === null ? null : new ChannelClient(m.channel);
  const host: RemoteHost = {
    send: (msg) => port.postMessage(msg),
    call: (i, args, bytes) => client!.call(i, args, bytes),
  };
  const plugin = new PluginRemote(m.module, m.spec, host);
  port.postMessage(plugin.open());
  port.on('message', (req: PluginRequest) => {
    const r = plugin.handle(req);
    if (r === null) port.close(); else port.postMessage(r);
  });
});
