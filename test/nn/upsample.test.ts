import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { upsample3d } from '../../src/nn/upsample.js';
import { createRng } from '../../src/rng.js';

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('upsample3d', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('repeats every voxel into a 2×2×2 block (nearest), per channel', () => {
    const [b, d, h, w, c] = [2, 2, 3, 2, 3];
    const x = randomArray(b * d * h * w * c, 1);
    const y = tf.tidy(() => upsample3d(tf.tensor5d(x, [b, d, h, w, c])).arraySync() as number[][][][][]);
    expect([y.length, y[0].length, y[0][0].length, y[0][0][0].length, y[0][0][0][0].length]).toEqual([
      b,
      2 * d,
      2 * h,
      2 * w,
      c,
    ]);
    for (let n = 0; n < b; n++)
      for (let k = 0; k < 2 * d; k++)
        for (let j = 0; j < 2 * h; j++)
          for (let i = 0; i < 2 * w; i++)
            for (let ch = 0; ch < c; ch++) {
              const src = x[(((n * d + (k >> 1)) * h + (j >> 1)) * w + (i >> 1)) * c + ch];
              expect(y[n][k][j][i][ch]).toBe(src);
            }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`has the right gradient on ${backend}: block sums, and matching central differences`, async () => {
      await initBackend(backend);
      const shape: [number, number, number, number, number] = [1, 2, 2, 3, 2];
      const n = shape.reduce((a, b) => a * b, 1);
      const x0 = randomArray(n, 2);
      const weights = tf.tensor(randomArray(n * 8, 3), [1, 4, 4, 6, 2]);
      const loss = (x: tf.Tensor) => tf.sum(tf.mul(upsample3d(x as tf.Tensor5D), weights));
      const before = tf.memory().numTensors;
      const grad = tf.tidy(() => tf.grad(loss)(tf.tensor5d(x0, shape)).dataSync().slice());
      expect(tf.memory().numTensors).toBe(before);
      // By hand: d/dx[v] of Σ w·up(x) is the sum of w over v's 2×2×2 block.
      const w = weights.dataSync();
      const [, d, h, wd, c] = shape;
      for (let k = 0; k < d; k++)
        for (let j = 0; j < h; j++)
          for (let i = 0; i < wd; i++)
            for (let ch = 0; ch < c; ch++) {
              let s = 0;
              for (let dk = 0; dk < 2; dk++)
                for (let dj = 0; dj < 2; dj++)
                  for (let di = 0; di < 2; di++)
                    s += w[(((2 * k + dk) * 2 * h + 2 * j + dj) * 2 * wd + 2 * i + di) * c + ch];
              expect(grad[((k * h + j) * wd + i) * c + ch]).toBeCloseTo(s, 4);
            }
      // Numerically: central differences of the loss (float32, so a loose tolerance).
      const eps = 1e-2;
      for (const index of [0, 5, n - 1]) {
        const plus = x0.slice();
        const minus = x0.slice();
        plus[index] += eps;
        minus[index] -= eps;
        const f = (v: Float32Array) => tf.tidy(() => loss(tf.tensor5d(v, shape)).dataSync()[0]);
        expect((f(plus) - f(minus)) / (2 * eps)).toBeCloseTo(grad[index], 2);
      }
      weights.dispose();
    });
  }
});
