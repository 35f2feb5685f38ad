// Rewriting a guest module before compiling it, for the limits the engine cannot impose from
// outside: a memory maximum and fuel metering. Pure functions over bytes (browser-safe).
import { addFuel } from './fuel.js';
import { limitMemory, PAGE_BYTES } from './memory.js';
import { trackGrowFailures } from './grow.js';
import { MemoryLimitError, RewriteError } from './errors.js';
import { LimitExceeded, ModuleRejected } from '../errors.js';
import type { Settled } from '../outcome.js';

export { addFuel, FUEL_EXPORT, FUEL_INITIAL, type FueledModule } from './fuel.js';
export { limitMemory, PAGE_BYTES } from './memory.js';
export { MemoryLimitError, RewriteError } from './errors.js';
export { fuelMeter, growRefused, startFuel, type FuelMeter } from './meter.js';
export { GROW_FAILED_EXPORT, trackGrowFailures } from './grow.js';

export interface PrepareOptions {
  /** Cap on each linear memory, in bytes (rounded down to whole 64 KiB pages). */
  memoryBytes?: number;
  /** Instrument the module for fuel metering. */
  fuel?: boolean;
}

export interface Prepared {
  bytes: Uint8Array;
  /** The module exports FUEL_EXPORT, the fuel-left global. */
  fuel: boolean;
}

// Rewritten modules per input byte array and options, so that a caller caching compiled
// modules by byte-array identity hits its cache on repeated runs of the same input.
const cache = new WeakMap<Uint8Array, Map<string, Prepared>>();

/**
 * Apply the requested rewrites. Returns the input itself when there is nothing to do. Throws
 * MemoryLimitError when the module's initial memory is above the cap (outcome `limit`), and
 * RewriteError when the module cannot be rewritten (outcome `rejected`).
 */
export function prepareModule(bytes: Uint8Array, o: PrepareOptions): Prepared {
  const cap = o.memoryBytes !== undefined && Number.isFinite(o.memoryBytes) ? o.memoryBytes : undefined;
  const fuel = o.fuel === true;
  if (cap === undefined && !fuel) return { bytes, fuel: false };
  const key = `${cap ?? ''}/${fuel}`;
  let byOptions = cache.get(bytes);
  const hit = byOptions?.get(key);
  if (hit !== undefined) return hit;
  let out = bytes;
  if (cap !== undefined) out = limitMemory(out, cap);
  if (fuel) out = addFuel(out).bytes;
  // After metering, so the grow helper is unmetered and fuel does not depend on the cap.
  if (cap !== undefined) out = growTracked(out, Math.floor(cap / PAGE_BYTES));
  const prepared = { bytes: out, fuel };
  if (byOptions === undefined) cache.set(bytes, (byOptions = new Map()));
  byOptions.set(key, prepared);
  return prepared;
}

// Tracking is a refinement: a module it cannot decode keeps the cap, just without tracking.
function growTracked(bytes: Uint8Array, capPages: number): Uint8Array {
  try {
    return trackGrowFailures(bytes, capPages) ?? bytes;
  } catch (e) {
    if (e instanceof RewriteError) return bytes;
    throw e;
  }
}

/**
 * The outcome for an error prepareModule threw: `limit` (memory) when the module's initial
 * memory is above the cap, `rejected` when it cannot be rewritten; null for anything else.
 */
export function preparationFailure(e: unknown): Settled | null {
  if (e instanceof MemoryLimitError) return { outcome: 'limit', exitCode: null, error: new LimitExceeded('memory', e.message) };
  if (e instanceof RewriteError) return { outcome: 'rejected', exitCode: null, error: new ModuleRejected('compile', e.message, { cause: e }) };
  return null;
}
