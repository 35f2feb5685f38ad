// Streams behind the guest's fds 0-2 (and any other non-file descriptor). They never touch
// the host's real file descriptors unless the host grants that with an explicit sink.

export interface InputStream {
  /** Copy up to dst.length bytes into dst; 0 means end of input. */
  read(dst: Uint8Array): number;
  /** Bytes that can be read without waiting (for poll_oneoff); 0 when unknown. */
  available(): number;
  /** True once the end of input has been reached (poll_oneoff reports a hangup). */
  ended(): boolean;
  /** A real terminal: the guest sees a character device (isatty() true). */
  readonly isTerminal?: boolean;
}

export interface OutputStream {
  /** Consume the bytes now; `src` is a view of guest memory and must not be retained. */
  write(src: Uint8Array): void;
  flush?(): void;
  /** A real terminal: the guest sees a character device (isatty() true). */
  readonly isTerminal?: boolean;
}

export class EmptyInput implements InputStream {
  read(): number { return 0; }
  available(): number { return 0; }
  ended(): boolean { return true; }
}

export class BytesInput implements InputStream {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}
  read(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.data.length - this.pos);
    dst.set(this.data.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }
  available(): number { return this.data.length - this.pos; }
  ended(): boolean { return this.pos >= this.data.length; }
}

const EMPTY = new Uint8Array(0);

/** Keeps everything written, in chunks joined on demand. */
export class CaptureOutput implements OutputStream {
  private chunks: Uint8Array[] = [];
  private size = 0;
  // Small writes are gathered into one buffer to avoid an allocation per line. It is made on
  // the first write: most runs never write to stderr, and a short run's cost is mostly setup.
  private tail = EMPTY;
  private tailLen = 0;
  write(src: Uint8Array): void {
    const n = src.length;
    if (this.tail === EMPTY) this.tail = new Uint8Array(4096);
    if (this.tailLen + n <= this.tail.length) {
      this.tail.set(src, this.tailLen);
      this.tailLen += n;
    } else {
      this.spill();
      if (n >= 4096) this.chunks.push(src.slice());
      else { this.tail.set(src, 0); this.tailLen = n; }
    }
    this.size += n;
  }
  private spill(): void {
    if (this.tailLen > 0) {
      this.chunks.push(this.tail.slice(0, this.tailLen));
      this.tailLen = 0;
    }
  }
  get length(): number { return this.size; }
  bytes(): Uint8Array {
    this.spill();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) { out.set(c, off); off += c.length; }
    this.chunks = [out];
    return out;
  }
}

export class DiscardOutput implements OutputStream {
  write(): void { /* dropped */ }
}

/** Hands every write to a host callback (a copy, so the host may keep it). */
export class CallbackOutput implements OutputStream {
  constructor(private readonly fn: (chunk: Uint8Array) => void) {}
  write(src: Uint8Array): void { this.fn(src.slice()); }
}
