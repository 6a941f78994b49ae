/**
 * The SIMD Conv3D kernels against the stock tfjs kernels they replace: forward and both
 * gradients (tf.grads through tf.conv3d) on random shapes, max |fast − stock| / max |stock|
 * ≤ 1e-4, on the wasm and cpu backends; unsupported configurations fall back to stock.
 *
 * The reference is always the stock *cpu* backend: tfjs-backend-wasm 4.22's own
 * Conv3DBackpropInputV2 returns wrong input gradients (checked against PyTorch in
 * conv3d-simd.test.ts), so it cannot serve as the reference for dx.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fastKernelsActive,
  registerFastKernels,
  unregisterFastKernels,
  type FastKernelBackend,
} from '../../../src/backend/kernels/index.js';
import { createRng } from '../../../src/rng.js';

type Pad = 'same' | 'valid';
type Case = { x: number[]; f: number[]; pad: Pad; strides?: number };

function relativeError(got: Float32Array, want: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    maxRef = Math.max(maxRef, Math.abs(want[i]));
  }
  return maxDiff / (maxRef || 1);
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tf.tensor(values, shape);
}

/** y, dL/dx, dL/dfilter for L = Σ y·r with a fixed random r (so gradients are not just y). */
function convAndGrads(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const x = randomTensor(c.x, 11) as tf.Tensor5D;
    const f = randomTensor(c.f, 12) as tf.Tensor5D;
    const y = tf.conv3d(x, f, c.strides ?? 1, c.pad);
    const r = randomTensor(y.shape, 13);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf
        .conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.strides ?? 1, c.pad)
        .mul(r)
        .sum(),
    );
    const [dx, df] = grads([x, f]);
    return [y, dx, df].map((t) => t.dataSync() as Float32Array);
  });
}

/** The stock cpu kernels' answer (fast kernels off on cpu for the duration). */
async function stockCpu(c: Case): Promise<Float32Array[]> {
  const wasActive = fastKernelsActive('cpu');
  unregisterFastKernels('cpu');
  const current = tf.getBackend();
  await tf.setBackend('cpu');
  const want = convAndGrads(c);
  await tf.setBackend(current);
  if (wasActive) await registerFastKernels('cpu');
  return want;
}

const CASES: Case[] = [
  { x: [1, 5, 6, 7, 1], f: [3, 3, 3, 1, 16], pad: 'same' }, // first LSSL conv: 1 channel in
  { x: [2, 7, 5, 9, 16], f: [3, 3, 3, 16, 1], pad: 'same' }, // last decoder conv: 1 channel out
  { x: [2, 6, 6, 6, 8], f: [3, 3, 3, 8, 12], pad: 'same' }, // Cout not a multiple of 8
  { x: [1, 8, 8, 8, 16], f: [3, 3, 3, 16, 32], pad: 'same' },
  { x: [3, 5, 4, 3, 32], f: [3, 3, 3, 32, 64], pad: 'same' }, // odd sizes, batch 3, width < 4
  { x: [1, 5, 7, 6, 3], f: [3, 3, 3, 3, 5], pad: 'valid' },
  { x: [1, 4, 5, 6, 2], f: [2, 3, 1, 2, 6], pad: 'same' }, // even and unit kernel sizes
  { x: [1, 6, 6, 6, 4], f: [3, 3, 3, 4, 2], pad: 'same' }, // 2 output channels
  // Winograd F(2,3) (winograd-simd.as) for the forward and the input gradient:
  { x: [2, 8, 6, 10, 16], f: [3, 3, 3, 16, 24], pad: 'same' }, // non-cubic, batch 2
  { x: [1, 10, 12, 10, 32], f: [3, 3, 3, 32, 16], pad: 'valid' }, // forward Winograd, 'valid'
];

for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
  describe(`fast Conv3D kernels on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });
    afterAll(() => unregisterFastKernels(backend));

    it('registers and can be removed again', async () => {
      expect(await registerFastKernels(backend)).toBe(true);
      expect(fastKernelsActive(backend)).toBe(true);
      unregisterFastKernels(backend);
      expect(fastKernelsActive(backend)).toBe(false);
    });

    for (const c of CASES) {
      it(`matches stock forward and gradients for x ${c.x} filter ${c.f} ${c.pad}`, async () => {
        const want = await stockCpu(c);
        await tf.setBackend(backend);
        await registerFastKernels(backend);
        const before = tf.memory().numTensors;
        const got = convAndGrads(c);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < 3; i++) {
          expect(got[i].length).toBe(want[i].length);
          expect(relativeError(got[i], want[i]), ['y', 'dx', 'dfilter'][i]).toBeLessThanOrEqual(1e-4);
        }
      });
    }

    it('falls back to the stock kernel for strides ≠ 1', async () => {
      const c: Case = { x: [1, 6, 7, 5, 2], f: [3, 3, 3, 2, 4], pad: 'same', strides: 2 };
      await tf.setBackend(backend);
      unregisterFastKernels(backend);
      const want = convAndGrads(c);
      await registerFastKernels(backend);
      const got = convAndGrads(c);
      for (let i = 0; i < 3; i++) expect(relativeError(got[i], want[i])).toBe(0);
    });
  });
}
