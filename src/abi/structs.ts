// Encoders for the preview1 structs the ABI writes into guest memory.
import type { Stat } from '../fs/types.js';
import type { GuestMemory } from './memory.js';
import { SIZEOF_FILESTAT } from './constants.js';

/** filestat: dev u64, ino u64, filetype u8 @16, nlink u64 @24, size @32, atim @40, mtim @48, ctim @56. */
export function writeFilestat(m: GuestMemory, ptr: number, st: Stat): void {
  const p = m.checkAligned(ptr, SIZEOF_FILESTAT, 8);
  const dv = m.dv;
  dv.setBigUint64(p, st.dev, true);
  dv.setBigUint64(p + 8, st.ino, true);
  dv.setUint32(p + 16, st.filetype, true);
  dv.setUint32(p + 20, 0, true);
  dv.setBigUint64(p + 24, BigInt(st.nlink), true);
  dv.setBigUint64(p + 32, BigInt(st.size), true);
  dv.setBigUint64(p + 40, st.atim, true);
  dv.setBigUint64(p + 48, st.mtim, true);
  dv.setBigUint64(p + 56, st.ctim, true);
}
