/**
 * Bootstrap confidence intervals (Efron & Tibshirani 1993, *An Introduction to the
 * Bootstrap*, ch. 13–14): the percentile interval and the bias-corrected and accelerated
 * (BCa) interval of Efron 1987 ("Better bootstrap confidence intervals", JASA 82:171),
 * seeded by src/rng.ts so a run is reproducible; also the two-sample difference of means.
 *
 * A statistic is a function of resample *indices* into n units (length n, drawn with
 * replacement), so one routine serves the mean of values, a ratio of cluster sums (resample
 * subjects, not rows, when several rows belong to one subject) and any metric recomputed on
 * the resampled subjects. Given the same indices, the intervals equal scipy.stats.bootstrap's
 * (scipy 1.10, method 'percentile' or 'BCa') to rounding: the same percentile-of-score for
 * ẑ₀, the same jackknife acceleration â, numpy's linear-interpolation percentile (tested).
 *
 * BCa (Efron & Tibshirani ch. 14): with θ̂*_b the B bootstrap values and θ̂ the
 * estimate,
 *   ẑ₀ = Φ⁻¹( (#{θ̂*_b < θ̂} + #{θ̂*_b ≤ θ̂}) / 2B ),
 *   â  = Σᵢ Uᵢ³ / (6 (Σᵢ Uᵢ²)^{3/2}),   Uᵢ = θ̂₍.₎ − θ̂₍ᵢ₎  (jackknife, leave unit i out),
 *   α₁ = Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α))),  α₂ likewise with z_{1−α},
 * and the interval is the α₁ and α₂ percentiles of θ̂*. Where BCa is undefined (θ̂ outside
 * every bootstrap value, so ẑ₀ = ±∞, or a constant jackknife) the percentile interval is
 * returned and `method` says so.
 */
import { inputError } from '../errors.js';
import { createRng } from '../rng.js';
import { normalCdf, normalQuantile } from './normal.js';

export type BootstrapMethod = 'bca' | 'percentile';

/** θ̂ of a resample: `indices` [n] are the units drawn, each in [0, n). */
export type IndexStatistic = (indices: Int32Array) => number;

export interface BootstrapOptions {
  /** B, the number of resamples (default 9999) */
  resamples?: number;
  /** two-sided coverage (default 0.95) */
  confidence?: number;
  /** default 'bca' */
  method?: BootstrapMethod;
  /** seed of the resampling (default 0) */
  seed?: number;
  /** the resample indices themselves, [B × n] row-major (then `resamples` and `seed` are ignored) */
  indices?: Int32Array;
}

export interface BootstrapInterval {
  /** θ̂ on the original sample */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  /** the interval actually computed: 'percentile' where BCa was asked for but is undefined */
  method: BootstrapMethod;
  /** resamples whose statistic was finite (the others are left out and counted in `dropped`) */
  resamples: number;
  dropped: number;
  /** standard deviation (ddof 1) of the bootstrap values */
  standardError: number;
  /** BCa's ẑ₀ and â (absent for the percentile interval) */
  biasCorrection?: number;
  acceleration?: number;
}

export const DEFAULT_RESAMPLES = 9999;

/** B resamples of n indices drawn uniformly with replacement: [B × n] row-major. */
export function resampleIndices(n: number, resamples: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 1) throw inputError(`a bootstrap needs at least one unit, not ${n}`);
  if (!Number.isInteger(resamples) || resamples < 1)
    throw inputError(`resamples must be a positive integer, not ${resamples}`);
  const rng = createRng(seed);
  const indices = new Int32Array(n * resamples);
  for (let i = 0; i < indices.length; i++) indices[i] = rng.int(n);
  return indices;
}

/**
 * The q-th quantile (q in [0, 1]) of ascending `sorted` values with linear interpolation
 * between order statistics (numpy.percentile's default, position q·(B − 1)).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = position - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's _lerp: exact at both ends of the segment
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function checkOptions(options: Pick<BootstrapOptions, 'confidence' | 'method'>): {
  confidence: number;
  method: BootstrapMethod;
} {
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'bca';
  if (!(confidence > 0 && confidence < 1)) throw inputError(`confidence must be in (0, 1), not ${confidence}`);
  if (method !== 'bca' && method !== 'percentile')
    throw inputError(`bootstrap method must be bca or percentile, not '${method}'`);
  return { confidence, method };
}

/** the indices 0..n−1: the original sample */
export function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** θ̂₍ᵢ₎ for every unit i of n left out: [n] */
export function jackknifeValues(n: number, statistic: IndexStatistic): Float64Array {
  const values = new Float64Array(n);
  const leaveOut = new Int32Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) leaveOut[k++] = j;
    values[i] = statistic(leaveOut);
  }
  return values;
}

