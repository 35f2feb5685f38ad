// A benchmark case: a name, a target ratio and a prepare step that checks both sides give the
// same answer and returns the two jobs to time.
import type { Job, PairOptions } from './measure.js';

export interface Case {
  /** Short id for --only filters. */
  id: string;
  name: string;
  target: string;
  unit: 'ms' | 'µs';
  opts: PairOptions;
  /** Extra node flags for this case's process (both sides run in it). */
  nodeFlags?: string[];
  prepare(): Promise<{ warden: Job; node: Job }>;
}
