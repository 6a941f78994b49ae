/**
 * The comparison core of `lssl compare`, the demo and the report: for each method, each
 * metric's estimate over seeds × subject folds with a bootstrap CI over subjects (seeds
 * pooled), and for each method against each reference method (`lssl`, `none`) the paired
 * difference with its CI and a paired permutation p-value over subjects.
 *
 * - balanced accuracy and MAE: per-subject scores whose mean is the fold-mean metric
 *   (subject-scores.ts), averaged over seeds; CI = bootstrap of their mean over subjects,
 *   paired difference = the mean of per-subject differences with its paired bootstrap CI and
 *   sign-flip p (math/paired-test.ts).
 * - AUC and r: the pooled out-of-fold metric of each seed, averaged over seeds, recomputed
 *   on each bootstrap resample of subjects; the paired p swaps each subject's predictions
 *   between the two methods (in every seed at once) and recomputes the difference.
 * Efron & Tibshirani 1993 (bootstrap), Efron 1987 (BCa), Phipson & Smyth 2010 (p-values).
 */
import { inputError } from '../../errors.js';
import { bootstrapInterval, bootstrapMean, type BootstrapInterval, type BootstrapMethod } from '../../math/bootstrap.js';
import { pairedComparison, pairedPermutationTest, type PermutationOptions } from '../../math/paired-test.js';
import { runsByMethod, type ClassPredictionRow, type NumericPredictionRow, type PredictionRun, type RunsByMethod } from './predictions.js';
import { absoluteErrorScores, balancedAccuracyScores, meanOverSeeds, pooledMetric, rowsBySubject } from './subject-scores.js';

export type CompareMetric = 'balanced_accuracy' | 'auc' | 'mae' | 'r';
export const CLASS_METRICS: readonly CompareMetric[] = ['balanced_accuracy', 'auc'];
export const NUMERIC_METRICS: readonly CompareMetric[] = ['mae', 'r'];
export const HIGHER_IS_BETTER: Readonly<Record<CompareMetric, boolean>> = { balanced_accuracy: true, auc: true, mae: false, r: true };
/** how the estimate is formed: mean over seeds × folds, or the pooled out-of-fold metric averaged over seeds */
export const ESTIMATOR: Readonly<Record<CompareMetric, 'fold-mean' | 'pooled'>> = { balanced_accuracy: 'fold-mean', mae: 'fold-mean', auc: 'pooled', r: 'pooled' };

export interface CompareOptions {
  /** methods every other method is compared with (default: those of `lssl`, `none` present, else the first method) */
  references?: string[];
  /** default 0.95 */
  confidence?: number;
  bootstrap?: { resamples?: number; method?: BootstrapMethod; seed?: number };
  permutation?: PermutationOptions;
}

export interface MethodMetric {
  method: string;
  metric: CompareMetric;
  estimate: number;
  low: number;
  high: number;
  /** the interval computed ('percentile' where BCa was undefined) */
  interval: BootstrapMethod;
  nSubjects: number;
  nSeeds: number;
}

export interface MethodDifference {
  method: string;
  reference: string;
  metric: CompareMetric;
  /** method − reference */
  difference: number;
  low: number;
  high: number;
  /** two-sided paired permutation p-value over subjects */
  p: number;
  exactP: boolean;
  nSubjects: number;
  nSeeds: number;
}

export interface Comparison {
  kind: 'class' | 'numeric';
  methods: string[];
  references: string[];
  seeds: number[];
  nSubjects: number;
  confidence: number;
  metrics: MethodMetric[];
  differences: MethodDifference[];
}

function chooseReferences(methods: string[], requested: string[] | undefined): string[] {
  if (requested !== undefined) {
    const unknown = requested.filter((r) => !methods.includes(r));
    if (unknown.length > 0) throw inputError(`reference method ${unknown.join(', ')} has no runs (methods: ${methods.join(', ')})`);
    return requested;
  }
  const present = ['lssl', 'none'].filter((r) => methods.includes(r));
  return present.length > 0 ? present : [methods[0]];
}

/** One metric's two views of a method: an interval of its value, and paired differences from another method. */
interface MetricModel {
  interval(method: string): BootstrapInterval;
  difference(method: string, reference: string): { interval: BootstrapInterval; p: number; exact: boolean };
}

