// Deciding a run's outcome from how the guest ended. Shared by every engine so the same guest
// gets the same outcome inline, in a worker or in a child process.
import { AbortedSignal, ExitSignal, GuestStop, LimitSignal, TimeoutSignal } from '../kernel/signals.js';
import { AbortError, LimitExceeded, TimeoutError, type GuestError } from './errors.js';
import type { Outcome } from './result.js';
import { trapFromError } from './traps.js';
import { fuelDetail } from './rewrite/meter.js';

export interface Settled {
  outcome: Outcome;
  exitCode: number | null;
  error?: GuestError;
}

export interface SettleContext {
  /** What the kernel recorded (a guest that caught the unwind still ends with this). */
  stopped: GuestStop | null;
  timeoutMs: number;
  /** The guest reached its memory cap (memory.grow failed at least once). */
  memoryCapHit: boolean;
  memoryCap: number;
  /** The guest was refused a file descriptor at its open-files limit (EMFILE). */
  openFilesCapHit?: boolean;
  /** Engine-detected timeout (e.g. V8's watchdog fired). */
  timedOut?: boolean;
  aborted?: { reason?: unknown };
  /** The guest's fuel ran out (its trap is the meter's `unreachable`). */
  fuelExhausted?: boolean;
  fuel?: number;
}

export function settle(thrown: unknown, finishedNormally: boolean, ctx: SettleContext): Settled {
  const stop = ctx.stopped ?? (thrown instanceof GuestStop ? thrown : null);
  let s: Settled;
  if (stop instanceof ExitSignal) s = { outcome: 'exited', exitCode: stop.code };
  else if (stop instanceof LimitSignal) s = { outcome: 'limit', exitCode: null, error: new LimitExceeded(stop.limit, stop.detail) };
  else if (stop instanceof TimeoutSignal || ctx.timedOut) s = { outcome: 'timeout', exitCode: null, error: new TimeoutError(ctx.timeoutMs) };
  else if (stop instanceof AbortedSignal) s = { outcome: 'aborted', exitCode: null, error: new AbortError(stop.reason) };
  else if (ctx.aborted) s = { outcome: 'aborted', exitCode: null, error: new AbortError(ctx.aborted.reason) };
  else if (ctx.fuelExhausted && !finishedNormally) s = { outcome: 'limit', exitCode: null, error: new LimitExceeded('fuel', fuelDetail(ctx.fuel ?? 0)) };
  else if (finishedNormally) s = { outcome: 'exited', exitCode: 0 };
  else s = { outcome: 'trapped', exitCode: null, error: trapFromError(thrown) };

  // A guest that ran into its memory cap usually dies of it (malloc fails, then a trap or
  // exit(1)): report the cause, not the symptom.
  if (ctx.memoryCapHit && (s.outcome === 'trapped' || (s.outcome === 'exited' && s.exitCode !== 0))) {
    s = { outcome: 'limit', exitCode: null, error: new LimitExceeded('memory', `guest memory reached its ${ctx.memoryCap}-byte limit`) };
  } else if (ctx.openFilesCapHit && (s.outcome === 'trapped' || (s.outcome === 'exited' && s.exitCode !== 0))) {
    // Likewise for EMFILE: a guest that handled it and exited 0 simply exited.
    s = { outcome: 'limit', exitCode: null, error: new LimitExceeded('openFiles', 'guest reached its open-files limit') };
  }
  return s;
}
