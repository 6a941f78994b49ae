/**
 * 2×2×2 max pooling and its gradient against the stock tfjs cpu kernels (the reference for
 * both backends), on ReLU'd random data so that ties (all-zero windows) occur; other pool
 * configurations fall back to stock.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { registerMaxPool3d, unregisterMaxPool3d } from '../../../src/backend/kernels/max-pool3d.js';
import type { FastKernelBackend } from '../../../src/backend/kernels/tensor-io.js';
import { createRng } from '../../../src/rng.js';

type PoolCase = { shape: [number, number, number, number, number]; size: number; stride: number };

function poolAndGrad(c: PoolCase): Float32Array[] {
  return tf.tidy(() => {
    const rng = createRng(7);
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = tf.relu(
      tf.tensor5d(
        Float32Array.from({ length: n }, () => rng.normal()),
        c.shape,
      ),
    );
    const y = tf.maxPool3d(x as tf.Tensor5D, c.size, c.stride, 'valid');
    const r = tf.tensor(
      Float32Array.from({ length: y.size }, () => rng.normal()),
      y.shape,
    );
    const dx = tf.grad((a: tf.Tensor) =>
      tf
        .maxPool3d(a as tf.Tensor5D, c.size, c.stride, 'valid')
        .mul(r)
        .sum(),
    )(x);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
  });
}

const CASES: PoolCase[] = [
  { shape: [2, 4, 6, 8, 3], size: 2, stride: 2 },
  { shape: [1, 5, 7, 3, 16], size: 2, stride: 2 }, // odd sizes: last plane/row/column dropped
  { shape: [1, 6, 6, 6, 2], size: 3, stride: 2 }, // unsupported: stock
];

async function stockCpu(c: PoolCase): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const active = tf.getKernel('MaxPool3D', 'cpu');
  unregisterMaxPool3d('cpu');
  const want = poolAndGrad(c);
  if (active) registerMaxPool3d('cpu');
  return want;
}

for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
  describe(`maxPool3d 2×2×2 on ${backend}`, () => {
    afterAll(() => unregisterMaxPool3d(backend));
    for (const c of CASES) {
      it(`matches stock cpu for ${c.shape} size ${c.size} stride ${c.stride}`, async () => {
        const want = await stockCpu(c);
        await tf.setBackend(backend);
        registerMaxPool3d(backend);
        const before = tf.memory().numTensors;
        const got = poolAndGrad(c);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < 2; i++) expect(Array.from(got[i])).toEqual(Array.from(want[i]));
      });
    }
  });
}