function linearModel(grouped: RunsByMethod, options: CompareOptions, confidence: number): MetricModel {
  const scores = new Map<string, Float64Array>();
  for (const [method, runs] of grouped.runs) {
    // the metric follows the kind: balanced accuracy for class runs, MAE for numeric ones
    scores.set(method, meanOverSeeds(runs.map((run) => (run.kind === 'class' ? balancedAccuracyScores(run, grouped.subjects) : absoluteErrorScores(run, grouped.subjects)))));
  }
  const bootstrap = { ...options.bootstrap, confidence };
  return {
    interval: (method) => bootstrapMean(scores.get(method)!, bootstrap),
    difference: (method, reference) => {
      const paired = pairedComparison(scores.get(method)!, scores.get(reference)!, { bootstrap, permutation: options.permutation });
      return { interval: paired.interval, p: paired.test.p, exact: paired.test.exact };
    },
  };
}

function pooledModel(grouped: RunsByMethod, metric: 'auc' | 'r', options: CompareOptions, confidence: number): MetricModel {
  const groups = new Map<string, number[][][]>();
  for (const [method, runs] of grouped.runs) groups.set(method, runs.map((run) => rowsBySubject(run, grouped.subjects)));
  const n = grouped.subjects.length;
  const meanOverSeeds = (method: string, picks: ArrayLike<number>): number => {
    const runs = grouped.runs.get(method)!;
    return runs.reduce((sum, run, s) => sum + pooledMetric(run, groups.get(method)![s], picks, metric), 0) / runs.length;
  };
  const bootstrap = { ...options.bootstrap, confidence };
  return {
    interval: (method) => bootstrapInterval(n, (picks) => meanOverSeeds(method, picks), bootstrap),
    difference: (method, reference) => {
      const interval = bootstrapInterval(n, (picks) => meanOverSeeds(method, picks) - meanOverSeeds(reference, picks), bootstrap);
      const test = pairedPermutationTest(n, (swapped) => swappedDifference(grouped, groups, method, reference, swapped, metric), options.permutation);
      return { interval, p: test.p, exact: test.exact };
    },
  };
}

/**
 * metric(A') − metric(B') averaged over seeds, where A' and B' exchange the rows of the
 * swapped subjects (seed by seed). `groups` [seeds][subjects][row indices] per method.
 */
function swappedDifference(grouped: RunsByMethod, groups: Map<string, number[][][]>, a: string, b: string, swapped: Uint8Array, metric: 'auc' | 'r'): number {
  const runsA = grouped.runs.get(a)!;
  const runsB = grouped.runs.get(b)!;
  let sum = 0;
  runsA.forEach((runA, s) => {
    const runB = runsB[s];
    const mixed = (first: PredictionRun, firstGroups: number[][], second: PredictionRun, secondGroups: number[][]): PredictionRun => {
      const rows: (ClassPredictionRow | NumericPredictionRow)[] = [];
      swapped.forEach((swap, i) => {
        const [run, rowIndices] = swap ? [second, secondGroups[i]] : [first, firstGroups[i]];
        for (const r of rowIndices) rows.push(run.rows[r]);
      });
      return { ...first, rows } as PredictionRun;
    };
    const [groupsA, groupsB] = [groups.get(a)![s], groups.get(b)![s]];
    sum += pooledAll(mixed(runA, groupsA, runB, groupsB), metric) - pooledAll(mixed(runB, groupsB, runA, groupsA), metric);
  });
  return sum / runsA.length;
}

/** the metric on every row of a run */
function pooledAll(run: PredictionRun, metric: 'auc' | 'r'): number {
  return pooledMetric(run, [run.rows.map((_, i) => i)], [0], metric);
}

/** Compares methods over seeds × subject folds (see the module comment). */
export function compareMethods(runs: readonly PredictionRun[], options: CompareOptions = {}): Comparison {
  const grouped = runsByMethod(runs);
  const confidence = options.confidence ?? 0.95;
  const references = chooseReferences(grouped.methods, options.references);
  const metricNames = grouped.kind === 'class' ? CLASS_METRICS : NUMERIC_METRICS;
  const common = { nSubjects: grouped.subjects.length, nSeeds: grouped.seeds.length };
  const metrics: MethodMetric[] = [];
  const differences: MethodDifference[] = [];
  for (const metric of metricNames) {
    const model =
      metric === 'balanced_accuracy' || metric === 'mae' ? linearModel(grouped, options, confidence) : pooledModel(grouped, metric, options, confidence);
    for (const method of grouped.methods) {
      const ci = model.interval(method);
      metrics.push({ method, metric, estimate: ci.estimate, low: ci.low, high: ci.high, interval: ci.method, ...common });
    }
    for (const reference of references) {
      for (const method of grouped.methods) {
        if (method === reference) continue;
        const d = model.difference(method, reference);
        differences.push({ method, reference, metric, difference: d.interval.estimate, low: d.interval.low, high: d.interval.high, p: d.p, exactP: d.exact, ...common });
      }
    }
  }
  return { kind: grouped.kind, methods: grouped.methods, references, seeds: grouped.seeds, confidence, metrics, differences, ...common };
}
