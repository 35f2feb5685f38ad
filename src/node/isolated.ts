// Placeholder for the worker and process engines (issue 4).
import type { RunOptions } from '../run/options.js';
import type { RunResult } from '../run/result.js';
import { WardenUsageError } from '../run/errors.js';
import type { ModuleSource } from './module-source.js';

export async function runIsolated(_source: ModuleSource, _o: RunOptions, isolation: string): Promise<RunResult> {
  throw new WardenUsageError(`isolation '${isolation}' is not available yet`);
}
