/**
 * Spatial augmentation of 3D volumes: random flips, a random affine (rotation, scaling,
 * translation about the volume centre) and a random crop resized back to the full shape,
 * composed into one voxel map and interpolated once (trilinear).
 *
 * TorchIO's pattern (transforms/transform.py, augmentation/spatial/random_affine.py):
 * options are parsed once into canonical per-axis ranges (`parseSpatialOptions`); a random
 * draw (`drawSpatial`) turns them into concrete, recorded parameters (`SpatialParams`,
 * plain JSON, replayable); `applySpatial` is deterministic. Spatial parameters are drawn
 * once per subject, so two visits of a pair move together (docs/references.md, "Data
 * conventions"); intensity augmentation is drawn per image (./intensity.ts).
 *
 * The transform moves image content (forward map, in voxel coordinates, c = volume centre):
 *   flip:   x ↦ (n − 1 − x) on each flipped axis
 *   affine: y ↦ c + D⁻¹·R·S·D·(y − c) + t     (D = diag(spacing), so rotation is in mm;
 *           R = Rz·Ry·Rx; S > 1 makes objects larger, like TorchIO's scales; t in voxels)
 *   crop:   a window [origin, origin + size) of the result is resized to the full shape
 *           (half-voxel-centre convention, torch's align_corners=False).
 * A voxel that was at p is found at t + p after a pure translation t.
 */
import type { Rng } from '../../rng.js';
import { inputError } from '../../errors.js';
import {
  checkVolume,
  parseAxisRanges,
  parsePositiveTriple,
  parseProbability,
  uniformIn,
  type AxisRanges,
  type Range,
  type Triple,
} from './ranges.js';
import { resampleTrilinear, type VoxelMap } from './trilinear.js';
import { type DataVolume, volumeOf } from '../../math/data-input.js';
import { axisRotations, multiply3 } from '../../math/rotation.js';

export interface SpatialOptions {
  /** voxel size in mm (default [1, 1, 1]); rotations and mm translations use it */
  spacing?: readonly number[];
  /** random flips; omitted = none */
  flip?: {
    /** axes that may flip (TorchIO default [0], left–right in RAS) */
    axes?: readonly number[];
    /** chance each listed axis flips (default 0.5) */
    probability?: number;
  };
  /** random affine; omitted = none */
  affine?: {
    /** rotation range in degrees: d → [−d, d] (default 10, TorchIO's) */
    degrees?: number | readonly number[];
    /** scaling range: s → [1 − s, 1 + s] (default 0.1, TorchIO's); must stay > 0 */
    scales?: number | readonly number[];
    /** translation range: t → [−t, t] (default 0, TorchIO's) */
    translation?: number | readonly number[];
    /** unit of `translation` (default 'voxel') */
    translationUnit?: 'voxel' | 'mm';
    /** chance the affine is applied at all (default 1) */
    probability?: number;
  };
  /** random crop resized back to the full shape; omitted = none */
  crop?: {
    /** per-axis side of the window as a fraction of the shape (default [0.7, 1]) */
    fraction?: number | readonly number[];
    probability?: number;
  };
  /** value outside the input volume: 'minimum' of the volume (TorchIO's default) or a number */
  padValue?: 'minimum' | number;
}

/** Canonical options: every range explicit, every probability a number. */
export interface SpatialConfig {
  readonly kind: 'SpatialConfig';
  spacing: Triple;
  flipAxes: [boolean, boolean, boolean];
  flipProbability: number;
  affine: { degrees: AxisRanges; scales: AxisRanges; translationVoxels: AxisRanges; probability: number } | null;
  crop: { fraction: AxisRanges; probability: number } | null;
  padValue: 'minimum' | number;
}

/** Concrete parameters of one spatial transform (JSON; replay with applySpatial). */
export interface SpatialParams {
  flip: [boolean, boolean, boolean];
  /** rotation about x, y, z in degrees (R = Rz·Ry·Rx) */
  rotationDegrees: Triple;
  scale: Triple;
  /** translation in voxels */
  translation: Triple;
  /** crop window in voxels of the transformed volume (origin + size ≤ shape) */
  crop: { origin: Triple; size: Triple } | null;
  spacing: Triple;
  padValue: 'minimum' | number;
}

