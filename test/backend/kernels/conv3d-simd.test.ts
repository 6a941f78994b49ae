/**
 * copyPadded (the staging copy of every conv call) against the obvious reference — zero the
 * whole padded buffer, then place each voxel at its offset — for front padding, clipping
 * (negative offsets, a buffer smaller than the volume) and channel padding, into a buffer
 * full of garbage.
 */
import { describe, expect, it } from 'vitest';
import { copyPadded, type Pad3 } from '../../../src/backend/kernels/conv3d-simd.js';

function reference(src: Float32Array, dims: number[], padded: number[], front: Pad3): Float32Array {
  const [D, H, W, C] = dims;
  const [Dp, Hp, Wp, Cp] = padded;
  const out = new Float32Array(Dp * Hp * Wp * Cp);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < C; c++) {
          const [zp, yp, xp] = [z + front[0], y + front[1], x + front[2]];
          if (zp < 0 || zp >= Dp || yp < 0 || yp >= Hp || xp < 0 || xp >= Wp) continue;
          out[((zp * Hp + yp) * Wp + xp) * Cp + c] = src[((z * H + y) * W + x) * C + c];
        }
  return out;
}

const CASES: { dims: number[]; padded: number[]; front: Pad3 }[] = [
  { dims: [3, 4, 5, 2], padded: [5, 6, 7, 2], front: [1, 1, 1] }, // 'same' 3³
  { dims: [3, 4, 5, 3], padded: [5, 6, 7, 4], front: [1, 1, 1] }, // channels padded 3 → 4
  { dims: [4, 4, 4, 1], padded: [4, 4, 4, 1], front: [0, 0, 0] }, // 'valid': no padding
  { dims: [5, 4, 6, 2], padded: [4, 3, 5, 2], front: [-1, 0, -1] }, // clipped on both sides
  { dims: [2, 2, 2, 2], padded: [6, 5, 4, 2], front: [3, 2, 1] }, // uneven padding
  { dims: [2, 3, 2, 2], padded: [3, 3, 3, 2], front: [0, 0, 5] }, // volume entirely right of the buffer
];

describe('copyPadded', () => {
  for (const { dims, padded, front } of CASES) {
    it(`places [${dims}] into [${padded}] at [${front}] and zeroes the rest`, () => {
      const src = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      const dst = new Float32Array(padded.reduce((a, b) => a * b, 1)).fill(-7);
      copyPadded(src, dims, dst, padded, front);
      expect(Array.from(dst)).toEqual(Array.from(reference(src, dims, padded, front)));
    });
  }
});
