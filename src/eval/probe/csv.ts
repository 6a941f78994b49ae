/**
 * `probe --out probe.csv`: one row per fold, then the mean and the sample sd over folds,
 * with every metric of the probe result as a column (empty where undefined).
 */
import Papa from 'papaparse';
import type { ProbeResult } from './probe.js';

function summary(values: (number | null)[]): [number | null, number | null] {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return [null, null];
  const mean = defined.reduce((s, v) => s + v, 0) / defined.length;
  if (defined.length < 2) return [mean, null];
  return [mean, Math.sqrt(defined.reduce((s, v) => s + (v - mean) ** 2, 0) / (defined.length - 1))];
}

/** CSV text (header + k fold rows + `mean` + `sd`). */
export function probeResultCsv(result: ProbeResult): string {
  const perFold = result.per_fold as unknown as Record<string, (number | null)[]>;
  const metrics = Object.keys(perFold);
  const rows: (string | number | null)[][] = [];
  for (let f = 0; f < result.folds; f++)
    rows.push([result.target, result.features, String(f + 1), ...metrics.map((m) => perFold[m][f])]);
  const stats = metrics.map((m) => summary(perFold[m]));
  rows.push([result.target, result.features, 'mean', ...stats.map((s) => s[0])]);
  rows.push([result.target, result.features, 'sd', ...stats.map((s) => s[1])]);
  return `${Papa.unparse({ fields: ['target', 'features', 'fold', ...metrics], data: rows.map((r) => r.map((v) => (v === null ? '' : v))) })}\n`;
}
