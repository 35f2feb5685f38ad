// `--policy FILE`: read the file and hand it to the shared JSON policy loader (src/run/policy.ts,
// bound to hostDir by src/node/policy.ts). Relative host paths resolve against the file's folder.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadPolicy } from '../node/policy.js';
import type { RunOptions } from '../run/options.js';
import { fsReason, usage } from './errors.js';

export function loadPolicyFile(file: string): RunOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    usage(`--policy: cannot read ${JSON.stringify(file)}: ${fsReason(e)}`);
  }
  try {
    return loadPolicy(text, { baseDir: dirname(resolve(file)) });
  } catch (e) {
    // The loader's messages name the setting ("policy.limits.fuel must be ..."); add the file.
    usage(`--policy ${file}: ${(e as Error).message}`);
  }
}
