/**
 * summary.csv's comparison block: one row per method, metric and reference, with the
 * method's estimate and CI and its paired difference from the reference (method −
 * reference) with CI and p-value. A method that no reference is compared with (a lone
 * reference) gets one row with the reference and difference columns empty.
 */
import type { Comparison, MethodDifference } from './compare.js';

export const COMPARE_COLUMNS = [
  'method',
  'reference',
  'metric',
  'mean',
  'ci_low',
  'ci_high',
  'diff',
  'diff_ci_low',
  'diff_ci_high',
  'p_value',
  'n_subjects',
  'n_seeds',
] as const;

function csvField(value: string | number | undefined): string {
  // undefined metrics (NaN) and absent differences are empty cells
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The comparison as CSV text (header + rows, '\n' line ends, numbers at full precision). */
export function compareCsv(comparison: Comparison): string {
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const m of comparison.metrics) {
    const differences = comparison.differences.filter((d) => d.method === m.method && d.metric === m.metric);
    const rows: (MethodDifference | undefined)[] = differences.length > 0 ? differences : [undefined];
    for (const d of rows) {
      const fields = [
        m.method,
        d?.reference,
        m.metric,
        m.estimate,
        m.low,
        m.high,
        d?.difference,
        d?.low,
        d?.high,
        d?.p,
        m.nSubjects,
        m.nSeeds,
      ];
      lines.push(fields.map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
