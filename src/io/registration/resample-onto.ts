/**
 * Resampling a volume onto another volume's grid through a world transform: the output has
 * the target's shape and affine; voxel v of it takes the moving volume's trilinear value at
 * the world point T(A_target · v), where T maps target-world mm to moving-world mm (RAS).
 * Points outside the moving volume's voxel centres (with half a voxel of edge replication,
 * as resample.ts) are 0, as elastix's DefaultPixelValue.
 */
import { multiplyAffines, type Affine, type Volume } from '../volume.js';
import { invertAffine } from './world-matrix.js';

/** The target grid: shape and voxel → RAS affine. */
export interface Grid {
  shape: [number, number, number];
  affine: Affine;
}

/**
 * moving.data: [nx·ny·nz] x-fastest → data: [target.shape] x-fastest.
 * `transform`: 4×4 from target-world to moving-world (RAS mm); the identity resamples only.
 */
export function resampleOnto(moving: Volume, target: Grid, transform: Affine): Volume {
  // target voxel → moving voxel in one matrix, stepped along x by its first column
  const m = multiplyAffines(invertAffine(moving.affine), multiplyAffines(transform, target.affine));
  const [nx, ny, nz] = moving.shape;
  const [ox, oy, oz] = target.shape;
  const src = moving.data;
  const sy = nx;
  const sz = nx * ny;
  const out = new Float32Array(ox * oy * oz);
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      let x = m[0][1] * j + m[0][2] * k + m[0][3];
      let y = m[1][1] * j + m[1][2] * k + m[1][3];
      let z = m[2][1] * j + m[2][2] * k + m[2][3];
      for (let i = 0; i < ox; i++, o++, x += m[0][0], y += m[1][0], z += m[2][0]) {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > nx - 0.5 || y > ny - 0.5 || z > nz - 0.5) continue;
        const cx = Math.min(Math.max(x, 0), nx - 1);
        const cy = Math.min(Math.max(y, 0), ny - 1);
        const cz = Math.min(Math.max(z, 0), nz - 1);
        const x0 = Math.min(Math.floor(cx), nx - 2 < 0 ? 0 : nx - 2);
        const y0 = Math.min(Math.floor(cy), ny - 2 < 0 ? 0 : ny - 2);
        const z0 = Math.min(Math.floor(cz), nz - 2 < 0 ? 0 : nz - 2);
        const x1 = Math.min(x0 + 1, nx - 1);
        const y1 = Math.min(y0 + 1, ny - 1);
        const z1 = Math.min(z0 + 1, nz - 1);
        const wx = cx - x0;
        const wy = cy - y0;
        const wz = cz - z0;
        const a = z0 * sz;
        const b = z1 * sz;
        const r00 = a + y0 * sy;
        const r01 = a + y1 * sy;
        const r10 = b + y0 * sy;
        const r11 = b + y1 * sy;
        const v00 = src[r00 + x0] + wx * (src[r00 + x1] - src[r00 + x0]);
        const v01 = src[r01 + x0] + wx * (src[r01 + x1] - src[r01 + x0]);
        const v10 = src[r10 + x0] + wx * (src[r10 + x1] - src[r10 + x0]);
        const v11 = src[r11 + x0] + wx * (src[r11 + x1] - src[r11 + x0]);
        const v0 = v00 + wy * (v01 - v00);
        const v1 = v10 + wy * (v11 - v10);
        out[o] = v0 + wz * (v1 - v0);
      }
    }
  }
  const spacing = [0, 1, 2].map((c) => Math.hypot(target.affine[0][c], target.affine[1][c], target.affine[2][c]));
  return {
    data: out,
    shape: [...target.shape],
    spacing: spacing as [number, number, number],
    affine: target.affine.map((row) => [...row]),
  };
}
