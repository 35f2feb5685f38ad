// Where `--trace` lines go. Writes are synchronous (writeSync) so trace lines interleave with the
// guest's own stderr output in the order the calls happened.
import { closeSync, openSync, writeSync } from 'node:fs';
import { fsReason, usage } from './errors.js';

export interface TraceSink {
  line(text: string): void;
  close(): void;
}

export function openTrace(file: string | undefined): TraceSink {
  let fd = 2;
  if (file !== undefined) {
    try {
      fd = openSync(file, 'w');
    } catch (e) {
      usage(`--trace-file: cannot open ${JSON.stringify(file)}: ${fsReason(e)}`);
    }
  }
  return {
    line(text) { writeAll(fd, text + '\n'); },
    close() { if (fd !== 2) closeSync(fd); },
  };
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      // stderr may be a non-blocking pipe: wait a moment rather than drop the line.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
