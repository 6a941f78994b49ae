/**
 * Sum over leading axes (bias gradients) against the stock Sum kernel and against a plain
 * loop; other axes still go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  leadingAxesCount,
  registerLeadingSum,
  sumLeadingRows,
  unregisterLeadingSum,
} from '../../../src/backend/kernels/leading-sum.js';
import type { FastKernelBackend } from '../../../src/backend/kernels/tensor-io.js';
import { createRng } from '../../../src/rng.js';

describe('leadingAxesCount', () => {
  it('accepts exactly the leading axes, in any order or negative', () => {
    expect(leadingAxesCount([0, 1, 2, 3], 5)).toBe(4);
    expect(leadingAxesCount([1, 0], 3)).toBe(2);
    expect(leadingAxesCount(-3, 3)).toBe(1);
    expect(leadingAxesCount([1, 2], 3)).toBe(0);
    expect(leadingAxesCount([0, 1, 2], 3)).toBe(0); // full reduction: stock
    expect(leadingAxesCount([], 3)).toBe(0);
  });
});

describe('sumLeadingRows', () => {
  it('adds the rows of an [outer, inner] view', () => {
    const out = new Float32Array(3);
    sumLeadingRows(Float32Array.from([1, 2, 3, 10, 20, 30]), 2, 3, out);
    expect(Array.from(out)).toEqual([11, 22, 33]);
  });
});

for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
  describe(`Sum on ${backend}`, () => {
    afterAll(() => unregisterLeadingSum(backend));
    it('matches the stock kernel for bias-gradient sums and leaves others alone', async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const rng = createRng(5);
      const x = tf.tensor(
        Float32Array.from({ length: 3 * 4 * 5 * 6 * 7 }, () => rng.normal()),
        [3, 4, 5, 6, 7],
      );
      const cases: [number[], boolean][] = [
        [[0, 1, 2, 3], false],
        [[0, 1], true],
        [[1, 2], false],
        [[0, 1, 2, 3, 4], false],
      ];
      unregisterLeadingSum(backend);
      const want = cases.map(([axes, keep]) => tf.tidy(() => x.sum(axes, keep)));
      registerLeadingSum(backend);
      const before = tf.memory().numTensors;
      const got = cases.map(([axes, keep]) => tf.tidy(() => x.sum(axes, keep)));
      expect(tf.memory().numTensors).toBe(before + cases.length);
      for (let i = 0; i < cases.length; i++) {
        expect(got[i].shape).toEqual(want[i].shape);
        const g = got[i].dataSync(),
          w = want[i].dataSync();
        for (let j = 0; j < w.length; j++) expect(g[j]).toBeCloseTo(w[j], 4);
      }
      tf.dispose([x, ...want, ...got]);
    });
  });
}
