// Exact nanosecond timestamps on top of Node's double-based utimes.
//
// Node's fs.utimes/futimes/lutimes carry seconds as doubles (~240 ns steps at today's dates),
// while WASI guests and the conformance suite expect exactly the value they set. After every
// set we remember, per host inode, the exact value the guest asked for and the value the host
// reported back. A later stat that still sees the reported value returns the exact one; if the
// host changed the time since (a write, touch, another tool), the host's value wins.

/** The stat fields hostDir uses, in nanoseconds (Node's HostStat has this shape). */
export interface HostStat {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

interface Exact {
  hostAtim: bigint;
  atim: bigint;
  hostMtim: bigint;
  mtim: bigint;
}

/** Bounded so that a long-lived host running many guests does not grow without limit. */
const MAX_ENTRIES = 65536;
const table = new Map<string, Exact>();

function key(st: HostStat): string {
  return `${st.dev}:${st.ino}`;
}

/** Record what the guest set (`atim`, `mtim`) next to what the host now reports (`after`). */
export function recordTimes(after: HostStat, atim: bigint, mtim: bigint): void {
  const k = key(after);
  table.delete(k); // re-insert so Map order approximates least-recently-set eviction
  if (table.size >= MAX_ENTRIES) {
    const oldest = table.keys().next().value;
    if (oldest !== undefined) table.delete(oldest);
  }
  table.set(k, { hostAtim: after.atimeNs, atim, hostMtim: after.mtimeNs, mtim });
}

/** The times to report for a host stat: exact ones where the host still shows what we set. */
export function exactAtim(st: HostStat, e: Exact | undefined): bigint {
  return e !== undefined && e.hostAtim === st.atimeNs ? e.atim : st.atimeNs;
}

export function exactMtim(st: HostStat, e: Exact | undefined): bigint {
  return e !== undefined && e.hostMtim === st.mtimeNs ? e.mtim : st.mtimeNs;
}

export function lookupTimes(st: HostStat): Exact | undefined {
  return table.size === 0 ? undefined : table.get(key(st));
}
