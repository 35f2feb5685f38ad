// Typed errors for everything a guest can do wrong. A run resolves with one of these in
// `result.error`; it rejects only for host-side misuse (WardenUsageError).

import type { LimitName } from '../kernel/signals.js';

export type TrapKind =
  | 'unreachable' | 'out_of_bounds' | 'divide_by_zero' | 'integer_overflow'
  | 'invalid_conversion' | 'indirect_call' | 'stack_overflow' | 'host_function' | 'other';

export interface WasmFrame {
  /** Function name from the name section, or `wasm-function[N]` without one. */
  name: string;
  index: number | null;
  /** Byte offset in the module, when V8 reports it. */
  offset: number | null;
}

export class GuestTrap extends Error {
  override readonly name = 'GuestTrap';
  constructor(readonly kind: TrapKind, message: string, readonly frames: WasmFrame[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type RejectKind = 'compile' | 'link' | 'entry';

export class ModuleRejected extends Error {
  override readonly name = 'ModuleRejected';
  constructor(readonly kind: RejectKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class LimitExceeded extends Error {
  override readonly name = 'LimitExceeded';
  readonly kind = 'limit' as const;
  constructor(readonly limit: LimitName, message: string) {
    super(message);
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly kind = 'timeout' as const;
  constructor(readonly timeoutMs: number) {
    super(`guest exceeded its ${timeoutMs} ms deadline`);
  }
}

export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly kind = 'aborted' as const;
  constructor(readonly reason?: unknown) {
    super('guest run was aborted');
  }
}

/** Host-side misuse: bad options, unreadable module file. `run()` rejects with this. */
export class WardenUsageError extends Error {
  override readonly name = 'WardenUsageError';
}

export type GuestError = GuestTrap | ModuleRejected | LimitExceeded | TimeoutError | AbortError;
