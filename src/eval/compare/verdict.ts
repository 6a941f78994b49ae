/**
 * The verdict table that opens the report: one line per method against a reference and
 * metric, e.g. "lssl vs ae: +0.12 balanced accuracy [0.05, 0.19], p = 0.003".
 * A line reads "X vs Y: X − Y": against the focus method (default `lssl`) the focus is
 * named first (so a positive number means LSSL is ahead), against any other reference the
 * method is named first ("ae vs none": what pretraining ae adds over random weights).
 */
import type { CompareMetric, Comparison, MethodDifference } from './compare.js';
import { HIGHER_IS_BETTER } from './compare.js';

export const METRIC_LABELS: Readonly<Record<CompareMetric, string>> = {
  balanced_accuracy: 'balanced accuracy',
  auc: 'AUC',
  mae: 'MAE',
  r: 'r',
};

export interface VerdictRow {
  /** named first: the difference is first − second */
  first: string;
  second: string;
  metric: CompareMetric;
  difference: number;
  low: number;
  high: number;
  p: number;
  text: string;
}

export interface VerdictOptions {
  /** the method named first against every method (default 'lssl') */
  focus?: string;
  /** decimals of differences (default 2) */
  digits?: number;
  /** only these metrics, in this order (default: all, in the comparison's order) */
  metrics?: CompareMetric[];
}

/** "p = 0.003", two significant digits; "p < 0.001" below that. */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  // a difference that rounds to zero is printed without a sign
  if (Number(text) === 0) return text;
  return `${value > 0 ? '+' : '-'}${text}`;
}

function orient(d: MethodDifference, focus: string): Omit<VerdictRow, 'text'> {
  const flip = d.reference === focus;
  return flip
    ? {
        first: focus,
        second: d.method,
        metric: d.metric,
        difference: -d.difference,
        low: -d.high,
        high: -d.low,
        p: d.p,
      }
    : {
        first: d.method,
        second: d.reference,
        metric: d.metric,
        difference: d.difference,
        low: d.low,
        high: d.high,
        p: d.p,
      };
}

/** One verdict line per pair of methods and metric (focus reference first, then the others). */
export function verdictRows(comparison: Comparison, options: VerdictOptions = {}): VerdictRow[] {
  const focus = options.focus ?? 'lssl';
  const digits = options.digits ?? 2;
  const metrics = options.metrics ?? [...new Set(comparison.differences.map((d) => d.metric))];
  const references = [...comparison.references].sort((a, b) => Number(b === focus) - Number(a === focus));
  const rows: VerdictRow[] = [];
  const seen = new Set<string>();
  for (const reference of references) {
    for (const metric of metrics) {
      for (const d of comparison.differences.filter((x) => x.reference === reference && x.metric === metric)) {
        const row = orient(d, focus);
        // "lssl vs none" comes once, whether reached from reference lssl or reference none
        const key = [row.first, row.second, metric].join('\u0000');
        if (seen.has(key)) continue;
        seen.add(key);
        const lowerBetter = HIGHER_IS_BETTER[metric] ? '' : ' (lower is better)';
        if (Number.isNaN(row.difference)) {
          rows.push({
            ...row,
            text: `${row.first} vs ${row.second}: ${METRIC_LABELS[metric]} undefined on these predictions`,
          });
          continue;
        }
        const text = `${row.first} vs ${row.second}: ${signed(row.difference, digits)} ${METRIC_LABELS[metric]}${lowerBetter} [${row.low.toFixed(digits)}, ${row.high.toFixed(digits)}], ${formatP(row.p)}`;
        rows.push({ ...row, text });
      }
    }
  }
  return rows;
}
