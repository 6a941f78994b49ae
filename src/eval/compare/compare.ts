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
import {
  bootstrapMean,
  bootstrapValues,
  DEFAULT_RESAMPLES,
  identity,
  intervalFromValues,
  jackknifeValues,
  resampleIndices,
  type BootstrapInterval,
  type BootstrapMethod,
} from '../../math/bootstrap.js';
import { pairedComparison, pairedPermutationTest, type PermutationOptions } from '../../math/paired-test.js';
import { runsByMethod, type PredictionRun, type RunsByMethod } from './predictions.js';
import { absoluteErrorScores, balancedAccuracyScores, meanOverSeeds } from './subject-scores.js';
import { pooledRows, splitDifference, weightedMetric, weightsFromPicks } from './weighted-pooled.js';

export type CompareMetric = 'balanced_accuracy' | 'auc' | 'mae' | 'r';
export const CLASS_METRICS: readonly CompareMetric[] = ['balanced_accuracy', 'auc'];
export const NUMERIC_METRICS: readonly CompareMetric[] = ['mae', 'r'];
export const HIGHER_IS_BETTER: Readonly<Record<CompareMetric, boolean>> = {
  balanced_accuracy: true,
  auc: true,
  mae: false,
  r: true,
};
/** how the estimate is formed: mean over seeds × folds, or the pooled out-of-fold metric averaged over seeds */
export const ESTIMATOR: Readonly<Record<CompareMetric, 'fold-mean' | 'pooled'>> = {
  balanced_accuracy: 'fold-mean',
  mae: 'fold-mean',
  auc: 'pooled',
  r: 'pooled',
};

export interface CompareOptions {
  /** methods every other method is compared with (default: those of `lssl`, `none` present, else the first method) */
  references?: string[];
  /** default 0.95 */
  confidence?: number;
  /** resamples B (default 9999), interval method (default BCa), seed, or the resample indices [B × subjects] themselves */
  bootstrap?: { resamples?: number; method?: BootstrapMethod; seed?: number; indices?: Int32Array };
  permutation?: PermutationOptions;
}

/**
 * A metric undefined on a method's predictions (r of constant predictions, in any seed) is
 * NaN in `estimate`, `low`, `high` and in every difference involving the method, with
 * `interval` null: reported as undefined rather than failing the whole comparison.
 */
export interface MethodMetric {
  method: string;
  metric: CompareMetric;
  estimate: number;
  low: number;
  high: number;
  /** the interval computed ('percentile' where BCa was undefined); null where the metric is undefined */
  interval: BootstrapMethod | null;
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
    if (unknown.length > 0)
      throw inputError(`reference method ${unknown.join(', ')} has no runs (methods: ${methods.join(', ')})`);
    return requested;
  }
  const present = ['lssl', 'none'].filter((r) => methods.includes(r));
  return present.length > 0 ? present : [methods[0]];
}

type Estimate = Pick<MethodMetric, 'estimate' | 'low' | 'high' | 'interval'>;
type Difference = Pick<MethodDifference, 'difference' | 'low' | 'high' | 'p' | 'exactP'>;

/** One metric's two views of a method: an interval of its value, and paired differences from another method. */
interface MetricModel {
  interval(method: string): Estimate;
  difference(method: string, reference: string): Difference;
}

const UNDEFINED_ESTIMATE: Estimate = { estimate: NaN, low: NaN, high: NaN, interval: null };
const UNDEFINED_DIFFERENCE: Difference = { difference: NaN, low: NaN, high: NaN, p: NaN, exactP: false };

function estimateOf(ci: BootstrapInterval): Estimate {
  return { estimate: ci.estimate, low: ci.low, high: ci.high, interval: ci.method };
}

type SharedBootstrap = { indices: Int32Array; method?: BootstrapMethod; confidence: number };

function linearModel(grouped: RunsByMethod, options: CompareOptions, bootstrap: SharedBootstrap): MetricModel {
  const scores = new Map<string, Float64Array>();
  for (const [method, runs] of grouped.runs) {
    // the metric follows the kind: balanced accuracy for class runs, MAE for numeric ones
    scores.set(
      method,
      meanOverSeeds(
        runs.map((run) =>
          run.kind === 'class'
            ? balancedAccuracyScores(run, grouped.subjects)
            : absoluteErrorScores(run, grouped.subjects),
        ),
      ),
    );
  }
  return {
    interval: (method) => estimateOf(bootstrapMean(scores.get(method)!, bootstrap)),
    difference: (method, reference) => {
      const paired = pairedComparison(scores.get(method)!, scores.get(reference)!, {
        bootstrap,
        permutation: options.permutation,
      });
      const { estimate, low, high } = paired.interval;
      return { difference: estimate, low, high, p: paired.test.p, exactP: paired.test.exact };
    },
  };
}

/** θ̂, θ̂*_b [B] and the jackknife values [n] of one method's pooled metric. */
interface Distribution {
  estimate: number;
  values: Float64Array;
  jackknife: Float64Array | undefined;
}

