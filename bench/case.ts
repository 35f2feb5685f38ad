// A benchmark case: a name, a target ratio and a prepare step that checks both sides give the
// same answer and returns the two jobs to time.
import type { Job, PairOptions, PairResult } from './measure.js';

export interface Case {
  /** Short id for --only filters. */
  id: string;
  name: string;
  target: string;
  unit: 'ms' | 'µs';
  opts: PairOptions;
  /** Check both sides agree, then return the two jobs to time in this process... */
  prepare?(): Promise<{ warden: Job; node: Job }>;
  /** ...or measure elsewhere (e.g. a child process with different stdio). */
  measure?(): Promise<PairResult>;
}
