// Values the kernel throws through the guest's stack to end a run. They are not Errors on
// purpose: nothing is captured, and engines recognise them with instanceof.

export type LimitName = 'memory' | 'output' | 'fuel' | 'openFiles';

export class GuestStop {}

export class ExitSignal extends GuestStop {
  constructor(readonly code: number) { super(); }
}

export class LimitSignal extends GuestStop {
  constructor(readonly limit: LimitName, readonly detail: string) { super(); }
}

export class TimeoutSignal extends GuestStop {}

export class AbortedSignal extends GuestStop {
  constructor(readonly reason?: unknown) { super(); }
}

// `(module (func (export "t") unreachable))`: its trap is the one kind of exception a guest's
// wasm `catch_all` cannot catch.
const TRAP_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 116, 0, 0, 10, 5, 1, 3, 0, 0, 11,
]);
let trapper: (() => void) | null | undefined;

/**
 * `signal`, made impossible for the guest to catch. V8 marks the errors of real wasm traps as
 * uncatchable by wasm exception handling, and the mark stays on the object: a fresh trap error,
 * given the signal's prototype and fields, still passes `instanceof` checks in JS while a
 * guest's `catch_all` no longer stops it. Without this a guest could catch proc_exit (or a
 * limit) and spin without imports until its deadline, forever when it has none (the CLI's
 * default). Falls back to the plain signal where this cannot be done.
 */
export function uncatchable<T extends GuestStop>(signal: T): T {
  try {
    if (trapper === undefined) {
      const exports = new WebAssembly.Instance(new WebAssembly.Module(TRAP_MODULE)).exports;
      trapper = exports.t as () => void;
    }
    if (trapper === null) return signal;
    let trap: unknown = null;
    try { trapper(); } catch (e) { trap = e; }
    if (typeof trap !== 'object' || trap === null) return signal;
    Object.setPrototypeOf(trap, Object.getPrototypeOf(signal) as object);
    Object.assign(trap, signal);
    return trap as T;
  } catch {
    trapper = null;
    return signal;
  }
}
