// Combining several single-file mounts that share a parent directory into one directory.
import type { FileSystem } from '../fs/types.js';
import { WardenUsageError } from '../run/errors.js';

export function combineFiles(files: Map<string, { asDirectory(name: string): FileSystem }>): FileSystem {
  throw new WardenUsageError(`several file mounts in one directory (${[...files.keys()].join(', ')}) are not supported yet; mount a virtualDir() instead`);
}
