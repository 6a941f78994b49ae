/**
 * Cropping and padding to a fixed shape, centred on the foreground, with the affine kept
 * true: output voxel o is input voxel o + start, so affine' = affine · translate(start)
 * and every kept voxel stays at its world position (TorchIO's `CropOrPad`).
 */
import { inputError } from '../errors.js';
import { multiplyAffines, type Volume } from './volume.js';
import type { VoxelArray } from './orientation.js';

type Triple = [number, number, number];

export interface CropOrPadOptions {
  /** Foreground mask [nx·ny·nz] (1 = foreground); the crop centres on its bounding box. Without it (or if empty), on the volume's centre. */
  mask?: Uint8Array;
  /** Value of padded voxels; 0 by default (background of a raw MRI, before normalisation). */
  padValue?: number;
}

/** Inclusive bounding box [lo, hi] per axis of the non-zero voxels, or null if there are none. */
export function boundingBox(mask: Uint8Array, shape: readonly number[]): { lo: Triple; hi: Triple } | null {
  const [nx, ny, nz] = shape;
  const lo: Triple = [Infinity, Infinity, Infinity];
  const hi: Triple = [-1, -1, -1];
  let n = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (mask[n] === 0) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
    }
  }
  return hi[0] < 0 ? null : { lo, hi };
}

/**
 * First input index of the output window along each axis. The window's centre sits on
 * the centre of `box` (rounded down at half-voxels), then slides so that a crop never
 * pads (window inside the input when nOut ≤ nIn) and a pad never crops (input inside the
 * window when nOut > nIn).
 */
export function cropOrPadStart(
  inShape: readonly number[],
  outShape: readonly number[],
  box: { lo: Triple; hi: Triple } | null,
): Triple {
  return [0, 1, 2].map((a) => {
    const nIn = inShape[a];
    const nOut = outShape[a];
    const centre = box === null ? (nIn - 1) / 2 : (box.lo[a] + box.hi[a]) / 2;
    const start = Math.floor(centre - (nOut - 1) / 2);
    const [min, max] = nOut <= nIn ? [0, nIn - nOut] : [nIn - nOut, 0];
    return Math.min(Math.max(start, min), max);
  }) as Triple;
}

/**
 * Copies the window [start, start + outShape) of an x-fastest array, filling voxels
 * outside the input with `padValue`. data: [inShape] → [outShape], same typed-array class.
 */
export function cropOrPadArray<T extends VoxelArray>(
  data: T,
  inShape: readonly number[],
  outShape: readonly number[],
  start: readonly number[],
  padValue = 0,
): T {
  const [nx, ny, nz] = inShape;
  const [ox, oy, oz] = outShape;
  const out = new (data.constructor as new (n: number) => T)(ox * oy * oz);
  if (padValue !== 0) out.fill(padValue as never);
  // Output x-range that lands inside the input; the rest stays padding.
  const i0 = Math.max(0, -start[0]);
  const i1 = Math.min(ox, nx - start[0]);
  if (i1 <= i0) return out;
  for (let k = 0; k < oz; k++) {
    const zk = k + start[2];
    if (zk < 0 || zk >= nz) continue;
    for (let j = 0; j < oy; j++) {
      const yj = j + start[1];
      if (yj < 0 || yj >= ny) continue;
      const src = (zk * ny + yj) * nx + start[0];
      const dst = (k * oy + j) * ox;
      out.set(data.subarray(src + i0, src + i1) as never, dst + i0);
    }
  }
  return out;
}

/**
 * Crops and/or pads `volume` to `shape`, centred on the foreground bounding box of
 * `options.mask` (see `cropOrPadStart`). Returns the input when the shape already matches.
 */
export function cropOrPad(volume: Volume, shape: readonly number[], options: CropOrPadOptions = {}): Volume {
  if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw inputError(`shape must be 3 positive integers, not [${shape.join(', ')}]`);
  }
  if (options.mask !== undefined && options.mask.length !== volume.data.length) {
    throw inputError(`mask must have one value per voxel (${volume.data.length}), not ${options.mask.length}`);
  }
  if (shape.every((n, a) => n === volume.shape[a])) return volume;
  const box = options.mask === undefined ? null : boundingBox(options.mask, volume.shape);
  const start = cropOrPadStart(volume.shape, shape, box);
  const shift = [
    [1, 0, 0, start[0]],
    [0, 1, 0, start[1]],
    [0, 0, 1, start[2]],
    [0, 0, 0, 1],
  ];
  return {
    data: cropOrPadArray(volume.data, volume.shape, shape, start, options.padValue ?? 0),
    shape: [shape[0], shape[1], shape[2]],
    spacing: [...volume.spacing],
    affine: multiplyAffines(volume.affine, shift),
  };
}
