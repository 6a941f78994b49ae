/**
 * 4×4 world transforms for registration: inverse, composition with points, and the RAS ↔
 * LPS change of frame. NIfTI affines map voxels to RAS+ millimetres (nibabel's `img.affine`);
 * ITK and elastix work in LPS (x towards the left, y towards the posterior), so a point
 * (x, y, z) in one is (−x, −y, z) in the other.
 */
import { inputError } from '../../errors.js';
import { multiplyAffines, type Affine } from '../volume.js';
import { axisRotations, multiply3 } from '../../math/rotation.js';

export type Vec3 = [number, number, number];

/** diag(−1, −1, 1, 1): RAS → LPS and LPS → RAS (its own inverse). */
export const RAS_TO_LPS: Affine = [
  [-1, 0, 0, 0],
  [0, -1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];

/** A transform of points given in LPS, expressed for points in RAS: F·T·F. */
export function lpsToRasTransform(transformLps: Affine): Affine {
  return multiplyAffines(RAS_TO_LPS, multiplyAffines(transformLps, RAS_TO_LPS));
}

/** The inverse of an affine 4×4 (last row 0 0 0 1), by the 3×3 adjugate. */
export function invertAffine(a: Affine): Affine {
  const [m00, m01, m02] = a[0];
  const [m10, m11, m12] = a[1];
  const [m20, m21, m22] = a[2];
  const c00 = m11 * m22 - m12 * m21;
  const c01 = m02 * m21 - m01 * m22;
  const c02 = m01 * m12 - m02 * m11;
  const det = m00 * c00 + m10 * c01 + m20 * c02;
  const scale = Math.max(...[0, 1, 2].map((c) => Math.hypot(a[0][c], a[1][c], a[2][c])));
  if (!(Math.abs(det) > 1e-12 * scale ** 3)) throw inputError('the affine is singular (its 3×3 part has no inverse)');
  const inv = [
    [c00, c01, c02],
    [m12 * m20 - m10 * m22, m00 * m22 - m02 * m20, m02 * m10 - m00 * m12],
    [m10 * m21 - m11 * m20, m01 * m20 - m00 * m21, m00 * m11 - m01 * m10],
  ].map((row) => row.map((v) => v / det));
  const t = [0, 1, 2].map((r) => -(inv[r][0] * a[0][3] + inv[r][1] * a[1][3] + inv[r][2] * a[2][3]));
  return [
    [...inv[0], t[0]],
    [...inv[1], t[1]],
    [...inv[2], t[2]],
    [0, 0, 0, 1],
  ];
}

export function applyToPoint(a: Affine, p: readonly number[]): Vec3 {
  return [0, 1, 2].map((r) => a[r][0] * p[0] + a[r][1] * p[1] + a[r][2] * p[2] + a[r][3]) as Vec3;
}

/**
 * The 4×4 of x ↦ M(x − c) + c + t, ITK's and elastix's form of a matrix-offset transform
 * (rotation or affine matrix M about the centre of rotation c, then translation t).
 */
export function centredTransform(
  matrix: readonly (readonly number[])[],
  center: readonly number[],
  translation: readonly number[],
): Affine {
  const rows = [0, 1, 2].map((r) => {
    const mc = matrix[r][0] * center[0] + matrix[r][1] * center[1] + matrix[r][2] * center[2];
    return [matrix[r][0], matrix[r][1], matrix[r][2], translation[r] + center[r] - mc];
  });
  return [...rows, [0, 0, 0, 1]];
}

/**
 * ITK's Euler3DTransform rotation for angles in radians: Rz·Rx·Ry by default, Rz·Ry·Rx
 * when `computeZYX` (elastix's `ComputeZYX` parameter, false unless set).
 */
export function eulerRotation(angles: readonly number[], computeZYX = false): number[][] {
  const { rx, ry, rz } = axisRotations(angles);
  return computeZYX ? multiply3(rz, multiply3(ry, rx)) : multiply3(rz, multiply3(rx, ry));
}

/** Checks that `a` is a finite 4×4 affine with last row 0 0 0 1. */
export function checkAffine(a: unknown, name: string): Affine {
  const ok =
    Array.isArray(a) &&
    a.length === 4 &&
    a.every((row) => Array.isArray(row) && row.length === 4 && row.every((v) => Number.isFinite(v))) &&
    a[3][0] === 0 &&
    a[3][1] === 0 &&
    a[3][2] === 0 &&
    a[3][3] === 1;
  if (!ok) throw inputError(`${name} must be a 4×4 affine with last row 0 0 0 1`);
  return (a as number[][]).map((row) => [...row]);
}
