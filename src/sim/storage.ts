/**
 * How a phantom subject's scans are stored on disk, varied the way real cohorts vary so
 * that every simulated cohort exercises the loaders: array orientation (RAS, LAS, LPS or
 * the PSR axis permutation), voxel size (isotropic or not, with the field of view kept
 * about the same), an occasional oblique tilt, int16 with scl_slope or float32, and
 * compressed or not. The affine always tells the truth about where each voxel is.
 */
import type { Rng } from '../rng.js';
import type { Affine } from '../io/volume.js';
import type { Vec3 } from './anatomy.js';
import { rotationMatrix, type Grid } from './render.js';

export type StoredDatatype = 'int16' | 'float32';

export interface Storage {
  /** nibabel axis codes of the array axes, e.g. 'LAS' */
  axcodes: string;
  /** voxel size along each array axis, mm */
  voxelMm: Vec3;
  /** oblique rotation of the grid about the world x axis, degrees (0 = not oblique) */
  tiltDeg: number;
  datatype: StoredDatatype;
  compressed: boolean;
}

export const ORIENTATIONS = ['RAS', 'LAS', 'LPS', 'PSR'] as const;

/** Voxel sizes in mm per array axis; the nominal grid is 1.25 mm isotropic. */
export const VOXEL_SIZES: readonly Vec3[] = [
  [1.25, 1.25, 1.25],
  [1, 1, 1],
  [1.5, 1.5, 1.5],
  [1, 1, 1.5],
  [1.2, 1.2, 1.2],
  [1.5, 1.1, 1.1],
];

/** The nominal voxel size: the field of view is `shape × NOMINAL_VOXEL_MM` along every axis. */
export const NOMINAL_VOXEL_MM = 1.25;

const AXIS_OF: Record<string, [number, number]> = {
  R: [0, 1],
  L: [0, -1],
  A: [1, 1],
  P: [1, -1],
  S: [2, 1],
  I: [2, -1],
};

/**
 * Storage of subject `index`. Orientation, datatype and compression cycle with the index
 * (offset by a per-seed shift) so that any four consecutive subjects cover every
 * orientation and both datatypes and compressions; voxel size and tilt are drawn from the
 * subject's own generator. Depends on the index and seed only, never on the cohort size.
 */
export function chooseStorage(index: number, seedShift: number, rng: Rng): Storage {
  const k = index + seedShift;
  return {
    axcodes: ORIENTATIONS[k % 4],
    voxelMm: [...VOXEL_SIZES[rng.int(VOXEL_SIZES.length)]] as Vec3,
    tiltDeg: rng.next() < 0.25 ? Math.round(rng.uniform(-8, 8) * 10) / 10 : 0,
    datatype: (k + Math.floor(k / 4)) % 2 === 0 ? 'int16' : 'float32',
    compressed: Math.floor(k / 2) % 2 === 0,
  };
}

/**
 * The voxel grid for a storage choice and a field of view (mm, the same on every axis):
 * dims = round(fov / voxel size) and an affine whose columns point along the axis codes,
 * tilted obliquely if asked, with the grid's centre at world (0, 0, 0).
 */
export function storageGrid(storage: Storage, fovMm: number): Grid {
  const dims = storage.voxelMm.map((v) => Math.max(1, Math.round(fovMm / v))) as Vec3;
  const tilt = rotationMatrix([storage.tiltDeg, 0, 0]);
  const columns = [0, 1, 2].map((axis) => {
    const code = storage.axcodes[axis];
    const [worldAxis, sign] = AXIS_OF[code];
    const direction = [0, 0, 0];
    direction[worldAxis] = sign * storage.voxelMm[axis];
    return [0, 1, 2].map(
      (row) => tilt[row][0] * direction[0] + tilt[row][1] * direction[1] + tilt[row][2] * direction[2],
    );
  });
  const affine: Affine = [0, 1, 2].map((row) => {
    const offset = -columns.reduce((s, col, axis) => s + col[row] * ((dims[axis] - 1) / 2), 0);
    return [columns[0][row], columns[1][row], columns[2][row], offset];
  });
  affine.push([0, 0, 0, 1]);
  return { dims, affine };
}
