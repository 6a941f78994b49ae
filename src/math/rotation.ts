/**
 * Rotations about the x, y and z axes (right-handed, angles in radians), and the 3×3 product
 * that composes them. The augmentations (Rz·Ry·Rx) and elastix's Euler transform (Rz·Rx·Ry,
 * or Rz·Ry·Rx with ComputeZYX) compose the same three matrices in their own orders.
 */

/** Rx, Ry, Rz for angles [ax, ay, az] in radians. */
export function axisRotations([ax, ay, az]: readonly number[]): { rx: number[][]; ry: number[][]; rz: number[][] } {
  const [cx, cy, cz] = [ax, ay, az].map(Math.cos);
  const [sx, sy, sz] = [ax, ay, az].map(Math.sin);
  return {
    rx: [
      [1, 0, 0],
      [0, cx, -sx],
      [0, sx, cx],
    ],
    ry: [
      [cy, 0, sy],
      [0, 1, 0],
      [-sy, 0, cy],
    ],
    rz: [
      [cz, -sz, 0],
      [sz, cz, 0],
      [0, 0, 1],
    ],
  };
}

/** The product a·b of two 3×3 matrices. */
export function multiply3(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  return a.map((row) => [0, 1, 2].map((c) => row[0] * b[0][c] + row[1] * b[1][c] + row[2] * b[2][c]));
}
