// Length-prefixed v8.serialize frames between the host and a child process, over the two
// extra pipes the child gets as fds 3 (host → child) and 4 (child → host). The child reads and
// writes them synchronously (it has no other work to do, and SIGKILL interrupts any wait).
import { readSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

export const CHILD_IN = 3;
export const CHILD_OUT = 4;

export function encodeFrame(msg: unknown): Buffer {
  const body = serialize(msg);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Accumulates chunks from a stream and yields whole frames (joining chunks once per frame). */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private need = 4;
  constructor(private readonly onFrame: (msg: unknown) => void) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size >= this.need) {
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      this.chunks = [buf];
      const n = buf.readUInt32LE(0);
      if (buf.length < 4 + n) { this.need = 4 + n; return; }
      const rest = buf.subarray(4 + n);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
      this.need = 4;
      this.onFrame(deserialize(buf.subarray(4, 4 + n)));
    }
  }
}

// ---- child side (blocking) ----

const header = Buffer.alloc(4);

function readFully(fd: number, dst: Buffer): boolean {
  let off = 0;
  while (off < dst.length) {
    let n: number;
    try {
      n = readSync(fd, dst, off, dst.length - off, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); continue; }
      throw e;
    }
    if (n === 0) return false;
    off += n;
  }
  return true;
}

/** Read one frame from `fd`; null when the host closed the pipe. */
export function readFrameSync(fd: number): unknown {
  if (!readFully(fd, header)) return null;
  const body = Buffer.allocUnsafe(header.readUInt32LE(0));
  if (!readFully(fd, body)) return null;
  return deserialize(body);
}

export function writeFrameSync(fd: number, msg: unknown): void {
  const frame = encodeFrame(msg);
  let off = 0;
  while (off < frame.length) {
    try {
      off += writeSync(fd, frame, off, frame.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); continue; }
      throw e;
    }
  }
}