function pooledModel(
  grouped: RunsByMethod,
  metric: 'auc' | 'r',
  options: CompareOptions,
  bootstrap: SharedBootstrap,
): MetricModel {
  const n = grouped.subjects.length;
  const runsOf = (method: string) => grouped.runs.get(method)!;
  const distributions = new Map<string, Distribution>();
  const distribution = (method: string): Distribution => {
    if (!distributions.has(method)) {
      const tables = runsOf(method).map((run) => pooledRows([run], grouped.subjects));
      const weights = tables.map((rows) => new Float64Array(rows.subject.length));
      const statistic = (picks: ArrayLike<number>) =>
        tables.reduce(
          (sum, rows, s) => sum + weightedMetric(rows, weightsFromPicks(rows, picks, n, weights[s]), metric),
          0,
        ) / tables.length;
      distributions.set(method, {
        estimate: statistic(identity(n)),
        values: bootstrapValues(n, statistic, bootstrap.indices),
        jackknife: bootstrap.method === 'percentile' ? undefined : jackknifeValues(n, statistic),
      });
    }
    return distributions.get(method)!;
  };
  return {
    interval: (method) => {
      const d = distribution(method);
      return Number.isFinite(d.estimate)
        ? estimateOf(intervalFromValues(d.estimate, d.values, d.jackknife, bootstrap))
        : UNDEFINED_ESTIMATE;
    },
    difference: (method, reference) => {
      // the same resamples for both methods, so the difference's distribution is the difference of theirs
      const [a, b] = [distribution(method), distribution(reference)];
      if (!Number.isFinite(a.estimate) || !Number.isFinite(b.estimate)) return UNDEFINED_DIFFERENCE;
      const minus = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]);
      const interval = intervalFromValues(
        a.estimate - b.estimate,
        minus(a.values, b.values),
        a.jackknife && b.jackknife && minus(a.jackknife, b.jackknife),
        bootstrap,
      );
      // seed by seed, both methods' rows stacked (method: source 0); a swap deals a subject's rows to the other side
      const mixed = grouped.seeds.map((_, s) =>
        pooledRows([runsOf(method)[s], runsOf(reference)[s]], grouped.subjects),
      );
      const sides = mixed.map((rows) => new Uint8Array(rows.subject.length));
      const swappedDifference = (swapped: Uint8Array): number => {
        let sum = 0;
        mixed.forEach((rows, s) => {
          // side 1 = the method's side: its own rows of subjects not swapped, the reference's of those swapped
          for (let i = 0; i < rows.subject.length; i++)
            sides[s][i] = (rows.source[i] === 0) !== (swapped[rows.subject[i]] === 1) ? 1 : 0;
          sum += splitDifference(rows, sides[s], metric);
        });
        return sum / mixed.length;
      };
      const test = pairedPermutationTest(n, swappedDifference, options.permutation);
      return { difference: interval.estimate, low: interval.low, high: interval.high, p: test.p, exactP: test.exact };
    },
  };
}

/** Compares methods over seeds × subject folds (see the module comment). */
export function compareMethods(runs: readonly PredictionRun[], options: CompareOptions = {}): Comparison {
  const grouped = runsByMethod(runs);
  if (grouped.subjects.length < 2)
    throw inputError(`a comparison needs at least 2 subjects, not ${grouped.subjects.length}`);
  const confidence = options.confidence ?? 0.95;
  const references = chooseReferences(grouped.methods, options.references);
  const metricNames = grouped.kind === 'class' ? CLASS_METRICS : NUMERIC_METRICS;
  const common = { nSubjects: grouped.subjects.length, nSeeds: grouped.seeds.length };
  const bootstrap: SharedBootstrap = {
    // one set of resamples for every method and metric: differences then pair resample by resample
    indices:
      options.bootstrap?.indices ??
      resampleIndices(
        grouped.subjects.length,
        options.bootstrap?.resamples ?? DEFAULT_RESAMPLES,
        options.bootstrap?.seed ?? 0,
      ),
    method: options.bootstrap?.method,
    confidence,
  };
  const metrics: MethodMetric[] = [];
  const differences: MethodDifference[] = [];
  for (const metric of metricNames) {
    const model =
      metric === 'balanced_accuracy' || metric === 'mae'
        ? linearModel(grouped, options, bootstrap)
        : pooledModel(grouped, metric, options, bootstrap);
    for (const method of grouped.methods) metrics.push({ method, metric, ...model.interval(method), ...common });
    for (const reference of references) {
      for (const method of grouped.methods) {
        if (method !== reference)
          differences.push({ method, reference, metric, ...model.difference(method, reference), ...common });
      }
    }
  }
  return {
    kind: grouped.kind,
    methods: grouped.methods,
    references,
    seeds: grouped.seeds,
    confidence,
    metrics,
    differences,
    ...common,
  };
}
