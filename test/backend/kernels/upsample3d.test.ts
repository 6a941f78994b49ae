/**
 * ×2 nearest 3D upsampling kernel vs the formula y[z,y,x] = x[⌊z/2⌋,⌊y/2⌋,⌊x/2⌋], vs the same op
 * built from stock tf ops, and its gradient (tf.grad) vs the sum over each 2×2×2 block, on wasm
 * and cpu. (The stock-ops gradient is not a reference: tfjs' cpu ResizeNearestNeighborGrad
 * disagrees with the block sum.)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerFastKernels,
  unregisterFastKernels,
  upsampleNearest3d,
  type FastKernelBackend,
} from '../../../src/backend/kernels/index.js';
import { createRng } from '../../../src/rng.js';

function randomTensor(shape: number[], seed: number): tf.Tensor5D {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => rng.normal());
  return tf.tensor5d(values, shape as [number, number, number, number, number]);
}

/** Upsampled value and gradient of Σ y·r (and r), computed with whatever upsampleNearest3d runs now. */
function valueAndGrad(shape: number[]): Float32Array[] {
  return tf.tidy(() => {
    const x = randomTensor(shape, 3);
    const r = randomTensor([shape[0], 2 * shape[1], 2 * shape[2], 2 * shape[3], shape[4]] as number[], 4);
    const y = upsampleNearest3d(x);
    const dx = tf.grad((a: tf.Tensor) =>
      upsampleNearest3d(a as tf.Tensor5D)
        .mul(r)
        .sum(),
    )(x);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array, r.dataSync() as Float32Array];
  });
}

for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
  describe(`upsampleNearest3d on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
      expect(await registerFastKernels(backend)).toBe(true);
    });
    afterAll(() => unregisterFastKernels(backend));

    it('copies each voxel into its 2×2×2 block', () => {
      const [N, D, H, W, C] = [2, 3, 2, 5, 3];
      const x = randomTensor([N, D, H, W, C], 1);
      const xv = x.dataSync();
      const y = upsampleNearest3d(x);
      expect(y.shape).toEqual([N, 2 * D, 2 * H, 2 * W, C]);
      const yv = y.dataSync();
      let i = 0;
      for (let n = 0; n < N; n++)
        for (let z = 0; z < 2 * D; z++)
          for (let yy = 0; yy < 2 * H; yy++)
            for (let xx = 0; xx < 2 * W; xx++)
              for (let c = 0; c < C; c++)
                expect(yv[i++]).toBe(xv[(((n * D + (z >> 1)) * H + (yy >> 1)) * W + (xx >> 1)) * C + c]);
      tf.dispose([x, y]);
    });

    it('matches the stock-ops upsampling and its gradient, without leaking tensors', async () => {
      const shape = [2, 3, 4, 5, 6];
      const before = tf.memory().numTensors;
      const fast = valueAndGrad(shape);
      expect(tf.memory().numTensors).toBe(before);
      unregisterFastKernels(backend);
      const stock = valueAndGrad(shape);
      await registerFastKernels(backend);
      expect(Array.from(fast[0])).toEqual(Array.from(stock[0]));
      const [N, D, H, W, C] = shape;
      const r = fast[2];
      const at = (n: number, z: number, y: number, x: number, c: number): number =>
        r[(((n * 2 * D + z) * 2 * H + y) * 2 * W + x) * C + c];
      let i = 0;
      for (let n = 0; n < N; n++)
        for (let z = 0; z < D; z++)
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++)
              for (let c = 0; c < C; c++) {
                let sum = 0;
                for (const dz of [0, 1])
                  for (const dy of [0, 1]) for (const dx of [0, 1]) sum += at(n, 2 * z + dz, 2 * y + dy, 2 * x + dx, c);
                expect(fast[1][i++]).toBeCloseTo(sum, 5);
              }
    });
  });
}