export function parseSpatialOptions(options: SpatialOptions | SpatialConfig = {}): SpatialConfig {
  if (isConfig(options)) return options;
  const spacing = parsePositiveTriple('spacing', options.spacing ?? [1, 1, 1]);
  const flipAxes: [boolean, boolean, boolean] = [false, false, false];
  for (const axis of options.flip ? (options.flip.axes ?? [0]) : []) {
    if (axis !== 0 && axis !== 1 && axis !== 2) throw inputError(`flip axes must be 0, 1 or 2, not ${axis}`);
    flipAxes[axis] = true;
  }
  const flipProbability = parseProbability('flip probability', options.flip?.probability, 0.5);
  let affine: SpatialConfig['affine'] = null;
  if (options.affine) {
    const a = options.affine;
    const degrees = parseAxisRanges('degrees', a.degrees ?? 10);
    const scales = parseAxisRanges('scales', a.scales ?? 0.1, 1);
    if (scales.some(([lo]) => lo <= 0)) throw inputError(`scales must stay above 0, not [${scales.flat().join(', ')}]`);
    const translation = parseAxisRanges('translation', a.translation ?? 0);
    const unit = a.translationUnit ?? 'voxel';
    if (unit !== 'voxel' && unit !== 'mm')
      throw inputError(`translationUnit must be 'voxel' or 'mm', not ${String(unit)}`);
    const translationVoxels = translation.map(
      ([lo, hi], axis) => (unit === 'mm' ? [lo / spacing[axis], hi / spacing[axis]] : [lo, hi]) as Range,
    ) as AxisRanges;
    affine = { degrees, scales, translationVoxels, probability: parseProbability('affine probability', a.probability) };
  }
  let crop: SpatialConfig['crop'] = null;
  if (options.crop) {
    const fraction = parseAxisRanges('crop fraction', options.crop.fraction ?? [0.7, 1], 0, 0);
    if (fraction.some(([lo, hi]) => lo <= 0 || hi > 1)) {
      throw inputError(`crop fraction must lie in (0, 1], not [${fraction.flat().join(', ')}]`);
    }
    crop = { fraction, probability: parseProbability('crop probability', options.crop.probability) };
  }
  const padValue = options.padValue ?? 'minimum';
  if (padValue !== 'minimum' && !Number.isFinite(padValue)) {
    throw inputError(`padValue must be 'minimum' or a finite number, not ${String(padValue)}`);
  }
  return { kind: 'SpatialConfig', spacing, flipAxes, flipProbability, affine, crop, padValue };
}

function isConfig(options: SpatialOptions | SpatialConfig): options is SpatialConfig {
  return (options as SpatialConfig).kind === 'SpatialConfig';
}

/** Parameters that change nothing (applySpatial returns a copy of its input). */
export function identitySpatialParams(spacing: Triple = [1, 1, 1]): SpatialParams {
  return {
    flip: [false, false, false],
    rotationDegrees: [0, 0, 0],
    scale: [1, 1, 1],
    translation: [0, 0, 0],
    crop: null,
    spacing,
    padValue: 'minimum',
  };
}

/** Draws concrete spatial parameters for a volume of `shape` (once per subject). */
export function drawSpatial(
  rng: Rng,
  shape: readonly number[],
  options: SpatialOptions | SpatialConfig = {},
): SpatialParams {
  const config = parseSpatialOptions(options);
  const params = identitySpatialParams(config.spacing);
  params.padValue = config.padValue;
  params.flip = config.flipAxes.map(
    (allowed) => allowed && rng.next() < config.flipProbability,
  ) as SpatialParams['flip'];
  if (config.affine && rng.next() < config.affine.probability) {
    const { degrees, scales, translationVoxels } = config.affine;
    params.rotationDegrees = degrees.map((r) => uniformIn(rng, r)) as Triple;
    params.scale = scales.map((r) => uniformIn(rng, r)) as Triple;
    params.translation = translationVoxels.map((r) => uniformIn(rng, r)) as Triple;
  }
  if (config.crop && rng.next() < config.crop.probability) {
    const size = config.crop.fraction.map((r, axis) => uniformIn(rng, r) * shape[axis]) as Triple;
    const origin = size.map((s, axis) => rng.uniform(0, 1) * (shape[axis] - s)) as Triple;
    params.crop = { origin, size };
  }
  return params;
}

