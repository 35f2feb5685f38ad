// The CLI grants the guest Warden's own stdin. The engines read stdin fully before the guest
// starts, so a terminal would block the run until Ctrl-D with no output shown: by default a
// terminal stdin gives the guest an empty input (EOF) instead; `--stdin -` reads it anyway.
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { StdinOption } from '../run/options.js';

export async function ownStdin(mode: 'always' | 'auto'): Promise<StdinOption> {
  try {
    fstatSync(0);
  } catch {
    return 'none'; // fd 0 is closed
  }
  if (mode === 'auto' && isatty(0)) return 'none';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return { bytes: new Uint8Array(all.buffer, all.byteOffset, all.length) };
}
