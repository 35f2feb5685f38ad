// The CLI grants the guest Warden's own stdin.
// Inline (the default engine) reads it on demand, like wasmtime: a guest that never reads stdin
// never touches it, and an interactive guest can read a terminal line by line. The worker and
// process engines read a stdin grant to its end before the guest starts (nothing may park a
// thread in an uninterruptible read there), so for them a terminal gives an empty input unless
// `--stdin -` asks for it (then it is read until Ctrl-D).
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { StdinOption } from '../run/options.js';

export async function ownStdin(mode: 'always' | 'auto', isolation: 'inline' | 'worker' | 'process'): Promise<StdinOption> {
  try {
    fstatSync(0);
  } catch {
    return 'none'; // fd 0 is closed
  }
  if (isolation === 'inline') return { fd: 0 };
  if (mode === 'auto' && isatty(0)) return 'none';
  return { fd: 0 };
}