/**
 * Applies spatial parameters to an x-fastest volume of `shape` [nx, ny, nz] (or a [nz, ny, nx]
 * tensor); returns a new Float32Array of the same shape.
 */
export function applySpatial(volume: DataVolume, shape: readonly number[], params: SpatialParams): Float32Array {
  const data = volumeOf(volume, shape, 'volume');
  const dims = checkVolume(data, shape);
  const padValue = params.padValue === 'minimum' ? minimumOf(data) : params.padValue;
  return resampleTrilinear(data, dims, spatialVoxelMap(dims, params), padValue);
}

/** The composed map output voxel → input voxel coordinate (the inverse of the content map). */
export function spatialVoxelMap(shape: Triple, params: SpatialParams): VoxelMap {
  const centre = shape.map((n) => (n - 1) / 2);
  // output → position in the transformed (pre-crop) volume
  const crop = params.crop ?? { origin: [0, 0, 0], size: shape };
  const fromCrop = diagonalAffine(
    shape.map((n, a) => crop.size[a] / n),
    shape.map((n, a) => crop.origin[a] + (0.5 * crop.size[a]) / n - 0.5),
  );
  // transformed → pre-affine: y = c + L⁻¹(a − c − t), L = D⁻¹·R·S·D
  // L_ij = R_ij·S_j·d_j/d_i: the ratio is exactly 1 on the diagonal, so identity stays exact
  const rotation = rotationMatrix(params.rotationDegrees);
  const d = params.spacing;
  const linear = rotation.map((row, i) => row.map((r, j) => r * params.scale[j] * (d[j] / d[i])));
  const inverse = invert3(linear);
  const shift = centre.map(
    (c, r) => c - inverse[r].reduce((sum, v, k) => sum + v * (centre[k] + params.translation[k]), 0),
  );
  const fromAffine = inverse.map((row, r) => [...row, shift[r]]);
  // pre-affine → input: flips
  const fromFlip = diagonalAffine(
    params.flip.map((f) => (f ? -1 : 1)),
    params.flip.map((f, a) => (f ? shape[a] - 1 : 0)),
  );
  return composeAffine(fromFlip, composeAffine(fromAffine, fromCrop)) as VoxelMap;
}

function minimumOf(data: Float32Array): number {
  let min = Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] < min) min = data[i];
  return min;
}

/** R = Rz·Ry·Rx for angles in degrees about x, y, z (right-handed). */
export function rotationMatrix([ax, ay, az]: readonly number[]): number[][] {
  const rad = Math.PI / 180;
  const { rx, ry, rz } = axisRotations([ax * rad, ay * rad, az * rad]);
  return multiply3(rz, multiply3(ry, rx));
}

function diagonalAffine(d: readonly number[], b: readonly number[]): number[][] {
  return [
    [d[0], 0, 0, b[0]],
    [0, d[1], 0, b[1]],
    [0, 0, d[2], b[2]],
  ];
}

/** (A ∘ B)(x) = A(B(x)) for 3×4 affines [M | b]. */
function composeAffine(a: number[][], b: number[][]): number[][] {
  return a.map((row) => [
    ...[0, 1, 2].map((c) => row[0] * b[0][c] + row[1] * b[1][c] + row[2] * b[2][c]),
    row[0] * b[0][3] + row[1] * b[1][3] + row[2] * b[2][3] + row[3],
  ]);
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 1e-12)) throw inputError(`the affine is singular (determinant ${det})`);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}
