// Errors raised while rewriting a guest module before it is compiled.

/** The module is malformed or uses something the rewriter cannot handle safely. */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
}

/** The module's initial memory already exceeds the cap: the run must end with outcome `limit`. */
export class MemoryLimitError extends Error {
  override readonly name = 'MemoryLimitError';
  constructor(readonly initialPages: number, readonly capPages: number, readonly maxBytes: number) {
    super(`guest memory starts at ${initialPages} pages (${initialPages * 65536} bytes), above its ${maxBytes}-byte limit`);
  }
}
