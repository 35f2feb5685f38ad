// loadPolicy for Node: host directories through hostDir(), relative paths against `baseDir`
// (default: the current directory; the CLI passes the policy file's directory).
import { loadPolicy as loadCore } from '../run/policy.js';
import type { RunOptions } from '../run/options.js';
import { hostDir } from './host-fs.js';

export function loadPolicy(json: string | unknown, options: { baseDir?: string } = {}): RunOptions {
  return loadCore(json, { baseDir: options.baseDir ?? process.cwd(), hostDir: (path, o) => hostDir(path, o) });
}
