import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTemperature, l2NormalizeRows, rowCosineSimilarity } from '../../src/math/cosine.js';
import { expectClose } from '../contrastive/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('cosine helpers', () => {
  it('normalises rows and leaves a zero row at zero (no NaN)', () => {
    const out = tf.tidy(() =>
      l2NormalizeRows(
        tf.tensor2d([
          [3, 4],
          [0, 0],
        ]),
      ).dataSync(),
    );
    expectClose(out, [0.6, 0.8, 0, 0]);
  });

  it('has a finite gradient at a zero row', () => {
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(rowCosineSimilarity(x as tf.Tensor2D, tf.tensor2d([[1, 2]]))))(tf.zeros([1, 2]))
        .dataSync(),
    );
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
  });

  it('computes row-wise cosines', () => {
    const out = tf.tidy(() =>
      rowCosineSimilarity(
        tf.tensor2d([
          [1, 0],
          [1, 1],
          [0, 0],
        ]),
        tf.tensor2d([
          [2, 0],
          [-1, 1],
          [1, 0],
        ]),
      ).dataSync(),
    );
    expectClose(out, [1, 0, 0]);
  });

  it('validates temperatures the way lightly does', () => {
    expect(() => checkTemperature('temperature', 1e-9)).toThrow(/\|temperature\| > 1e-8, not 1e-9/);
    expect(() => checkTemperature('temperature', Number.NaN)).toThrow(/not NaN/);
    expect(() => checkTemperature('temperature', -0.5)).not.toThrow();
  });
});
