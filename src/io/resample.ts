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
 * downsampling), up to float32 rounding.
 */
import { inputError } from '../errors.js';
import { multiplyAffines, type Volume } from './volume.js';

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

function axisTable(nIn: number, nOut: number, ratio: number, stride: number, interpolation: Interpolation): AxisTable {
  const low = new Int32Array(nOut);
  const high = new Int32Array(nOut);
  const weight = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    const x = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), nIn - 1);
    if (interpolation === 'nearest') {
      // Round half up so that ties resolve the same way on every axis.
      const i = Math.min(Math.floor(x + 0.5), nIn - 1);
      low[o] = high[o] = i * stride;
      continue;
    }
    const i0 = Math.min(Math.floor(x), nIn - 1);
    const i1 = Math.min(i0 + 1, nIn - 1);
    low[o] = i0 * stride;
    high[o] = i1 * stride;
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
 * Samples `volume` on a grid of `outShape` voxels whose spacing is `ratio` times the old
 * one along each axis (see the file comment for where the grid sits).
 * volume.data: [nx·ny·nz] x-fastest → returned data: [outShape] x-fastest.
 */
function resampleGrid(volume: Volume, outShape: Triple, ratio: Triple, interpolation: Interpolation, spacing?: Triple): Volume {
  const [nx, ny, nz] = volume.shape;
  const tx = axisTable(nx, outShape[0], ratio[0], 1, interpolation);
  const ty = axisTable(ny, outShape[1], ratio[1], nx, interpolation);
  const tz = axisTable(nz, outShape[2], ratio[2], nx * ny, interpolation);
  const [ox, oy, oz] = outShape;
  const src = volume.data;
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
    spacing: spacing ?? [volume.spacing[0] * ratio[0], volume.spacing[1] * ratio[1], volume.spacing[2] * ratio[2]],
    affine: multiplyAffines(volume.affine, gridToOld),
  };
}

/**
 * Resamples the whole field of view onto `shape` voxels (the LSSL paper rescales each
 * registered scan to 64³; Zhao et al., MICCAI 2021). Returns the input when the shape
 * already matches.
 */
export function resampleToShape(volume: Volume, shape: readonly number[], options: ResampleOptions = {}): Volume {
  checkShape(shape, 'shape');
  if (shape.every((n, a) => n === volume.shape[a])) return volume;
  const ratio = volume.shape.map((n, a) => n / shape[a]) as Triple;
  return resampleGrid(volume, [shape[0], shape[1], shape[2]], ratio, options.interpolation ?? 'linear');
}

/**
 * Resamples onto voxels of `spacing` mm (one number for isotropic). The new grid starts at
 * the old grid's outer edge and has round(n·oldSpacing/newSpacing) voxels per axis (at
 * least 1), so its field of view matches the old one within half a new voxel.
 * Returns the input when the spacing already matches.
 */
export function resampleToSpacing(volume: Volume, spacing: number | readonly number[], options: ResampleOptions = {}): Volume {
  const target = typeof spacing === 'number' ? [spacing, spacing, spacing] : [...spacing];
  if (target.length !== 3 || target.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw inputError(`spacing must be positive numbers of mm, not [${target.join(', ')}]`);
  }
  if (target.every((s, a) => s === volume.spacing[a])) return volume;
  const ratio = target.map((s, a) => s / volume.spacing[a]) as Triple;
  const outShape = volume.shape.map((n, a) => Math.max(1, Math.round((n * volume.spacing[a]) / target[a]))) as Triple;
  return resampleGrid(volume, outShape, ratio, options.interpolation ?? 'linear', target as Triple);
}
