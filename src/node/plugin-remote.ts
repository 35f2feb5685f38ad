// The guest side of a plugin in a worker thread or child process: one PluginCore answering
// call requests until it is closed or fails.
import { ModuleRejected } from '../run/errors.js';
import { PluginCore, type CallResult } from './plugin-core.js';
import { CHILD_IN, CHILD_OUT, readFrameSync, writeFrameSync } from './process-frames.js';
import { errorToJSON, type JobSpec, type ResultJSON } from './worker-job.js';
import { remoteGuestConfig, type RemoteHost } from './worker-remote.js';

export interface PluginOpen { t: 'plugin'; hash: string; bytes?: Uint8Array; spec: JobSpec }

export type PluginRequest =
  | { t: 'pcall'; name: string; args: unknown[] }
  | { t: 'pbytes'; name: string; input: Uint8Array }
  | { t: 'pclose' };

export type PluginReply =
  | { t: 'pok'; value: unknown }
  | { t: 'pfail'; result: ResultJSON }
  | { t: 'pusage'; message: string };

function reply(r: CallResult): PluginReply {
  if (r.ok) return { t: 'pok', value: r.value };
  if ('usage' in r) return { t: 'pusage', message: r.usage };
  const e = r.end;
  return {
    t: 'pfail',
    result: {
      outcome: e.outcome, exitCode: e.exitCode, error: e.error ? errorToJSON(e.error) : null, denials: [], durationMs: 0, memoryPeakBytes: 0,
      ...(e.fuelUsed !== undefined ? { fuelUsed: e.fuelUsed } : {}),
    },
  };
}

function failedToCompile(e: ModuleRejected): PluginReply {
  return { t: 'pfail', result: { outcome: 'rejected', exitCode: null, error: errorToJSON(e), denials: [], durationMs: 0, memoryPeakBytes: 0 } };
}

export class PluginRemote {
  private readonly core: PluginCore;
  constructor(module: WebAssembly.Module, spec: JobSpec, private readonly host: RemoteHost) {
    this.core = new PluginCore(remoteGuestConfig(module, spec, host).cfg);
  }

  open(): PluginReply {
    this.host.send({ t: 'started' });
    return reply(this.core.open());
  }

  handle(m: PluginRequest): PluginReply | null {
    if (m.t === 'pclose') { this.core.close(); return null; }
    this.host.send({ t: 'started' });
    return reply(m.t === 'pcall' ? this.core.call(m.name, m.args) : this.core.callBytes(m.name, m.input));
  }
}

/** Child-process loop: serve one plugin until it is closed or fails. */
export function servePlugin(open: PluginOpen, host: RemoteHost, moduleFor: (hash: string, bytes?: Uint8Array) => WebAssembly.Module): void {
  let module: WebAssembly.Module;
  try {
    module = moduleFor(open.hash, open.bytes);
  } catch (e) {
    if (!(e instanceof ModuleRejected)) throw e;
    writeFrameSync(CHILD_OUT, failedToCompile(e));
    return;
  }
  const p = new PluginRemote(module, open.spec, host);
  let r: PluginReply | null = p.open();
  writeFrameSync(CHILD_OUT, r);
  while (r !== null && r.t !== 'pfail') {
    const m = readFrameSync(CHILD_IN) as PluginRequest | null;
    if (m === null) process.exit(0);
    r = p.handle(m);
    if (r !== null) writeFrameSync(CHILD_OUT, r);
  }
}