/**
 * BCa's acceleration â from jackknife values: one array [n] for one sample, or one array
 * [n_j] per sample j of a multi-sample statistic, jackknifed one sample at a time (scipy's
 * multi-sample form of the one-sample jackknife estimate, Efron & Tibshirani ch. 14):
 *   Uⱼᵢ = (nⱼ − 1)(θ̂ⱼ₍.₎ − θ̂ⱼ₍ᵢ₎),  â = Σⱼ Σᵢ Uⱼᵢ³/nⱼ³ / (6 (Σⱼ Σᵢ Uⱼᵢ²/nⱼ²)^{3/2}).
 * NaN when every jackknife value is equal.
 */
export function accelerationFromJackknife(values: ArrayLike<number> | ArrayLike<number>[]): number {
  const samples = typeof values[0] === 'number' ? [values as ArrayLike<number>] : (values as ArrayLike<number>[]);
  let numerator = 0;
  let denominator = 0;
  for (const sample of samples) {
    const n = sample.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += sample[i] / n;
    for (let i = 0; i < n; i++) {
      const u = (n - 1) * (mean - sample[i]);
      numerator += u ** 3 / n ** 3;
      denominator += u ** 2 / n ** 2;
    }
  }
  return numerator / (6 * denominator ** 1.5);
}

/** BCa's acceleration â of `statistic` over n units, by the jackknife. */
export function jackknifeAcceleration(n: number, statistic: IndexStatistic): number {
  return accelerationFromJackknife(jackknifeValues(n, statistic));
}

/** θ̂*_b of every resample in `indices` [B × n]: [B] (NaN where the statistic is undefined). */
export function bootstrapValues(n: number, statistic: IndexStatistic, indices: Int32Array): Float64Array {
  if (indices.length === 0 || indices.length % n !== 0)
    throw inputError(`resample indices must be B × ${n} values, not ${indices.length}`);
  const values = new Float64Array(indices.length / n);
  for (let b = 0; b < values.length; b++) values[b] = statistic(indices.subarray(b * n, (b + 1) * n));
  return values;
}

function standardDeviation(values: Float64Array): number {
  if (values.length < 2) return NaN;
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/** BCa's adjusted percentile levels [α₁, α₂], or undefined where BCa is undefined. */
function bcaLevels(
  sorted: Float64Array,
  estimate: number,
  acceleration: number,
  alpha: number,
): { levels: [number, number]; z0: number } | undefined {
  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < estimate) below += 1;
    if (v <= estimate) atOrBelow += 1;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * sorted.length));
  if (!Number.isFinite(z0) || !Number.isFinite(acceleration)) return undefined;
  const level = (zAlpha: number): number => {
    const shifted = z0 + zAlpha;
    return normalCdf(z0 + shifted / (1 - acceleration * shifted));
  };
  const zAlpha = normalQuantile(alpha);
  const levels: [number, number] = [level(zAlpha), level(-zAlpha)];
  return levels.every(Number.isFinite) ? { levels, z0 } : undefined;
}

/**
 * The interval from a bootstrap distribution already computed: `estimate` θ̂, `values` [B]
 * the θ̂*_b (non-finite ones are left out and counted), `jackknife` [n] the leave-one-out
 * values, or one such array per sample (needed for BCa only). Lets a caller reuse one distribution, e.g. the difference of
 * two methods' values on the same resamples.
 */
export function intervalFromValues(
  estimate: number,
  values: ArrayLike<number>,
  jackknife: ArrayLike<number> | ArrayLike<number>[] | undefined,
  options: Pick<BootstrapOptions, 'confidence' | 'method'> = {},
): BootstrapInterval {
  const { confidence, method } = checkOptions(options);
  if (!Number.isFinite(estimate)) throw inputError(`the statistic is not finite on the sample (${estimate})`);
  const kept = Float64Array.from(Array.from(values).filter(Number.isFinite));
  if (kept.length === 0) throw inputError(`the statistic is not finite on any of the ${values.length} resamples`);
  const sorted = kept.slice().sort();
  const alpha = (1 - confidence) / 2;
  const common = {
    estimate,
    confidence,
    resamples: kept.length,
    dropped: values.length - kept.length,
    standardError: standardDeviation(kept),
  };
  if (sorted[0] === sorted[sorted.length - 1]) {
    // Every resample gave the same value: the interval is that point (e.g. identical methods).
    return { ...common, low: sorted[0], high: sorted[0], method: 'percentile' };
  }
  if (method === 'bca') {
    if (jackknife === undefined) throw new Error('BCa needs the jackknife values');
    const acceleration = accelerationFromJackknife(jackknife);
    const bca = bcaLevels(sorted, estimate, acceleration, alpha);
    if (bca !== undefined) {
      const [low, high] = bca.levels.map((level) => quantileSorted(sorted, level));
      return { ...common, low, high, method: 'bca', biasCorrection: bca.z0, acceleration };
    }
  }
  return {
    ...common,
    low: quantileSorted(sorted, alpha),
    high: quantileSorted(sorted, 1 - alpha),
    method: 'percentile',
  };
}

