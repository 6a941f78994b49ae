/**
 * Orientation algebra on voxel axes, after nibabel's `orientations.py`: an orientation is
 * one `[axis, flip]` row per voxel axis, saying which world axis (0 = x/R, 1 = y/A,
 * 2 = z/S) that voxel axis runs closest to and whether it runs with it (+1) or against
 * it (−1). Reorienting is "flip, then permute" the voxels (`applyOrientation`) and
 * multiply the affine by `invOrntAff`; `toCanonical` is that to RAS+ and returns its
 * input untouched when nothing changes.
 */
import { inputError } from '../errors.js';
import { multiplyAffines, type Affine, type Volume } from './volume.js';

/** Rows `[worldAxis, flip]` per voxel axis; `[NaN, NaN]` marks an axis the affine drops. */
export type Orientation = [number, number][];

/** A typed array the reorientation can copy (image data or masks). */
export type VoxelArray = Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array | Uint16Array;

const RAS_LABELS: [string, string][] = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
];

/** RAS+ as an orientation: voxel axis i runs along world axis i, positive. */
export const RAS_ORIENTATION: Orientation = [
  [0, 1],
  [1, 1],
  [2, 1],
];

/**
 * Jacobi eigen-decomposition of a symmetric 3×3 matrix: returns eigenvalues and
 * eigenvectors as columns of `vectors`. Converges to machine precision in a few sweeps.
 */
function symmetricEigen3(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const a = matrix.map((row) => row.slice());
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
    const scale = a[0][0] ** 2 + a[1][1] ** 2 + a[2][2] ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      if (a[p][q] === 0) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p];
        const akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k];
        const aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p];
        const vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [a[0][0], a[1][1], a[2][2]], vectors: v };
}

/**
 * Which world axis each voxel axis follows, as nibabel's `io_orientation`: normalise the
 * columns of the 3×3 part, take the closest shear-free matrix R (polar decomposition,
 * keeping only non-negligible singular values), then for each voxel axis in turn pick the
 * world axis with the largest |R[:, axis]| and remove that world axis from the choice,
 * which settles ties and oblique affines the same way nibabel does.
 *
 * The polar factor is computed as RS·V·diag(1/s)·Vᵀ from the eigenvectors V of (RS)ᵀRS,
 * so rank-deficient affines work; singular values below 1e-8·max count as zero (nibabel
 * uses machine epsilon on a direct SVD; the eigen route is only accurate to ~1e-8).
 */
export function ioOrientation(affine: Affine): Orientation {
  const rs: number[][] = [0, 1, 2].map(() => [0, 0, 0]);
  for (let c = 0; c < 3; c++) {
    let zoom = Math.hypot(affine[0][c], affine[1][c], affine[2][c]);
    if (zoom === 0) zoom = 1;
    for (let r = 0; r < 3; r++) rs[r][c] = affine[r][c] / zoom;
  }
  const gram = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => rs[0][i] * rs[0][j] + rs[1][i] * rs[1][j] + rs[2][i] * rs[2][j]),
  );
  const { values, vectors } = symmetricEigen3(gram);
  const singular = values.map((x) => Math.sqrt(Math.max(x, 0)));
  const tol = Math.max(...singular) * 1e-8;
  // inverseRoot = Σ_kept v_k v_kᵀ / s_k, so that R = RS · inverseRoot.
  const inverseRoot = [0, 1, 2].map(() => [0, 0, 0]);
  for (let k = 0; k < 3; k++) {
    if (!(singular[k] > tol)) continue;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) inverseRoot[i][j] += (vectors[i][k] * vectors[j][k]) / singular[k];
  }
  const rot = [0, 1, 2].map((r) =>
    [0, 1, 2].map((c) => rs[r][0] * inverseRoot[0][c] + rs[r][1] * inverseRoot[1][c] + rs[r][2] * inverseRoot[2][c]),
  );
  const ornt: Orientation = [];
  for (let inAxis = 0; inAxis < 3; inAxis++) {
    const col = [rot[0][inAxis], rot[1][inAxis], rot[2][inAxis]];
    if (col.every((x) => Math.abs(x) <= 1e-8)) {
      ornt.push([NaN, NaN]);
      continue;
    }
    let outAxis = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(col[r]) > Math.abs(col[outAxis])) outAxis = r;
    ornt.push([outAxis, col[outAxis] < 0 ? -1 : 1]);
    rot[outAxis] = [0, 0, 0];
  }
  return ornt;
}

/** Axis codes ('R', 'A', ...) of the positive end of each voxel axis, as nibabel's `ornt2axcodes`; '?' for a dropped axis. */
export function orientationToAxcodes(ornt: Orientation): string {
  return ornt.map(([axis, flip]) => (Number.isNaN(axis) ? '?' : RAS_LABELS[axis][flip < 0 ? 0 : 1])).join('');
}

/** The orientation named by axis codes such as 'LAS' (nibabel's `axcodes2ornt`). */
export function axcodesToOrientation(codes: string): Orientation {
  const ornt = [...codes.toUpperCase()].map((code): [number, number] => {
    const axis = RAS_LABELS.findIndex((pair) => pair.includes(code));
    if (axis < 0) throw inputError(`axis codes must be letters among L R P A I S, not '${codes}'`);
    return [axis, RAS_LABELS[axis][0] === code ? -1 : 1];
  });
  if (new Set(ornt.map((r) => r[0])).size !== ornt.length)
    throw inputError(`axis codes must name each world axis once, not '${codes}'`);
  return ornt;
}

/** Orientation code of an affine, e.g. 'LAS' (nibabel's `aff2axcodes`). */
export function orientationCode(affine: Affine): string {
  return orientationToAxcodes(ioOrientation(affine));
}

