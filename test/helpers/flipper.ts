// A helper process that races a mount: for `ms` milliseconds it flips `mount/flip` (a real
// directory) and `mount/file` (a real file) to symlinks pointing outside, absolute and relative
// in turn, and back. Resolves once the helper has started flipping.
import { spawn, type ChildProcess } from 'node:child_process';

const CODE = `
  const fs = require('fs');
  const [mount, outside, ms, holdNs] = process.argv.slice(1);
  const end = Date.now() + Number(ms);
  const t = (f) => { try { f(); } catch {} };
  let i = 0;
  process.stdout.write('go\\n');
  while (Date.now() < end) {
    const target = i++ % 2 ? outside : '../outside';
    t(() => fs.renameSync(mount + '/flip', mount + '/stash'));
    t(() => fs.symlinkSync(target, mount + '/flip'));
    t(() => fs.renameSync(mount + '/file', mount + '/filestash'));
    t(() => fs.symlinkSync(target + '/secret.txt', mount + '/file'));
    t(() => fs.unlinkSync(mount + '/flip'));
    t(() => fs.renameSync(mount + '/stash', mount + '/flip'));
    t(() => fs.unlinkSync(mount + '/file'));
    t(() => fs.renameSync(mount + '/filestash', mount + '/file'));
    // Optionally hold the real-entry state a moment so a slower prober sees both states often.
    const s = process.hrtime.bigint();
    while (process.hrtime.bigint() - s < BigInt(holdNs));
  }`;

export interface Flipper {
  child: ChildProcess;
  /** Resolves with the helper's exit code once it has stopped by itself. */
  exited: Promise<number | null>;
}

export async function startFlipper(mount: string, outside: string, ms: number, holdNs = 0): Promise<Flipper> {
  const child = spawn(process.execPath, ['-e', CODE, mount, outside, String(ms), String(holdNs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((res) => child.on('exit', res));
  await new Promise<void>((res) => child.stdout!.once('data', () => res()));
  return { child, exited };
}
