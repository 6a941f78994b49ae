/**
 * Quaternion algebra of the NIfTI qform (nifti1.h, "METHOD 2"), the way nibabel does it
 * (`nibabel/quaternions.py`, `Nifti1Header.get_qform` / `set_qform`).
 *
 * The qform stores a proper rotation R as a unit quaternion (a, b, c, d) with a ≥ 0 and only
 * b, c, d on disk; voxel sizes live in pixdim[1..3] and the handedness in qfac = pixdim[0]:
 *   world = R · diag(pixdim1, pixdim2, qfac·pixdim3) · ijk + qoffset.
 */
import type { Affine } from './volume.js';

export type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

/**
 * Rotation matrix of the quaternion (w, x, y, z), normalised on the fly like nibabel's
 * `quat2mat` (a quaternion of norm ≈ 0 gives the identity).
 */
export function quaternionToMatrix(w: number, x: number, y: number, z: number): Matrix3 {
  const nq = w * w + x * x + y * y + z * z;
  if (nq < Number.EPSILON) {
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  }
  const s = 2 / nq;
  const [X, Y, Z] = [x * s, y * s, z * s];
  const [wX, wY, wZ] = [w * X, w * Y, w * Z];
  const [xX, xY, xZ] = [x * X, x * Y, x * Z];
  const [yY, yZ, zZ] = [y * Y, y * Z, z * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

/**
 * The full quaternion from its stored b, c, d (nibabel's `fillpositive`): a = sqrt(1 − b² − c² − d²).
 * A slightly negative 1 − |bcd|² (rounding of the stored floats, above `threshold`) means a = 0;
 * below it the header is corrupt and `undefined` is returned.
 */
export function fillPositiveQuaternion(
  b: number,
  c: number,
  d: number,
  threshold: number,
): [number, number, number, number] | undefined {
  const w2 = 1 - (b * b + c * c + d * d);
  if (!(w2 >= 0)) {
    if (!(w2 >= threshold)) return undefined;
    return [0, b, c, d];
  }
  return [Math.sqrt(w2), b, c, d];
}

/** qform affine from header fields; `pixdim` holds pixdim[1..3] (already positive). */
export function qformAffine(
  quaternion: [number, number, number, number],
  pixdim: [number, number, number],
  qfac: 1 | -1,
  offset: [number, number, number],
): Affine {
  const r = quaternionToMatrix(...quaternion);
  const scale = [pixdim[0], pixdim[1], pixdim[2] * qfac];
  return [
    [r[0][0] * scale[0], r[0][1] * scale[1], r[0][2] * scale[2], offset[0]],
    [r[1][0] * scale[0], r[1][1] * scale[1], r[1][2] * scale[2], offset[1]],
    [r[2][0] * scale[0], r[2][1] * scale[1], r[2][2] * scale[2], offset[2]],
    [0, 0, 0, 1],
  ];
}

function determinant3(m: Matrix3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/** Inverse transpose of a non-singular 3×3 matrix (the cofactor matrix over the determinant). */
function inverseTranspose3(m: Matrix3): Matrix3 {
  const det = determinant3(m);
  const cof = (r0: number, r1: number, c0: number, c1: number) => (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
  return [
    [cof(1, 2, 1, 2), -cof(1, 2, 0, 2), cof(1, 2, 0, 1)],
    [-cof(0, 2, 1, 2), cof(0, 2, 0, 2), -cof(0, 2, 0, 1)],
    [cof(0, 1, 1, 2), -cof(0, 1, 0, 2), cof(0, 1, 0, 1)],
  ];
}

/**
 * The orthogonal matrix closest to `m` (the polar factor U·Vᵀ of its SVD, which nibabel gets
 * with `npl.svd`), by Newton's iteration X ← (X + X⁻ᵀ)/2 (Higham 1986, "Computing the polar
 * decomposition"), which converges quadratically for a non-singular `m`.
 */
export function closestOrthogonal(m: Matrix3): Matrix3 {
  let x = m.map((row) => [...row]) as Matrix3;
  for (let iter = 0; iter < 100; iter++) {
    const inv = inverseTranspose3(x);
    let change = 0;
    const next = x.map((row, r) =>
      row.map((v, c) => {
        const nv = (v + inv[r][c]) / 2;
        change = Math.max(change, Math.abs(nv - v));
        return nv;
      }),
    ) as Matrix3;
    x = next;
    if (change < 1e-15) break;
  }
  return x;
}

/**
 * Unit quaternion (w, x, y, z), w ≥ 0, of a rotation matrix (Shepperd's method: divide by the
 * largest of the four candidates for numerical stability). Same rotation as nibabel's `mat2quat`.
 */
export function matrixToQuaternion(m: Matrix3): [number, number, number, number] {
  const trace = m[0][0] + m[1][1] + m[2][2];
  let q: [number, number, number, number];
  if (trace > 0) {
    const s = 2 * Math.sqrt(trace + 1);
    q = [s / 4, (m[2][1] - m[1][2]) / s, (m[0][2] - m[2][0]) / s, (m[1][0] - m[0][1]) / s];
  } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
    const s = 2 * Math.sqrt(1 + m[0][0] - m[1][1] - m[2][2]);
    q = [(m[2][1] - m[1][2]) / s, s / 4, (m[0][1] + m[1][0]) / s, (m[0][2] + m[2][0]) / s];
  } else if (m[1][1] > m[2][2]) {
    const s = 2 * Math.sqrt(1 + m[1][1] - m[0][0] - m[2][2]);
    q = [(m[0][2] - m[2][0]) / s, (m[0][1] + m[1][0]) / s, s / 4, (m[1][2] + m[2][1]) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m[2][2] - m[0][0] - m[1][1]);
    q = [(m[1][0] - m[0][1]) / s, (m[0][2] + m[2][0]) / s, (m[1][2] + m[2][1]) / s, s / 4];
  }
  const norm = Math.hypot(...q);
  const sign = q[0] < 0 ? -1 : 1;
  return q.map((v) => (sign * v) / norm) as [number, number, number, number];
}

/** The qform fields nibabel's `set_qform` derives from an affine. */
export interface QformFields {
  /** quaternion (w, x, y, z) of the rotation; b, c, d = x, y, z go on disk */
  quaternion: [number, number, number, number];
  /** voxel sizes: the norms of the affine's first three columns */
  pixdim: [number, number, number];
  /** pixdim[0]: −1 when the affine is left-handed (its third column is flipped for R) */
  qfac: 1 | -1;
  offset: [number, number, number];
}

/**
 * qform fields for an affine (nibabel's `set_qform`): zooms are the column norms, qfac
 * makes the rotation proper, and shears are stripped by taking the closest rotation.
 * Returns `undefined` for a singular affine (a zero column has no direction).
 */
export function qformFromAffine(affine: Affine): QformFields | undefined {
  const pixdim = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c])) as [number, number, number];
  if (pixdim.some((z) => !(z > 0) || !Number.isFinite(z))) return undefined;
  const r = [0, 1, 2].map((row) => [0, 1, 2].map((c) => affine[row][c] / pixdim[c])) as Matrix3;
  const det = determinant3(r);
  if (!(Math.abs(det) > 1e-12)) return undefined;
  const qfac = det > 0 ? 1 : -1;
  if (qfac < 0) for (const row of r) row[2] = -row[2];
  return {
    quaternion: matrixToQuaternion(closestOrthogonal(r)),
    pixdim,
    qfac,
    offset: [affine[0][3], affine[1][3], affine[2][3]],
  };
}
