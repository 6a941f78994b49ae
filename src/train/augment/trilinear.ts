/**
 * Trilinear resampling of an x-fastest volume through an affine voxel map, the one inner
 * loop every spatial augmentation shares (flip, affine, crop-and-resize are composed into
 * one map first, so a volume is interpolated once, not once per transform).
 */
import type { Triple } from './ranges.js';

/**
 * An affine map from output voxel indices o to input voxel coordinates x = M·o + b,
 * as a 3×4 row-major matrix [M | b].
 */
export type VoxelMap = [number[], number[], number[]];

/**
 * out[o] = trilinear interpolation of `data` at x = M·o + b (output shape = input shape).
 * Neighbours outside the volume take `padValue` (scipy's map_coordinates, order=1,
 * mode='constant'), so an exact integer coordinate returns the voxel itself.
 */
export function resampleTrilinear(data: Float32Array, shape: Triple, map: VoxelMap, padValue: number): Float32Array {
  const [nx, ny, nz] = shape;
  const out = new Float32Array(data.length);
  const [m0, m1, m2] = map;
  const sxy = nx * ny;
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // x = M·(0, j, k) + b, then step by M's first column along the row
      let x = m0[1] * j + m0[2] * k + m0[3];
      let y = m1[1] * j + m1[2] * k + m1[3];
      let z = m2[1] * j + m2[2] * k + m2[3];
      for (let i = 0; i < nx; i++, index++, x += m0[0], y += m1[0], z += m2[0]) {
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const z0 = Math.floor(z);
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        if (x0 >= 0 && y0 >= 0 && z0 >= 0 && x0 < nx - 1 && y0 < ny - 1 && z0 < nz - 1) {
          const base = x0 + nx * y0 + sxy * z0;
          const c00 = data[base] + fx * (data[base + 1] - data[base]);
          const c10 = data[base + nx] + fx * (data[base + nx + 1] - data[base + nx]);
          const c01 = data[base + sxy] + fx * (data[base + sxy + 1] - data[base + sxy]);
          const c11 = data[base + sxy + nx] + fx * (data[base + sxy + nx + 1] - data[base + sxy + nx]);
          const c0 = c00 + fy * (c10 - c00);
          const c1 = c01 + fy * (c11 - c01);
          out[index] = c0 + fz * (c1 - c0);
        } else {
          out[index] = sampleNearEdge(data, shape, x0, y0, z0, fx, fy, fz, padValue);
        }
      }
    }
  }
  return out;
}

/** The general case: each of the 8 neighbours is looked up or replaced by padValue. */
function sampleNearEdge(
  data: Float32Array,
  [nx, ny, nz]: Triple,
  x0: number,
  y0: number,
  z0: number,
  fx: number,
  fy: number,
  fz: number,
  padValue: number,
): number {
  let sum = 0;
  for (let dz = 0; dz < 2; dz++) {
    const wz = dz === 0 ? 1 - fz : fz;
    if (wz === 0) continue;
    const z = z0 + dz;
    for (let dy = 0; dy < 2; dy++) {
      const wy = dy === 0 ? 1 - fy : fy;
      if (wy === 0) continue;
      const y = y0 + dy;
      for (let dx = 0; dx < 2; dx++) {
        const wx = dx === 0 ? 1 - fx : fx;
        if (wx === 0) continue;
        const x = x0 + dx;
        const inside = x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz;
        sum += wx * wy * wz * (inside ? data[x + nx * (y + ny * z)] : padValue);
      }
    }
  }
  return sum;
}
