// --trace: one line per syscall with decoded arguments and the result.
import { ERRNO_NAMES } from '../abi/constants.js';
import type { WasiImports } from '../abi/preview1.js';
import type { Kernel } from '../kernel/kernel.js';

/** Argument positions of (pointer, length) string pairs, decoded into the trace line. */
const STRING_ARGS: Record<string, number[]> = {
  path_open: [2], path_create_directory: [1], path_filestat_get: [2], path_filestat_set_times: [2],
  path_link: [2, 5], path_readlink: [1], path_remove_directory: [1], path_rename: [1, 4],
  path_symlink: [0, 3], path_unlink_file: [1],
};

const TRACE_STRING_BYTES = 1024;

export function traceImports(imports: WasiImports, k: Kernel, hostSink: (line: string) => void): WasiImports {
  // A throwing trace callback is the host's bug: it must not trap the guest (as in the worker
  // and process engines, where trace lines arrive as messages).
  const sink = (line: string): void => { try { hostSink(line); } catch { /* ignored */ } };
  const out: WasiImports = {};
  for (const [name, fn] of Object.entries(imports)) {
    const strings = STRING_ARGS[name] ?? [];
    out[name] = (...args: unknown[]) => {
      const shown = args.map((a) => (typeof a === 'bigint' ? `${a}n` : String(a)));
      for (const i of strings) {
        try {
          k.mem.refresh();
          // At most TRACE_STRING_BYTES: a guest's megabyte paths must not become megabyte lines.
          const len = (args[i + 1] as number) >>> 0;
          const n = Math.min(len, TRACE_STRING_BYTES);
          shown[i] = JSON.stringify(k.mem.string(args[i] as number, n)) + (n < len ? `...(${len} bytes)` : '');
          shown.splice(i + 1, 1, '');
        } catch { /* leave the raw pointer */ }
      }
      const argText = shown.filter((s) => s !== '').join(', ');
      let r: number | void;
      try {
        r = fn(...args);
      } catch (e) {
        sink(`${name}(${argText}) -> ${stopName(e)}`);
        throw e;
      }
      sink(`${name}(${argText}) = ${typeof r === 'number' ? (r === 0 ? '0' : `E${ERRNO_NAMES[r] ?? r}`) : 'void'}`);
      return r;
    };
  }
  return out;
}

function stopName(e: unknown): string {
  const n = (e as { constructor?: { name?: string } })?.constructor?.name ?? 'exception';
  const code = (e as { code?: number }).code;
  return code !== undefined ? `${n}(${code})` : n;
}
