/**
 * Resampling a volume onto a new voxel grid: trilinear for images, nearest for labels.
 *
 * Grid convention (TorchIO's `Resample`, MONAI's `align_corners=False`, scipy's
 * `zoom(grid_mode=True)`): voxels are boxes and the new grid starts at the outer edge of
 * the old one. With r = new spacing / old spacing along an axis, new voxel o has its
 * centre at old voxel index
 *
 *     x(o) = (o + 0.5)·r − 0.5,
 *
 * so for `resampleToShape` (r = nIn / nOut) both grids cover exactly the same field of
 * view. The affine becomes affine · [diag(r) | 0.5(r − 1)], which keeps every voxel
 * centre at its true world position. Samples that fall outside the outermost old centres
 * (only possible within half a voxel of the edge when upsampling) take the edge value
 * (replicate padding), as SimpleITK's linear interpolator does inside the image extent.
 *
 * Linear ramps are reproduced exactly wherever no edge clamping occurs (always, when
 * downsampling), up to float32 rounding. Like scipy's `zoom(order=1)` and TorchIO's
 * `Resample`, there is no anti-aliasing blur before downsampling: each new voxel
 * interpolates its 8 nearest old voxels.
 */
import { inputError } from '../errors.js';
import { multiplyAffines, type Affine, type SourceVolume, type Volume, type VoxelValues } from './volume.js';
import { canonicalGeometry } from './orientation.js';

export type Interpolation = 'linear' | 'nearest';

export interface ResampleOptions {
  /** 'linear' (trilinear, default) for images, 'nearest' for label maps. */
  interpolation?: Interpolation;
}

type Triple = [number, number, number];

/**
 * Per-axis sampling table: for output index o, the two input offsets (already multiplied
 * by the axis stride) and the weight of the upper one. Nearest uses `low` only.
 */
interface AxisTable {
  low: Int32Array;
  high: Int32Array;
  weight: Float64Array;
}

function axisTable(
  nIn: number,
  nOut: number,
  ratio: number,
  stride: number,
  reversed: boolean,
  interpolation: Interpolation,
): AxisTable {
  // A reversed source axis stores index i at position nIn − 1 − i.
  const offset = (i: number) => (reversed ? nIn - 1 - i : i) * stride;
  const low = new Int32Array(nOut);
  const high = new Int32Array(nOut);
  const weight = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    const x = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), nIn - 1);
    if (interpolation === 'nearest') {
      // Round half up so that ties resolve the same way on every axis.
      const i = Math.min(Math.floor(x + 0.5), nIn - 1);
      low[o] = high[o] = offset(i);
      continue;
    }
    const i0 = Math.min(Math.floor(x), nIn - 1);
    const i1 = Math.min(i0 + 1, nIn - 1);
    low[o] = offset(i0);
    high[o] = offset(i1);
    weight[o] = x - i0;
  }
  return { low, high, weight };
}

function checkShape(shape: readonly number[], name: string): void {
  if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw inputError(`${name} must be 3 positive integers, not [${shape.join(', ')}]`);
  }
}

/**
 * Where samples are read: the voxels of a volume as seen in some frame (its own, or RAS+
 * without copying): per frame axis, the length, the stride in `data` and whether the
 * stored order runs backwards.
 */
interface SampleSource {
  data: VoxelValues;
  shape: Triple;
  stride: Triple;
  reversed: [boolean, boolean, boolean];
  spacing: Triple;
  affine: Affine;
}

function ownFrame(volume: Volume): SampleSource {
  const [nx, ny] = volume.shape;
  return {
    data: volume.data,
    shape: [...volume.shape],
    stride: [1, nx, nx * ny],
    reversed: [false, false, false],
    spacing: [...volume.spacing],
    affine: volume.affine,
  };
}

/** The volume's voxels in RAS+ order (as `toCanonical` would copy them), read in place. */
function canonicalFrame(volume: SourceVolume): SampleSource {
  const geometry = canonicalGeometry(volume);
  const ownStrides = [1, volume.shape[0], volume.shape[0] * volume.shape[1]];
  const stride: Triple = [0, 0, 0];
  const reversed: [boolean, boolean, boolean] = [false, false, false];
  geometry.transform.forEach(([axis, flip], i) => {
    stride[axis] = ownStrides[i];
    reversed[axis] = flip < 0;
  });
  return {
    data: volume.data,
    shape: geometry.shape,
    stride,
    reversed,
    spacing: geometry.spacing,
    affine: geometry.affine,
  };
}

/**
 * Samples `source` on a grid of `outShape` voxels whose spacing is `ratio` times the old
 * one along each axis (see the file comment for where the grid sits).
 * source.data: [nx·ny·nz] → returned data: [outShape] x-fastest.
 */