/**
 * The orientation that takes arrays in `start` orientation to `end` orientation
 * (nibabel's `ornt_transform`): row i says where voxel axis i of a `start` array goes and
 * whether it flips.
 */
export function orientationTransform(start: Orientation, end: Orientation): Orientation {
  if (start.length !== end.length)
    throw inputError(`orientations must have the same length, not ${start.length} and ${end.length}`);
  const result: Orientation = start.map(() => [NaN, NaN]);
  end.forEach(([endOut, endFlip], endIn) => {
    const startIn = start.findIndex(([startOut]) => startOut === endOut);
    if (startIn < 0) throw inputError(`unable to find world axis ${endOut} in the start orientation`);
    result[startIn] = [endIn, start[startIn][1] === endFlip ? 1 : -1];
  });
  return result;
}

function checkApplicable(ornt: Orientation): void {
  if (ornt.length !== 3) throw inputError(`orientation must have 3 rows, not ${ornt.length}`);
  const axes = ornt.map((r) => r[0]);
  if (axes.some((a) => !Number.isInteger(a) || a < 0 || a > 2) || new Set(axes).size !== 3) {
    throw inputError(`orientation must permute the axes 0, 1, 2 without dropping one, not [${axes.join(', ')}]`);
  }
}

/**
 * Flips, then permutes, a 3-D x-fastest array as nibabel's `apply_orientation`: voxel
 * axis i of the input (flipped where ornt[i][1] = −1) becomes axis ornt[i][0] of the output.
 * data: [nx·ny·nz] x-fastest → returned data: [shape'] x-fastest, same typed-array class.
 */
export function applyOrientation<T extends VoxelArray>(
  data: T,
  shape: readonly [number, number, number],
  ornt: Orientation,
): { data: T; shape: [number, number, number] } {
  checkApplicable(ornt);
  const inStrides = [1, shape[0], shape[0] * shape[1]];
  const outShape: [number, number, number] = [0, 0, 0];
  const step = [0, 0, 0]; // input offset change per output step along each output axis
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const [outAxis, flip] = ornt[i];
    outShape[outAxis] = shape[i];
    if (flip < 0) {
      step[outAxis] = -inStrides[i];
      start += (shape[i] - 1) * inStrides[i];
    } else {
      step[outAxis] = inStrides[i];
    }
  }
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const [nx, ny, nz] = outShape;
  const [sx, sy, sz] = step;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let src = start + k * sz + j * sy;
      if (sx === 1) {
        out.set(data.subarray(src, src + nx) as never, o);
        o += nx;
      } else {
        for (let i = 0; i < nx; i++, src += sx) out[o++] = data[src];
      }
    }
  }
  return { data: out, shape: outShape };
}

/**
 * Affine from voxel indices of the reoriented array to voxel indices of the original
 * (nibabel's `inv_ornt_aff`): new affine = old affine · invOrntAff(ornt, oldShape).
 */
export function invOrntAff(ornt: Orientation, shape: readonly number[]): Affine {
  checkApplicable(ornt);
  const out: Affine = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  out[3][3] = 1;
  for (let i = 0; i < 3; i++) {
    const [axis, flip] = ornt[i];
    // undo the transpose: original axis i reads reoriented axis `axis`; then undo the flip.
    out[i][axis] = flip;
    out[i][3] = flip < 0 ? shape[i] - 1 : 0;
  }
  return out;
}

/** The reorientation to RAS+ of a volume, without touching its voxels. */
export interface CanonicalGeometry {
  /** ornt_transform from the volume's orientation to RAS+: row i = [RAS axis of voxel axis i, flip] */
  transform: Orientation;
  /** true when the volume is already RAS+ (transform is the identity) */
  isIdentity: boolean;
  shape: [number, number, number];
  spacing: [number, number, number];
  affine: Affine;
}

/**
 * Shape, spacing and affine the volume has in RAS+ voxel order, and the orientation
 * transform that gets it there (nibabel's `as_closest_canonical` geometry). Lets the
 * resampler read the original voxels in RAS+ order without copying them first.
 */
export function canonicalGeometry(volume: Pick<Volume, 'shape' | 'spacing' | 'affine'>): CanonicalGeometry {
  const ornt = ioOrientation(volume.affine);
  if (ornt.some(([axis]) => Number.isNaN(axis))) {
    throw inputError(`affine must map each voxel axis somewhere, not ${JSON.stringify(volume.affine)}`);
  }
  const transform = orientationTransform(ornt, RAS_ORIENTATION);
  const isIdentity = transform.every(([axis, flip], i) => axis === i && flip === 1);
  const shape: [number, number, number] = [0, 0, 0];
  const spacing: [number, number, number] = [0, 0, 0];
  transform.forEach(([axis], i) => {
    shape[axis] = volume.shape[i];
    spacing[axis] = volume.spacing[i];
  });
  const affine = isIdentity ? volume.affine : multiplyAffines(volume.affine, invOrntAff(transform, volume.shape));
  return { transform, isIdentity, shape, spacing, affine };
}

/**
 * The volume in RAS+ voxel order (nibabel's `as_closest_canonical`): voxels flipped and
 * permuted exactly (no interpolation), affine = affine · invOrntAff, spacing permuted.
 * Returns `volume` itself when it is already RAS+.
 */
export function toCanonical(volume: Volume): Volume {
  const geometry = canonicalGeometry(volume);
  if (geometry.isIdentity) return volume;
  const { data } = applyOrientation(volume.data, volume.shape, geometry.transform);
  return { data, shape: geometry.shape, spacing: geometry.spacing, affine: geometry.affine };
}
