// The host's side of fuel metering: setting the budget on a live instance and reading back
// what was used. The fuel global is an exported mutable i64 (a bigint in JS).
import { LimitSignal } from '../../kernel/signals.js';
import { ModuleRejected } from '../errors.js';
import { FUEL_EXPORT, FUEL_INITIAL } from './fuel.js';
import { GROW_FAILED_EXPORT } from './grow.js';

export interface FuelMeter {
  readonly budget: number;
  /** Fuel used so far, at most the budget. */
  used(): number;
  /** True once the guest ran out: a trap now is the meter's, not the guest's. */
  exhausted(): boolean;
}

/** Wrap the fuel global and set it to `budget` minus what was `spent` already. */
export function fuelMeter(global: WebAssembly.Global, budget: number, spent = 0n): FuelMeter {
  // Beyond 2^62 (or Infinity) means "unlimited" in practice; i64 and BigInt need a finite value.
  const b = budget >= Number(FUEL_INITIAL) ? FUEL_INITIAL : BigInt(Math.floor(budget));
  global.value = b - spent;
  return {
    budget,
    used(): number {
      const left = global.value as bigint;
      return Number(left < 0n ? b : b - left);
    },
    exhausted(): boolean {
      return (global.value as bigint) < 0n;
    },
  };
}

/**
 * Start metering a freshly instantiated guest. Throws ModuleRejected when the module was not
 * prepared for fuel, and LimitSignal('fuel') when instantiation alone used up the budget.
 */
export function startFuel(instance: WebAssembly.Instance, budget: number): FuelMeter {
  const g = instance.exports[FUEL_EXPORT];
  if (!(g instanceof WebAssembly.Global)) {
    throw new ModuleRejected('entry', `a fuel limit needs a module prepared with prepareModule(bytes, { fuel: true }) (no ${FUEL_EXPORT} export)`);
  }
  // Work a start function did during instantiation was charged against FUEL_INITIAL.
  const meter = fuelMeter(g, budget, FUEL_INITIAL - (g.value as bigint));
  if (meter.exhausted()) throw new LimitSignal('fuel', fuelDetail(budget));
  return meter;
}

export function fuelDetail(budget: number): string {
  return `guest used up its fuel budget of ${budget}`;
}

/**
 * Whether the guest's memory.grow was refused by the memory cap, for modules prepared with a
 * memory limit (false when the module does not track it: the engine then falls back to the
 * memory's final size).
 */
export function growRefused(instance: WebAssembly.Instance): () => boolean {
  const g = instance.exports[GROW_FAILED_EXPORT];
  return g instanceof WebAssembly.Global ? () => g.value === 1 : () => false;
}
