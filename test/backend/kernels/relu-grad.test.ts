/**
 * The ReLU gradient through LsslReluGrad (registered by registerFastKernels) equals tfjs' own
 * gradient (Step, Cast, Multiply), bit for bit, on wasm and cpu, and the wrapper falls back to
 * tfjs' gradient where the kernel is not registered. Also: wasm's sharing Identity.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  registerFastKernels,
  unregisterFastKernels,
  type FastKernelBackend,
} from '../../../src/backend/kernels/index.js';
import { RELU_GRAD_KERNEL } from '../../../src/backend/kernels/relu-grad.js';
import { createRng } from '../../../src/rng.js';

function reluGradOf(shape: number[]): Uint32Array {
  const values = tf.tidy(() => {
    const rng = createRng(9);
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(
      Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : rng.normal())),
      shape,
    );
    const r = tf.tensor(
      Float32Array.from({ length: n }, () => rng.normal()),
      shape,
    );
    const dx = tf.grad((a: tf.Tensor) => tf.relu(a).mul(r).sum())(x);
    return dx.dataSync() as Float32Array;
  });
  return new Uint32Array(values.slice().buffer);
}

for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
  describe(`Relu gradient on ${backend}`, () => {
    it('runs LsslReluGrad and matches the stock gradient bit for bit', async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const shapes = [[3, 5, 7, 2, 3], [1, 9, 4, 6, 16], [70000]];
      const stock = shapes.map(reluGradOf);
      expect(await registerFastKernels(backend)).toBe(true);
      expect(tf.getKernel(RELU_GRAD_KERNEL, backend)).toBeDefined();
      const before = tf.memory().numTensors;
      const fast = shapes.map(reluGradOf);
      expect(tf.memory().numTensors).toBe(before);
      unregisterFastKernels(backend);
      expect(tf.getKernel(RELU_GRAD_KERNEL, backend)).toBeUndefined();
      const fallback = shapes.map(reluGradOf); // wrapped gradient, kernel gone: tfjs' ops
      for (let i = 0; i < shapes.length; i++) {
        expect(Array.from(fast[i])).toEqual(Array.from(stock[i]));
        expect(Array.from(fallback[i])).toEqual(Array.from(stock[i]));
      }
    });
  });
}

describe('Identity on wasm', () => {
  it('shares the data of the cloned tensor, which stays valid after the original is disposed', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(await registerFastKernels('wasm')).toBe(true);
    const buffers = (): number => tf.backend().numDataIds();
    const before = buffers();
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.clone(a);
    expect(buffers() - before).toBe(1); // one buffer for both
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(buffers()).toBe(before);
    const s = tf.clone(tf.tensor(['x', 'y']));
    expect(s.dataSync()).toEqual(['x', 'y']);
    unregisterFastKernels('wasm');
  });
});
