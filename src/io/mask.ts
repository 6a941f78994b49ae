/**
 * Foreground masks: which voxels are head rather than background air. Used to centre
 * crops on the head and to compute z-score statistics inside it (TorchIO's
 * `ZNormalization(masking_method=...)`, MONAI's `CropForeground`).
 */
import { inputError } from '../errors.js';
import type { Volume } from './volume.js';

export type MaskMethod = 'otsu' | 'mean';

export interface ForegroundMaskOptions {
  /** 'otsu' (default): Otsu's threshold on a 256-bin histogram; 'mean': above the mean (TorchIO's `mean`). */
  method?: MaskMethod;
}

/** Histogram bins for Otsu's threshold (as scikit-image's `threshold_otsu`). */
const OTSU_BINS = 256;

function finiteRange(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Otsu's threshold (Otsu 1979, IEEE SMC 9:62): the value that maximises the between-class
 * variance of a 256-bin histogram over [min, max]. Voxels strictly above it are foreground.
 * Returns the upper edge of the last background bin (scikit-image returns that bin's
 * centre; the edge keeps every voxel of the bin on the background side). A constant
 * volume returns its value, so nothing is foreground.
 */
export function otsuThreshold(data: Float32Array): number {
  const [lo, hi] = finiteRange(data);
  if (!(hi > lo)) return lo;
  const counts = new Float64Array(OTSU_BINS);
  const scale = OTSU_BINS / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) continue;
    counts[Math.min(OTSU_BINS - 1, Math.floor((v - lo) * scale))]++;
  }
  const centre = (b: number) => lo + (b + 0.5) / scale;
  let total = 0;
  let totalSum = 0;
  for (let b = 0; b < OTSU_BINS; b++) {
    total += counts[b];
    totalSum += counts[b] * centre(b);
  }
  let below = 0;
  let belowSum = 0;
  let best = -1;
  let bestBin = 0;
  for (let b = 0; b < OTSU_BINS - 1; b++) {
    below += counts[b];
    belowSum += counts[b] * centre(b);
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const meanBelow = belowSum / below;
    const meanAbove = (totalSum - belowSum) / above;
    const between = below * above * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  // Everything in bins 0..bestBin is background: the threshold is that bin's upper edge.
  return lo + (bestBin + 1) / scale;
}

/** Mean of all voxels (NaN ignored). */
function meanValue(data: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Foreground mask of a volume: 1 where the voxel is above the threshold, else 0.
 * volume.data: [nx·ny·nz] → mask: Uint8Array [nx·ny·nz], same voxel order.
 */
export function foregroundMask(volume: Volume, options: ForegroundMaskOptions = {}): Uint8Array {
  const method = options.method ?? 'otsu';
  let threshold: number;
  if (method === 'otsu') threshold = otsuThreshold(volume.data);
  else if (method === 'mean') threshold = meanValue(volume.data);
  else throw inputError(`mask method must be 'otsu' or 'mean', not '${String(method)}'`);
  const mask = new Uint8Array(volume.data.length);
  const data = volume.data;
  for (let i = 0; i < data.length; i++) mask[i] = data[i] > threshold ? 1 : 0;
  return mask;
}
