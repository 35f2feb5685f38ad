import type { Denial } from '../kernel/kernel.js';
import type { GuestError } from './errors.js';

export type Outcome = 'exited' | 'trapped' | 'rejected' | 'timeout' | 'aborted' | 'limit';

export interface RunResult {
  outcome: Outcome;
  /** The guest's proc_exit code (u32), 0 when _start returned; null for other outcomes. */
  exitCode: number | null;
  error?: GuestError;
  /** Present when captured; partial output is kept on every outcome. */
  stdout?: Uint8Array;
  stderr?: Uint8Array;
  denials: Denial[];
  durationMs: number;
  memoryPeakBytes: number;
  fuelUsed?: number;
}

/** The CLI's exit status for a result (DESIGN.md table). */
export function exitStatusFor(r: RunResult): number {
  switch (r.outcome) {
    case 'exited': return r.exitCode! > 255 ? 255 : r.exitCode!;
    case 'trapped': return 134;
    case 'timeout': case 'aborted': return 124;
    case 'limit': return 137;
    case 'rejected': return 126;
  }
}

/** A JSON-safe view of a result (for --report and for crossing process boundaries). */
export function resultToJSON(r: RunResult): Record<string, unknown> {
  const e = r.error;
  return {
    outcome: r.outcome,
    exitCode: r.exitCode,
    error: e === undefined ? null : {
      name: e.name,
      kind: e.kind,
      message: e.message,
      ...('limit' in e ? { limit: e.limit } : {}),
      ...('frames' in e ? { frames: e.frames } : {}),
    },
    denials: r.denials,
    durationMs: r.durationMs,
    memoryPeakBytes: r.memoryPeakBytes,
    ...(r.fuelUsed !== undefined ? { fuelUsed: r.fuelUsed } : {}),
  };
}
