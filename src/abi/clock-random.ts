// clock_res_get, clock_time_get, random_get.
import { ClockId, Errno } from './constants.js';
import type { Kernel } from '../kernel/kernel.js';
import { fail } from '../kernel/errors.js';

export function clockRandomImports(k: Kernel) {
  const m = k.mem;
  const clock = k.config.clock;
  const random = k.config.random;
  const start = clock.monotonic();

  /** Read a clock by id; shared with poll_oneoff. Denied clocks fail with ENOTCAPABLE. */
  function read(id: number, call: string): bigint {
    if (id > ClockId.THREAD_CPUTIME || id < 0) fail(Errno.INVAL);
    if (clock.kind === 'deny') {
      k.deny('clock', call, `clock ${id} not granted`);
      fail(Errno.NOTCAPABLE);
    }
    switch (id) {
      case ClockId.REALTIME: return clock.realtime();
      case ClockId.MONOTONIC: return clock.monotonic();
      // The guest is one thread that runs from start to end, so its CPU time is approximated by
      // the time since the run started on the granted clock (portable, and follows virtual time).
      default: return clock.monotonic() - start;
    }
  }

  return {
    read,
    imports: {
      clock_res_get(id: number, resPtr: number): number {
        k.alive();
        try {
          m.refresh();
          if (id >>> 0 > ClockId.THREAD_CPUTIME) fail(Errno.INVAL);
          if (clock.kind === 'deny') {
            k.deny('clock', 'clock_res_get', `clock ${id} not granted`);
            fail(Errno.NOTCAPABLE);
          }
          m.setU64(resPtr, clock.resolution());
          return Errno.SUCCESS;
        } catch (e) { return k.errno(e); }
      },
      clock_time_get(id: number, _precision: bigint, timePtr: number): number {
        k.alive();
        try {
          m.refresh();
          const p = m.check(timePtr, 8);
          m.dv.setBigUint64(p, read(id >>> 0, 'clock_time_get'), true);
          return Errno.SUCCESS;
        } catch (e) { return k.errno(e); }
      },
      random_get(bufPtr: number, len: number): number {
        k.alive();
        try {
          m.refresh();
          const b = m.bytes(bufPtr, len);
          if (random.kind === 'deny') {
            k.deny('random', 'random_get', `${len >>> 0} bytes requested`);
            fail(Errno.NOTCAPABLE);
          }
          random.fill(b);
          return Errno.SUCCESS;
        } catch (e) { return k.errno(e); }
      },
    },
  };
}
