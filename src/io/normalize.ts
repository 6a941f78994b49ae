/**
 * Intensity normalisation: z-score with statistics taken inside a foreground mask
 * (TorchIO's `ZNormalization`, MONAI's `NormalizeIntensity(nonzero=...)`), or a
 * percentile rescale to [0, 1] with clipping (TorchIO's `RescaleIntensity(percentiles=...)`).
 * Statistics come from the mask; the transform applies to every voxel.
 */
import { inputError } from '../errors.js';
import type { Volume } from './volume.js';

export type NormalizeMethod = 'zscore' | 'percentile';

export interface NormalizeOptions {
  method?: NormalizeMethod;
  /** Voxels [nx·ny·nz] whose statistics count (1 = in); all voxels when absent or empty. */
  mask?: Uint8Array;
  /** Low and high percentiles (0–100) for 'percentile'; default [0.5, 99.5]. */
  percentiles?: readonly [number, number];
}

/** Values of `data` where `mask` is set (all values without a mask, or when the mask is empty). */
function maskedValues(data: Float32Array, mask: Uint8Array | undefined): Float32Array {
  if (mask === undefined) return data;
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  if (n === 0) return data;
  const out = new Float32Array(n);
  let o = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[o++] = data[i];
  return out;
}

/** Mean and population standard deviation (ddof 0, as MONAI and numpy's default), two-pass in float64. */
export function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / values.length) };
}

/** Percentile `p` (0–100) with linear interpolation between order statistics, as numpy's default. `sorted` ascending. */
export function percentileOfSorted(sorted: Float32Array, p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
}

function affineMap(volume: Volume, offset: number, scale: number, clip: boolean): Volume {
  const src = volume.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    let v = (src[i] - offset) * scale;
    if (clip) v = v < 0 ? 0 : v > 1 ? 1 : v;
    out[i] = v;
  }
  return {
    data: out,
    shape: [...volume.shape],
    spacing: [...volume.spacing],
    affine: volume.affine.map((r) => [...r]),
  };
}

/**
 * Normalised copy of `volume`.
 * - 'zscore' (default): (x − mean) / std over the mask; a constant mask region is only
 *   centred (std taken as 1, as MONAI does), never divided by zero.
 * - 'percentile': (x − p_lo) / (p_hi − p_lo) clipped to [0, 1], percentiles over the mask;
 *   all zeros if p_hi = p_lo.
 */
export function normalize(volume: Volume, options: NormalizeOptions = {}): Volume {
  const method = options.method ?? 'zscore';
  if (options.mask !== undefined && options.mask.length !== volume.data.length) {
    throw inputError(`mask must have one value per voxel (${volume.data.length}), not ${options.mask.length}`);
  }
  if (volume.data.length === 0) throw inputError('cannot normalise an empty volume');
  const values = maskedValues(volume.data, options.mask);
  if (method === 'zscore') {
    const { mean, std } = meanAndStd(values);
    return affineMap(volume, mean, std > 0 ? 1 / std : 1, false);
  }
  if (method === 'percentile') {
    const [pLo, pHi] = checkPercentiles(options.percentiles ?? [0.5, 99.5]);
    const sorted = Float32Array.from(values).sort();
    const lo = percentileOfSorted(sorted, pLo);
    const hi = percentileOfSorted(sorted, pHi);
    return affineMap(volume, lo, hi > lo ? 1 / (hi - lo) : 0, true);
  }
  throw inputError(`normalize must be 'zscore' or 'percentile', not '${String(method)}'`);
}

/** Checks a [low, high] percentile pair: 0 ≤ low < high ≤ 100. */
export function checkPercentiles(percentiles: readonly number[]): [number, number] {
  const [lo, hi] = percentiles;
  if (percentiles.length !== 2 || !(lo >= 0 && hi <= 100 && lo < hi)) {
    throw inputError(`percentiles must be [low, high] with 0 <= low < high <= 100, not [${percentiles.join(', ')}]`);
  }
  return [lo, hi];
}
