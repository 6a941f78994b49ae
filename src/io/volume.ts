/**
 * The in-memory image every io and training module passes around.
 *
 * `affine` maps voxel indices (i, j, k, 1) to world millimetres (x, y, z, 1), as a
 * 4×4 row-major nested array, the same matrix nibabel's `img.affine` holds.
 * `data` is x-fastest (Fortran/NIfTI order): index = i + nx·(j + ny·k).
 */
export type Affine = number[][];

export interface Volume {
  data: Float32Array;
  /** [nx, ny, nz] */
  shape: [number, number, number];
  /** voxel size in mm along each array axis */
  spacing: [number, number, number];
  affine: Affine;
}

/**
 * Voxel values whose every element a float32 holds exactly: float32 itself, or the small
 * integer types a NIfTI file stores, read in place without a float32 copy (preprocessing
 * reads only the voxels it interpolates, so converting all of them first was wasted work).
 */
export type VoxelValues = Float32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A volume as read for preprocessing: a Volume whose voxels may still be in their stored small-integer type. */
export interface SourceVolume extends Omit<Volume, 'data'> {
  data: VoxelValues;
}

export function identityAffine(): Affine {
  return [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
}

export function voxelCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Matrix product of two 4×4 affines. */
export function multiplyAffines(a: Affine, b: Affine): Affine {
  const out = identityAffine();
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r][k] * b[k][c];
      out[r][c] = s;
    }
  }
  return out;
}

/** Voxel sizes implied by an affine: the norms of its first three columns. */
export function spacingFromAffine(affine: Affine): [number, number, number] {
  const norm = (c: number) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]);
  return [norm(0), norm(1), norm(2)];
}
