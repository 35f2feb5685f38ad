// One child process running guests (for one tenant when pooled), seen from the host. Jobs are
// serialized; host-function calls from the guest are answered here; a deadline or an abort
// kills the child with SIGKILL, and a crash of the child becomes a typed result.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { RunOptions, HostFunction, BytesHostFunction } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { answerHostCall, listHostFunctions, type HostAnswer } from './host-functions.js';
import { encodeFrame, FrameReader } from './process-frames.js';
import { describeJob } from './worker-job.js';
import { Session } from './worker-session.js';
import type { RemoteEnd, RemoteMsg } from './worker-remote.js';

const entry = fileURLToPath(new URL('./process-entry.js', import.meta.url));
const hashes = new WeakMap<Uint8Array, string>();

export function moduleHash(bytes: Uint8Array): string {
  let h = hashes.get(bytes);
  if (h === undefined) hashes.set(bytes, (h = createHash('sha256').update(bytes).digest('hex')));
  return h;
}

type ChildMsg = RemoteMsg | RemoteEnd | { t: 'need' } | { t: 'call'; index: number; args: unknown[]; bytes: Uint8Array | null };

/** Whoever currently talks to the child: a run, or a plugin. */
export interface ChildClient {
  onFrame(m: unknown): void;
  onGone(why: string): void;
}

export class ChildProc {
  readonly proc: ChildProcess;
  private readonly input: Writable;
  private client: ChildClient | null = null;
  /** Runs started in this child (for recycling). */
  runs = 0;
  dead = false;
  readonly closed: Promise<void>;

  constructor(stackSizeMb?: number) {
    const flags = stackSizeMb !== undefined ? [`--stack-size=${Math.floor(stackSizeMb * 1024 * 0.9)}`] : [];
    // An empty environment: the child holds nothing of the host's beyond what a job sends it.
    this.proc = spawn(process.execPath, [...flags, entry], { stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'], env: {} });
    this.input = this.proc.stdio[3] as Writable;
    this.input.on('error', () => { /* the child is gone; 'close' reports it */ });
    const reader = new FrameReader((m) => this.client?.onFrame(m));
    (this.proc.stdio[4] as Readable).on('data', (c: Buffer) => reader.push(c));
    this.closed = new Promise((resolve) => {
      this.proc.on('close', (code, signal) => {
        this.dead = true;
        const c = this.client;
        this.client = null;
        c?.onGone(signal !== null ? `process was killed by ${signal}` : `process exited with code ${code}`);
        resolve();
      });
    });
  }

  get busy(): boolean { return this.client !== null; }

  /** An idle child should not keep the host process alive: unref it (and ref it again for work). */
  setRef(on: boolean): void {
    for (const h of [this.proc, this.proc.stdio[3], this.proc.stdio[4]] as ({ ref?(): void; unref?(): void } | null)[]) {
      if (on) h?.ref?.(); else h?.unref?.();
    }
  }

  send(msg: unknown): void {
    if (!this.dead) this.input.write(encodeFrame(msg));
  }

  attach(c: ChildClient): void { this.client = c; }
  detach(c: ChildClient): void { if (this.client === c) this.client = null; }

  kill(): void {
    if (!this.dead) this.proc.kill('SIGKILL');
  }

  /** Ask the child to exit after its current work. */
  close(): void {
    if (!this.dead) this.send({ t: 'exit' });
  }

  /** Run one job in this child. Resolves when the child reported the end (or died). */
  run(bytes: Uint8Array, o: RunOptions, stdin: Uint8Array | null, timeoutMs: number): Promise<RunResult> {
    this.runs++;
    const { spec, memfs } = describeJob(o, stdin, timeoutMs);
    const { refs, fns } = listHostFunctions(o.imports);
    const session = new Session(o, timeoutMs, memfs, () => this.kill());
    const hash = moduleHash(bytes);
    return new Promise((resolve) => {
      const client: ChildClient = {
        onFrame: (raw) => {
          const m = raw as ChildMsg;
          if (m.t === 'need') { this.send({ bytes }); return; }
          if (m.t === 'call') { this.answer(fns, `${refs[m.index]?.module}.${refs[m.index]?.name}`, m, () => !session.finished); return; }
          if (session.onMessage(m)) {
            this.detach(client);
            resolve(session.result());
          }
        },
        onGone: (why) => resolve(session.result(why)),
      };
      session.finishEarly = () => { this.detach(client); resolve(session.result()); };
      this.attach(client);
      this.send({ t: 'job', hash, spec });
    });
  }

  /** Run the host function a guest in this child called and send the answer back (if `live()`). */
  answer(fns: (HostFunction | BytesHostFunction)[], name: string, m: { index: number; args: unknown[]; bytes: Uint8Array | null }, live: () => boolean): void {
    const f = fns[m.index];
    const a = f === undefined ? { kind: 'error' as const, message: `no host function #${m.index}` } : answerHostCall(f, name, m.args, m.bytes);
    const reply = (x: HostAnswer): void => { if (live()) this.send(x); };
    if (a instanceof Promise) void a.then(reply); else reply(a);
  }
}
