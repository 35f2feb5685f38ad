// The clocks a guest can be granted. Each one answers realtime and monotonic readings in
// nanoseconds and decides what a sleep does: a real clock waits, a virtual clock jumps.

export type ClockOption =
  | 'real'
  | 'deny'
  | { frozen: Date | bigint | number }
  | { virtual: { start?: Date | bigint | number } | VirtualClock }
  | { coarse: { resolutionMs: number } };

export interface GuestClock {
  readonly kind: 'real' | 'deny' | 'frozen' | 'virtual' | 'coarse';
  /** Nanoseconds since the Unix epoch. */
  realtime(): bigint;
  /** Nanoseconds since an arbitrary, fixed origin; never goes backwards. */
  monotonic(): bigint;
  /** Resolution in nanoseconds. */
  resolution(): bigint;
  /**
   * Called when the guest sleeps `ns` nanoseconds. Returns true if the engine must actually
   * wait that long (real time), false if the clock consumed the sleep itself (virtual, frozen).
   */
  sleep(ns: bigint): boolean;
}

const NS_PER_MS = 1_000_000n;

/** Convert a Date / bigint ns / number ms into nanoseconds since the epoch. */
export function toNs(t: Date | bigint | number): bigint {
  if (typeof t === 'bigint') return t;
  if (t instanceof Date) return BigInt(t.getTime()) * NS_PER_MS;
  if (typeof t === 'number' && Number.isFinite(t)) return BigInt(Math.round(t * 1e6));
  throw new TypeError('clock time must be a Date, a bigint of nanoseconds or a number of milliseconds');
}

// performance.now() is in ms with µs resolution in Node and in browsers.
const origin = BigInt(Math.round(performance.timeOrigin * 1e6));
function nowMonoNs(): bigint { return BigInt(Math.round(performance.now() * 1e6)); }

export class RealClock implements GuestClock {
  readonly kind: 'real' | 'deny' = 'real';
  realtime(): bigint { return origin + nowMonoNs(); }
  monotonic(): bigint { return nowMonoNs(); }
  resolution(): bigint { return 1_000n; }
  sleep(): boolean { return true; }
}

/** Denied: readings fail in the ABI layer; sleeps still wait in real time. */
export class DeniedClock extends RealClock {
  override readonly kind = 'deny' as const;
}

export class FrozenClock implements GuestClock {
  readonly kind = 'frozen' as const;
  constructor(private readonly at: bigint) {}
  realtime(): bigint { return this.at; }
  monotonic(): bigint { return 0n; }
  resolution(): bigint { return 1n; }
  sleep(): boolean { return false; }
}

/**
 * A clock that moves only when the guest sleeps or the host calls `advance`, so runs are
 * reproducible. Pass one instance as `clock: { virtual: clock }` to drive it from the host.
 */
export class VirtualClock implements GuestClock {
  readonly kind = 'virtual' as const;
  private elapsed = 0n;
  constructor(private readonly start: bigint = 0n) {}
  realtime(): bigint { return this.start + this.elapsed; }
  monotonic(): bigint { return this.elapsed; }
  resolution(): bigint { return 1n; }
  sleep(ns: bigint): boolean { this.elapsed += ns; return false; }
  /** Move time forward by `ms` milliseconds (or a bigint of nanoseconds). */
  advance(by: number | bigint): void {
    const ns = typeof by === 'bigint' ? by : BigInt(Math.round(by * 1e6));
    if (ns < 0n) throw new RangeError('a virtual clock cannot go backwards');
    this.elapsed += ns;
  }
}

/** Real time rounded down to a resolution, taking away the precise timer side channels need. */
export class CoarseClock implements GuestClock {
  readonly kind = 'coarse' as const;
  private readonly res: bigint;
  private readonly real = new RealClock();
  constructor(resolutionMs: number) {
    if (!(resolutionMs > 0) || !Number.isFinite(resolutionMs)) {
      throw new RangeError('clock.coarse.resolutionMs must be a positive number');
    }
    this.res = BigInt(Math.round(resolutionMs * 1e6));
  }
  realtime(): bigint { const t = this.real.realtime(); return t - (t % this.res); }
  monotonic(): bigint { const t = this.real.monotonic(); return t - (t % this.res); }
  resolution(): bigint { return this.res; }
  sleep(): boolean { return true; }
}

export function createClock(option: ClockOption | undefined): GuestClock {
  if (option === undefined || option === 'deny') return new DeniedClock();
  if (option === 'real') return new RealClock();
  if (typeof option === 'object' && option !== null) {
    if ('frozen' in option) return new FrozenClock(toNs(option.frozen));
    if ('virtual' in option) {
      const v = option.virtual;
      if (v instanceof VirtualClock) return v;
      return new VirtualClock(v?.start === undefined ? 0n : toNs(v.start));
    }
    if ('coarse' in option) return new CoarseClock(option.coarse?.resolutionMs);
  }
  throw new TypeError(`clock: expected 'real', 'deny', { frozen }, { virtual } or { coarse }, got ${JSON.stringify(option)}`);
}
