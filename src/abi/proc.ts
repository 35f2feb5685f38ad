// proc_exit, proc_raise, sched_yield.
import { Errno } from './constants.js';
import type { Kernel } from '../kernel/kernel.js';

export function procImports(k: Kernel) {
  return {
    proc_exit(code: number): void {
      k.alive();
      k.exit(code);
    },
    // Never forwarded to the host: a guest cannot signal the process it runs in. Like
    // wasmtime, raising is not supported; the guest gets ENOSYS and carries on.
    proc_raise(sig: number): number {
      k.alive();
      k.deny('signal', 'proc_raise', `signal ${sig >>> 0}`);
      return Errno.NOSYS;
    },
    sched_yield(): number {
      k.alive();
      try { k.flushStdout(); } catch (e) { return k.errno(e); }
      return Errno.SUCCESS;
    },
  };
}
