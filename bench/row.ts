// One line of the bench table. Teammates' bench modules (engines, fuel) return the same shape.
export interface Row {
  name: string;
  /** Warden's median, in `unit`. */
  warden: number;
  /** node:wasi's median for the same work, when there is a comparison. */
  node?: number;
  unit: string;
  /** e.g. "<= 1.00": the highest acceptable warden/node ratio. */
  target?: string;
  /** 10th and 90th percentiles, when measured here. */
  wardenP10?: number;
  wardenP90?: number;
  nodeP10?: number;
  nodeP90?: number;
  /** Median of per-pair ratios (each Warden iteration over the node:wasi one next to it). */
  pairedRatio?: number;
  /** Median of per-pair ratios of process CPU time (steadier than wall time under load). */
  cpuRatio?: number;
  /** Shown in the result column when there is no verdict (e.g. a case that produced nothing). */
  note?: string;
}