function resampleGrid(
  source: SampleSource,
  outShape: Triple,
  ratio: Triple,
  interpolation: Interpolation,
  spacing?: Triple,
): Volume {
  const [nx, ny, nz] = source.shape;
  const tx = axisTable(nx, outShape[0], ratio[0], source.stride[0], source.reversed[0], interpolation);
  const ty = axisTable(ny, outShape[1], ratio[1], source.stride[1], source.reversed[1], interpolation);
  const tz = axisTable(nz, outShape[2], ratio[2], source.stride[2], source.reversed[2], interpolation);
  const [ox, oy, oz] = outShape;
  const src = source.data;
  const out = new Float32Array(ox * oy * oz);
  let o = 0;
  if (interpolation === 'nearest') {
    for (let k = 0; k < oz; k++) {
      for (let j = 0; j < oy; j++) {
        const row = tz.low[k] + ty.low[j];
        for (let i = 0; i < ox; i++) out[o++] = src[row + tx.low[i]];
      }
    }
  } else {
    const { low: xl, high: xh, weight: xw } = tx;
    for (let k = 0; k < oz; k++) {
      const z0 = tz.low[k];
      const z1 = tz.high[k];
      const wz = tz.weight[k];
      for (let j = 0; j < oy; j++) {
        const y0 = ty.low[j];
        const y1 = ty.high[j];
        const wy = ty.weight[j];
        const r00 = z0 + y0;
        const r01 = z0 + y1;
        const r10 = z1 + y0;
        const r11 = z1 + y1;
        for (let i = 0; i < ox; i++) {
          const a = xl[i];
          const b = xh[i];
          const w = xw[i];
          const v00 = src[r00 + a] + w * (src[r00 + b] - src[r00 + a]);
          const v01 = src[r01 + a] + w * (src[r01 + b] - src[r01 + a]);
          const v10 = src[r10 + a] + w * (src[r10 + b] - src[r10 + a]);
          const v11 = src[r11 + a] + w * (src[r11 + b] - src[r11 + a]);
          const v0 = v00 + wy * (v01 - v00);
          const v1 = v10 + wy * (v11 - v10);
          out[o++] = v0 + wz * (v1 - v0);
        }
      }
    }
  }
  const gridToOld = [
    [ratio[0], 0, 0, 0.5 * (ratio[0] - 1)],
    [0, ratio[1], 0, 0.5 * (ratio[1] - 1)],
    [0, 0, ratio[2], 0.5 * (ratio[2] - 1)],
    [0, 0, 0, 1],
  ];
  return {
    data: out,
    shape: [ox, oy, oz],
    spacing: spacing ?? [source.spacing[0] * ratio[0], source.spacing[1] * ratio[1], source.spacing[2] * ratio[2]],
    affine: multiplyAffines(source.affine, gridToOld),
  };
}

function shapeTarget(source: SampleSource, shape: readonly number[], interpolation: Interpolation): Volume {
  checkShape(shape, 'shape');
  const ratio = source.shape.map((n, a) => n / shape[a]) as Triple;
  return resampleGrid(source, [shape[0], shape[1], shape[2]], ratio, interpolation);
}

function spacingTarget(
  source: SampleSource,
  spacing: number | readonly number[],
  interpolation: Interpolation,
): Volume {
  const target = checkSpacing(spacing);
  const ratio = target.map((s, a) => s / source.spacing[a]) as Triple;
  const outShape = source.shape.map((n, a) => Math.max(1, Math.round((n * source.spacing[a]) / target[a]))) as Triple;
  return resampleGrid(source, outShape, ratio, interpolation, target);
}

function checkSpacing(spacing: number | readonly number[]): Triple {
  const target = typeof spacing === 'number' ? [spacing, spacing, spacing] : [...spacing];
  if (target.length !== 3 || target.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw inputError(`spacing must be positive numbers of mm, not [${target.join(', ')}]`);
  }
  return target as Triple;
}

/**
 * Resamples the whole field of view onto `shape` voxels (the LSSL paper rescales each
 * registered scan to 64³; Zhao et al., MICCAI 2021). Returns the input when the shape
 * already matches.
 */
export function resampleToShape(volume: Volume, shape: readonly number[], options: ResampleOptions = {}): Volume {
  checkShape(shape, 'shape');
  if (shape.every((n, a) => n === volume.shape[a])) return volume;
  return shapeTarget(ownFrame(volume), shape, options.interpolation ?? 'linear');
}

/**
 * Resamples onto voxels of `spacing` mm (one number for isotropic). The new grid starts at
 * the old grid's outer edge and has round(n·oldSpacing/newSpacing) voxels per axis (at
 * least 1), so its field of view matches the old one within half a new voxel.
 * Returns the input when the spacing already matches.
 */
export function resampleToSpacing(
  volume: Volume,
  spacing: number | readonly number[],
  options: ResampleOptions = {},
): Volume {
  const target = checkSpacing(spacing);
  if (target.every((s, a) => s === volume.spacing[a])) return volume;
  return spacingTarget(ownFrame(volume), target, options.interpolation ?? 'linear');
}

/**
 * `resampleToShape(toCanonical(volume), …)` or `resampleToSpacing(toCanonical(volume), …)`,
 * with the same voxels and affine, but reading the original voxels in RAS+ order in place
 * instead of copying the full-resolution volume first: preprocessing's hot path, where a
 * 256×256×176 scan shrinks to 64³. Always returns a new volume.
 */
export function resampleCanonical(
  volume: SourceVolume,
  target: { shape: readonly number[] } | { spacing: number | readonly number[] },
  options: ResampleOptions = {},
): Volume {
  const source = canonicalFrame(volume);
  const interpolation = options.interpolation ?? 'linear';
  return 'shape' in target
    ? shapeTarget(source, target.shape, interpolation)
    : spacingTarget(source, target.spacing, interpolation);
}
