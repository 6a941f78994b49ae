/**
 * The report's two CSV files, as rows built from probe and brain-age-axis results:
 *
 * - summary.csv: one row per run × target × feature set; every probe metric as
 *   `<metric>_mean` and `<metric>_sd` (sample sd over folds), and for runs with tau_proj the
 *   brain-age axis figures (`axis_*`, the same on every row of that run); then the
 *   comparison of methods on that target and feature set (report-comparison.ts): each
 *   metric's estimate with its 95 % CI (`<m>_ci_low`, `<m>_ci_high`, seeds pooled) and the
 *   paired difference from `lssl` and from `none` with its CI and p-value.
 * - convergence.csv: long format, one row per run × curve × point: training/validation
 *   losses per epoch (history.csv), probe test-fold metrics per optimiser iteration (mean
 *   over folds), fine-tuning metrics per epoch (finetune-*.csv).
 */
import Papa from 'papaparse';
import type { AgeAxisResult } from '../ageaxis.js';
import type { ProbeResult } from '../probe/probe.js';
import type { ReportRun } from './run.js';

/** Metrics of class probes, then of numeric probes (per-fold arrays of ProbeResult). */
export const CLASS_METRICS = ['balanced_accuracy', 'auc', 'sensitivity', 'specificity'] as const;
export const NUMERIC_METRICS = ['mae', 'r', 'r2'] as const;
const PROBE_METRICS = [...CLASS_METRICS, ...NUMERIC_METRICS];

export interface MeanSd {
  mean: number | null;
  sd: number | null;
}

export interface SummaryRow {
  run: string;
  method: string;
  target: string;
  features: string;
  kind: 'class' | 'numeric';
  n_rows: number;
  n_subjects: number;
  folds: number;
  metrics: Record<string, MeanSd>;
  /** brain-age axis figures of the run (absent without tau_proj) */
  axis?: Record<string, number | null>;
  /** the comparison's CI and paired-difference columns of the run's method (report-comparison.ts) */
  comparison?: Record<string, number | null>;
}

export interface ConvergenceRow {
  run: string;
  method: string;
  /** training (history.csv), probe (per iteration), finetune (finetune-*.csv) */
  curve: 'training' | 'probe' | 'finetune';
  /** probe/fine-tune target ('' for training) */
  target: string;
  /** probe feature set ('' otherwise) */
  features: string;
  split: string;
  metric: string;
  unit: 'epoch' | 'iteration';
  step: number;
  value: number;
}

/** Mean and sample sd (n − 1) of the defined values, as probe-csv.ts reports them. */
export function meanSd(values: readonly (number | null)[]): MeanSd {
  const defined = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (defined.length === 0) return { mean: null, sd: null };
  const mean = defined.reduce((s, v) => s + v, 0) / defined.length;
  if (defined.length < 2) return { mean, sd: null };
  return { mean, sd: Math.sqrt(defined.reduce((s, v) => s + (v - mean) ** 2, 0) / (defined.length - 1)) };
}

/** The brain-age axis figures as flat `axis_*` columns (labels and label pairs spelled out). */
export function axisFigures(axis: AgeAxisResult): Record<string, number | null> {
  const figures: Record<string, number | null> = {
    axis_r_tau_age: axis.r_tau_age,
    axis_r_dtau_dage: axis.r_dtau_dage,
    axis_age_mae: axis.age_mae,
    axis_age_mae_sd: meanSd(axis.per_fold_mae).sd,
  };
  for (const l of axis.per_label) {
    figures[`axis_rate_${l.label}_mean`] = l.rate_mean;
    figures[`axis_rate_${l.label}_sd`] = l.rate_sd;
    figures[`axis_gap_${l.label}_mean`] = l.gap_mean;
  }
  for (const t of axis.rate_tests) figures[`axis_rate_p_${t.a}_vs_${t.b}`] = t.p;
  return figures;
}

