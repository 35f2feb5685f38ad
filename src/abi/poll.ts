// poll_oneoff: clock subscriptions (relative and absolute) and fd readiness.
import {
  ClockId, Errno, EventRwFlags, EventType, Rights, SIZEOF_EVENT, SIZEOF_SUBSCRIPTION, SubclockFlags,
} from './constants.js';
import type { Kernel } from '../kernel/kernel.js';
import { fail, isWasiErrno } from '../kernel/errors.js';

/** Most subscriptions in one poll_oneoff (Linux poll() refuses nfds beyond its fd limit: EINVAL). */
const MAX_SUBSCRIPTIONS = 1 << 16;

export function pollImports(k: Kernel, readClock: (id: number, call: string) => bigint) {
  const m = k.mem;
  const fds = k.fds;

  return {
    poll_oneoff(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
      k.alive();
      try {
        m.refresh();
        const n = nsubs >>> 0;
        if (n === 0) fail(Errno.INVAL);
        // Every subscription becomes a host object: millions of them exhausted the host's heap.
        if (n > MAX_SUBSCRIPTIONS) fail(Errno.INVAL);
        const inp = m.checkAligned(inPtr, n * SIZEOF_SUBSCRIPTION, 8);
        const out = m.checkAligned(outPtr, n * SIZEOF_EVENT, 8);
        const nevPtr = m.check(neventsPtr, 4);
        const dv = m.dv;

        // Decode everything first: events are written only after any sleep.
        const ready: { userdata: bigint; error: number; type: number; nbytes: bigint; flags: number }[] = [];
        let minTimeout = -1n;
        const clocks: { userdata: bigint; timeout: bigint }[] = [];
        for (let i = 0; i < n; i++) {
          const s = inp + i * SIZEOF_SUBSCRIPTION;
          const userdata = dv.getBigUint64(s, true);
          const tag = dv.getUint8(s + 8);
          if (tag === EventType.CLOCK) {
            const id = dv.getUint32(s + 16, true);
            const timeout = dv.getBigUint64(s + 24, true);
            const flags = dv.getUint16(s + 40, true);
            let rel: bigint;
            try {
              if (id > ClockId.THREAD_CPUTIME) fail(Errno.INVAL);
              if (flags & SubclockFlags.ABSTIME) {
                rel = timeout - readClock(id, 'poll_oneoff');
              } else {
                rel = timeout;
              }
            } catch (e) {
              if (!isWasiErrno(e)) throw e;
              ready.push({ userdata, error: e.errno, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
              continue;
            }
            if (rel < 0n) rel = 0n;
            clocks.push({ userdata, timeout: rel });
            if (minTimeout < 0n || rel < minTimeout) minTimeout = rel;
          } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
            const fd = dv.getUint32(s + 16, true);
            const ev = { userdata, error: 0, type: tag, nbytes: 0n, flags: 0 };
            if (!fds.has(fd)) { ev.error = Errno.BADF; ready.push(ev); continue; }
            const d = fds.get(fd);
            if ((d.rightsBase & Rights.POLL_FD_READWRITE) === 0) { ev.error = Errno.BADF; ready.push(ev); continue; }
            if (d.file !== null) {
              if (tag === EventType.FD_READ) {
                const left = d.file.size() - d.pos;
                ev.nbytes = BigInt(left > 0 ? left : 0);
              }
            } else if (d.input !== null && tag === EventType.FD_READ) {
              const avail = d.input.available();
              ev.nbytes = BigInt(avail);
              if (avail === 0 && d.input.ended()) ev.flags = EventRwFlags.HANGUP;
            } else if (d.output === null || tag === EventType.FD_READ) {
              if (d.dir !== null) { ev.error = Errno.BADF; }
              else if (d.output !== null && tag === EventType.FD_READ) { ev.error = Errno.BADF; }
            }
            ready.push(ev);
          } else {
            fail(Errno.INVAL);
          }
        }

        if (ready.length === 0 && clocks.length > 0) {
          k.flushStdout();
          k.sleepNs(minTimeout);
          for (const c of clocks) {
            if (c.timeout <= minTimeout) ready.push({ userdata: c.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
          }
        } else {
          for (const c of clocks) {
            if (c.timeout === 0n) ready.push({ userdata: c.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
          }
        }

        m.refresh();
        const dv2 = m.dv;
        for (let i = 0; i < ready.length; i++) {
          const e = ready[i]!;
          const p = out + i * SIZEOF_EVENT;
          dv2.setBigUint64(p, e.userdata, true);
          dv2.setUint16(p + 8, e.error, true);
          dv2.setUint8(p + 10, e.type);
          dv2.setUint8(p + 11, 0);
          dv2.setUint32(p + 12, 0, true);
          dv2.setBigUint64(p + 16, e.nbytes, true);
          dv2.setUint16(p + 24, e.flags, true);
          dv2.setUint16(p + 26, 0, true);
          dv2.setUint32(p + 28, 0, true);
        }
        dv2.setUint32(nevPtr, ready.length, true);
        return Errno.SUCCESS;
      } catch (e) { return k.errno(e); }
    },
  };
}
