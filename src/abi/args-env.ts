// args_get, args_sizes_get, environ_get, environ_sizes_get.
import { Errno } from './constants.js';
import type { Kernel } from '../kernel/kernel.js';

export function argsEnvImports(k: Kernel) {
  const m = k.mem;

  function sizes(list: Uint8Array[], countPtr: number, sizePtr: number): number {
    k.alive();
    try {
      m.refresh();
      let size = 0;
      for (const b of list) size += b.length;
      m.setU32(countPtr, list.length);
      m.setU32(sizePtr, size);
      return Errno.SUCCESS;
    } catch (e) { return k.errno(e); }
  }

  function get(list: Uint8Array[], ptrsPtr: number, bufPtr: number): number {
    k.alive();
    try {
      m.refresh();
      let size = 0;
      for (const b of list) size += b.length;
      const ptrs = m.check(ptrsPtr, list.length * 4);
      let buf = m.check(bufPtr, size);
      for (let i = 0; i < list.length; i++) {
        m.dv.setUint32(ptrs + i * 4, buf, true);
        m.u8.set(list[i]!, buf);
        buf += list[i]!.length;
      }
      return Errno.SUCCESS;
    } catch (e) { return k.errno(e); }
  }

  return {
    args_sizes_get: (c: number, s: number) => sizes(k.argsBytes, c, s),
    args_get: (p: number, b: number) => get(k.argsBytes, p, b),
    environ_sizes_get: (c: number, s: number) => sizes(k.envBytes, c, s),
    environ_get: (p: number, b: number) => get(k.envBytes, p, b),
  };
}
