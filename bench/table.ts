// The bench table in markdown: medians, p10-p90 spread, warden/node ratio and target.
import type { Row } from './row.js';

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`;
}

function spread(lo: number | undefined, hi: number | undefined): string {
  if (lo === undefined || hi === undefined) return '';
  const d = (v: number): string => v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return ` (${d(lo)}–${d(hi)})`;
}

/** Parse "<= 0.90" into 0.90; undefined if there is no numeric target. */
export function targetLimit(target: string | undefined): number | undefined {
  const m = target === undefined ? null : /([0-9]*\.?[0-9]+)/.exec(target);
  return m ? Number(m[1]) : undefined;
}

export function ratioOf(r: Row): number | undefined {
  return r.node === undefined || r.node === 0 ? undefined : r.warden / r.node;
}

/**
 * Pass/fail uses the paired ratio when there is one: the ratio of two medians misleads when a
 * side's samples are bimodal (the host disk here switches between fast and slow phases, and one
 * side's median can land in the other phase).
 */
export function verdict(r: Row): string {
  const ratio = r.pairedRatio ?? ratioOf(r);
  const limit = targetLimit(r.target);
  if (ratio === undefined || limit === undefined) return '';
  // Judged at the precision shown (targets have two decimals): 1.004 reads as 1.00 and passes.
  return Math.round(ratio * 100) / 100 <= limit ? 'pass' : 'FAIL';
}

export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| benchmark | warden median (p10–p90) | node:wasi median (p10–p90) | ratio | paired ratio | cpu ratio | target | result |',
    '|---|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const r of rows) {
    const ratio = ratioOf(r);
    lines.push(`| ${r.name} | ${fmt(r.warden, r.unit)}${spread(r.wardenP10, r.wardenP90)} | ` +
      `${fmt(r.node, r.unit)}${spread(r.nodeP10, r.nodeP90)} | ${ratio === undefined ? '–' : ratio.toFixed(2)} | ` +
      `${r.pairedRatio === undefined ? '–' : r.pairedRatio.toFixed(2)} | ` +
      `${r.cpuRatio === undefined ? '–' : r.cpuRatio.toFixed(2)} | ` +
      `${r.target ?? ''} | ${verdict(r) || (r.note ?? '')} |`);
  }
  return lines.join('\n');
}
