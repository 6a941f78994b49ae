/**
 * Preprocessing of one scan, in the order TorchIO and MONAI pipelines use:
 * RAS+ reorientation → resampling (trilinear) → crop/pad to the shape → intensity
 * normalisation. Each step is a pure function in its own file, re-exported here;
 * `preprocess` chains them after checking its options once (TorchIO's style: parse at
 * construction into a canonical object, then only compute).
 */
import { inputError } from '../errors.js';
import { resampleCanonical } from './resample.js';
import { cropOrPad, cropOrPadArray, boundingBox, cropOrPadStart } from './crop.js';
import { foregroundMask, type MaskMethod } from './mask.js';
import { normalize, checkPercentiles, type NormalizeMethod } from './normalize.js';
import type { Volume } from './volume.js';

export {
  ioOrientation,
  orientationCode,
  orientationToAxcodes,
  axcodesToOrientation,
  orientationTransform,
  applyOrientation,
  invOrntAff,
  toCanonical,
  canonicalGeometry,
  RAS_ORIENTATION,
} from './orientation.js';
export type { Orientation, VoxelArray, CanonicalGeometry } from './orientation.js';
export { resampleToShape, resampleToSpacing, resampleCanonical } from './resample.js';
export type { Interpolation, ResampleOptions } from './resample.js';
export { cropOrPad, cropOrPadArray, boundingBox, cropOrPadStart } from './crop.js';
export type { CropOrPadOptions } from './crop.js';
export { foregroundMask, otsuThreshold } from './mask.js';
export type { MaskMethod, ForegroundMaskOptions } from './mask.js';
export { normalize, meanAndStd, percentileOfSorted } from './normalize.js';
export type { NormalizeMethod, NormalizeOptions } from './normalize.js';

type Triple = [number, number, number];

/** What a caller may pass to `preprocess` (all optional). */
export interface PreprocessOptions {
  /** Output voxels per axis: one number for a cube (default 64, as the LSSL paper) or [x, y, z]. */
  shape?: number | readonly number[];
  /**
   * Target voxel size in mm (one number or [x, y, z]). Without it the whole field of view
   * is resampled to `shape`; with it, the scan is resampled to this spacing and then
   * cropped/padded to `shape` around the `mask` foreground (the volume's centre with mask 'none').
   */
  spacing?: number | readonly number[] | null;
  /** 'zscore' (default), 'percentile' (0.5–99.5 rescale to [0, 1]) or 'none'. */
  normalize?: NormalizeMethod | 'none';
  /**
   * Region of the normalisation statistics (and the centre of a `spacing` crop): 'none' (the
   * whole volume, default), or the 'otsu' / 'mean'-threshold foreground. The whole volume is
   * the default because LSSL matched the paper reference with it on both phantoms, where the
   * foreground statistics fell behind on the procedural one (docs/lssl.md, "Normalisation").
   */
  mask?: MaskMethod | 'none';
  /** Percentiles for normalize 'percentile'; default [0.5, 99.5]. */
  percentiles?: readonly number[];
}

/** The checked, complete settings `preprocess` runs with; equal settings give equal outputs (the cache keys on this). */
export interface PreprocessSettings {
  readonly shape: Triple;
  readonly spacing: Triple | null;
  readonly normalize: NormalizeMethod | 'none';
  readonly mask: MaskMethod | 'none';
  readonly percentiles: readonly [number, number];
}

function toTriple(
  value: number | readonly number[],
  name: string,
  isValid: (x: number) => boolean,
  rule: string,
): Triple {
  const list = typeof value === 'number' ? [value, value, value] : Array.isArray(value) ? [...value] : null;
  if (list === null || list.length !== 3 || !list.every((x) => typeof x === 'number' && isValid(x))) {
    const shown = Array.isArray(value) ? `[${value.join(', ')}]` : JSON.stringify(value);
    throw inputError(`${name} must be ${rule}, not ${shown}`);
  }
  return list as Triple;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw inputError(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * Checks `options` once and returns the complete settings `preprocess` uses, with
 * defaults filled in and a fixed key order (so `JSON.stringify` of it is a stable cache key).
 * Errors echo the bad value: "shape must be positive integers, not [64, 0, 64]".
 */
export function canonicalPreprocessOptions(options: PreprocessOptions = {}): PreprocessSettings {
  const shape = toTriple(options.shape ?? 64, 'shape', (n) => Number.isInteger(n) && n > 0, 'positive integers');
  const spacing =
    options.spacing === undefined || options.spacing === null
      ? null
      : toTriple(options.spacing, 'spacing', (s) => Number.isFinite(s) && s > 0, 'positive numbers of mm');
  const normalizeMethod = oneOf(options.normalize ?? 'zscore', 'normalize', ['zscore', 'percentile', 'none'] as const);
  const mask = oneOf(options.mask ?? 'none', 'mask', ['otsu', 'mean', 'none'] as const);
  const percentiles = checkPercentiles(options.percentiles ?? [0.5, 99.5]);
  return Object.freeze({ shape, spacing, normalize: normalizeMethod, mask, percentiles });
}

/**
 * One scan → the network's input: RAS+ (exact reordering), trilinear resampling (whole
 * field of view to `shape`, or to `spacing` then crop/pad to `shape` centred on the
 * foreground), then normalisation with statistics over the whole volume or inside a foreground mask.
 * volume: any shape and orientation → Volume of `settings.shape`, float32, RAS+ affine.
 */
export function preprocess(volume: Volume, options: PreprocessOptions | PreprocessSettings = {}): Volume {
  const settings = canonicalPreprocessOptions(options);
  // RAS+ and resampling in one pass over the original voxels (same result as
  // resampleToShape(toCanonical(volume)), without copying the full-resolution scan).
  let v = resampleCanonical(
    volume,
    settings.spacing === null ? { shape: settings.shape } : { spacing: settings.spacing },
  );
  let mask = settings.mask === 'none' ? undefined : foregroundMask(v, { method: settings.mask });
  if (!settings.shape.every((n, a) => n === v.shape[a])) {
    const start = cropOrPadStart(v.shape, settings.shape, mask === undefined ? null : boundingBox(mask, v.shape));
    const cropped = cropOrPad(v, settings.shape, { mask });
    if (mask !== undefined) mask = cropOrPadArray(mask, v.shape, settings.shape, start, 0);
    v = cropped;
  }
  if (settings.normalize !== 'none')
    v = normalize(v, { method: settings.normalize, mask, percentiles: settings.percentiles });
  return v;
}