/**
 * Bootstrap CI of `statistic` over n units. Resamples whose statistic is not finite (e.g. a
 * metric undefined on that resample) are left out and counted; if none is finite, throws.
 */
export function bootstrapInterval(
  n: number,
  statistic: IndexStatistic,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const { method } = checkOptions(options);
  if (!Number.isInteger(n) || n < 2) throw inputError(`a bootstrap interval needs at least 2 units, not ${n}`);
  const indices = options.indices ?? resampleIndices(n, options.resamples ?? DEFAULT_RESAMPLES, options.seed ?? 0);
  const values = bootstrapValues(n, statistic, indices);
  const estimate = statistic(identity(n));
  return intervalFromValues(estimate, values, method === 'bca' ? jackknifeValues(n, statistic) : undefined, options);
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw inputError(`${what} must be finite numbers, not ${values[i]} at position ${i}`);
  }
}

/** Bootstrap CI of the mean of `values` [n]. */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval {
  checkFinite(values, 'bootstrap values');
  const n = values.length;
  return bootstrapInterval(
    n,
    (indices) => {
      let sum = 0;
      for (let i = 0; i < indices.length; i++) sum += values[indices[i]];
      return sum / indices.length;
    },
    options,
  );
}

/**
 * Cluster bootstrap CI of the mean over rows when rows come in clusters (e.g. several visits
 * or pairs per subject): whole clusters are resampled (Efron & Tibshirani ch. 8 on
 * resampling the independent units), and each resample's statistic is the mean of all its
 * rows, Σ cluster sums / Σ cluster sizes. `values` [rows], `clusters` [rows] (cluster id of
 * each row; clusters are numbered in order of first appearance). The jackknife of BCa
 * leaves out one cluster at a time.
 */
export function clusterBootstrapMean(
  values: ArrayLike<number>,
  clusters: ArrayLike<string>,
  options: BootstrapOptions = {},
): BootstrapInterval & { clusters: number } {
  checkFinite(values, 'bootstrap values');
  if (values.length !== clusters.length)
    throw inputError(`values and clusters must have the same length, not ${values.length} and ${clusters.length}`);
  const order = new Map<string, number>();
  const sums: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let c = order.get(clusters[i]);
    if (c === undefined) {
      c = order.size;
      order.set(clusters[i], c);
      sums.push(0);
      sizes.push(0);
    }
    sums[c] += values[i];
    sizes[c] += 1;
  }
  const interval = bootstrapInterval(
    order.size,
    (indices) => {
      let sum = 0;
      let size = 0;
      for (let i = 0; i < indices.length; i++) {
        sum += sums[indices[i]];
        size += sizes[indices[i]];
      }
      return sum / size;
    },
    options,
  );
  return { ...interval, clusters: order.size };
}

export interface TwoSampleOptions extends Omit<BootstrapOptions, 'indices'> {
  /** the resample indices of each sample, [B × n_a] and [B × n_b] row-major */
  indices?: [Int32Array, Int32Array];
}

function meanOf(values: ArrayLike<number>, indices: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < indices.length; i++) sum += values[indices[i]];
  return sum / indices.length;
}

/**
 * Bootstrap CI of mean(a) − mean(b) for two independent samples (e.g. the progression rates
 * of AD and CN subjects), each resampled within itself (Efron & Tibshirani ch. 8); BCa's
 * jackknife leaves out one unit of one sample at a time. Equal to scipy.stats.bootstrap((a,
 * b), mean difference) on the same indices. Without `indices`, sample a is drawn from `seed`
 * and sample b from `seed` + 1.
 */
export function bootstrapMeanDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: TwoSampleOptions = {},
): BootstrapInterval {
  const { method } = checkOptions(options);
  checkFinite(a, 'bootstrap values');
  checkFinite(b, 'bootstrap values');
  if (a.length < 2 || b.length < 2)
    throw inputError(`a two-sample bootstrap needs at least 2 units per sample, not ${a.length} and ${b.length}`);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const [indicesA, indicesB] = options.indices ?? [
    resampleIndices(a.length, resamples, options.seed ?? 0),
    resampleIndices(b.length, resamples, (options.seed ?? 0) + 1),
  ];
  if (indicesA.length / a.length !== indicesB.length / b.length)
    throw inputError('the two samples need the same number of resamples');
  const meanA = bootstrapValues(a.length, (idx) => meanOf(a, idx), indicesA);
  const meanB = bootstrapValues(b.length, (idx) => meanOf(b, idx), indicesB);
  const estimate = meanOf(a, identity(a.length)) - meanOf(b, identity(b.length));
  const jackknife =
    method === 'bca'
      ? [
          jackknifeValues(a.length, (idx) => meanOf(a, idx) - meanOf(b, identity(b.length))),
          jackknifeValues(b.length, (idx) => meanOf(a, identity(a.length)) - meanOf(b, idx)),
        ]
      : undefined;
  return intervalFromValues(
    estimate,
    meanA.map((v, i) => v - meanB[i]),
    jackknife,
    options,
  );
}