export function summaryRow(
  run: Pick<ReportRun, 'label' | 'method'>,
  result: ProbeResult,
  axis?: AgeAxisResult,
): SummaryRow {
  const perFold = result.per_fold as unknown as Record<string, (number | null)[]>;
  const names = result.kind === 'class' ? CLASS_METRICS : NUMERIC_METRICS;
  const metrics: Record<string, MeanSd> = {};
  for (const name of names) metrics[name] = meanSd(perFold[name]);
  return {
    run: run.label,
    method: run.method,
    target: result.target,
    features: result.features,
    kind: result.kind,
    n_rows: result.n_rows,
    n_subjects: result.n_subjects,
    folds: result.folds,
    metrics,
    axis: axis ? axisFigures(axis) : undefined,
  };
}

const cell = (v: number | string | null | undefined) =>
  v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : v;

/** summary.csv text; the axis and comparison columns are the unions over rows, in first-seen order. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const axisColumns = [...new Set(rows.flatMap((r) => Object.keys(r.axis ?? {})))];
  const comparisonColumns = [...new Set(rows.flatMap((r) => Object.keys(r.comparison ?? {})))];
  const fields = [
    'run',
    'method',
    'target',
    'features',
    'kind',
    'n_rows',
    'n_subjects',
    'folds',
    ...PROBE_METRICS.flatMap((m) => [`${m}_mean`, `${m}_sd`]),
    ...axisColumns,
    ...comparisonColumns,
  ];
  const data = rows.map((r) => [
    r.run,
    r.method,
    r.target,
    r.features,
    r.kind,
    r.n_rows,
    r.n_subjects,
    r.folds,
    ...PROBE_METRICS.flatMap((m) => [cell(r.metrics[m]?.mean), cell(r.metrics[m]?.sd)]),
    ...axisColumns.map((c) => cell(r.axis?.[c])),
    ...comparisonColumns.map((c) => cell(r.comparison?.[c])),
  ]);
  return `${Papa.unparse({ fields, data })}\n`;
}

/** Training curves of a run: every value of history.csv (loss and parts) per epoch and split. */
export function trainingCurveRows(run: Pick<ReportRun, 'label' | 'method' | 'history'>): ConvergenceRow[] {
  return run.history.flatMap((h) =>
    Object.entries(h.values).map(([metric, value]) => ({
      run: run.label,
      method: run.method,
      curve: 'training' as const,
      target: '',
      features: '',
      split: h.split,
      metric,
      unit: 'epoch' as const,
      step: h.epoch,
      value,
    })),
  );
}

/** A probe's convergence curve: each recorded metric per optimiser iteration (mean over folds). */
export function probeCurveRows(run: Pick<ReportRun, 'label' | 'method'>, result: ProbeResult): ConvergenceRow[] {
  const points = result.curve as unknown as Record<string, number>[];
  return points.flatMap((p) =>
    Object.entries(p)
      .filter(([k]) => k !== 'iteration')
      .map(([metric, value]) => ({
        run: run.label,
        method: run.method,
        curve: 'probe' as const,
        target: result.target,
        features: result.features,
        split: 'test',
        metric,
        unit: 'iteration' as const,
        step: p.iteration,
        value,
      })),
  );
}

export function finetuneCurveRows(run: Pick<ReportRun, 'label' | 'method' | 'finetune'>): ConvergenceRow[] {
  return run.finetune.flatMap((f) =>
    f.points.map((p) => ({
      run: run.label,
      method: run.method,
      curve: 'finetune' as const,
      target: f.name,
      features: '',
      split: p.split,
      metric: p.metric,
      unit: 'epoch' as const,
      step: p.epoch,
      value: p.value,
    })),
  );
}

export const CONVERGENCE_FIELDS = [
  'run',
  'method',
  'curve',
  'target',
  'features',
  'split',
  'metric',
  'unit',
  'step',
  'value',
] as const;

export function convergenceCsv(rows: readonly ConvergenceRow[]): string {
  return `${Papa.unparse({ fields: [...CONVERGENCE_FIELDS], data: rows.map((r) => CONVERGENCE_FIELDS.map((f) => cell(r[f]))) })}\n`;
}
