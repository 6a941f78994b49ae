import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simSiamLoss } from '../../../src/contrastive/losses/simsiam.js';
import { createRng } from '../../../src/rng.js';
import { dot, expectClose, normalizeRow, randomMatrix } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function meanCosine(a: number[][], b: number[][]): number {
  return a.reduce((s, row, i) => s + dot(normalizeRow(row), normalizeRow(b[i])), 0) / a.length;
}

function loss(p1: number[][], z2: number[][], p2: number[][], z1: number[][]): number {
  return tf.tidy(() => simSiamLoss(tf.tensor2d(p1), tf.tensor2d(z2), tf.tensor2d(p2), tf.tensor2d(z1)).dataSync()[0]);
}

describe('simSiamLoss', () => {
  it('matches values worked out by hand', () => {
    // cos([1,0],[1,1]) = 1/√2, cos([0,2],[1,0]) = 0 → −½(1/√2 + 0)
    expectClose(loss([[1, 0]], [[1, 1]], [[0, 2]], [[1, 0]]), -0.5 / Math.SQRT2);
    // perfect alignment (any scale) gives −1; opposite directions +1
    expectClose(
      loss(
        [
          [2, 1],
          [0, 3],
        ],
        [
          [4, 2],
          [0, 1],
        ],
        [
          [1, 1],
          [5, 0],
        ],
        [
          [3, 3],
          [1, 0],
        ],
      ),
      -1,
    );
    expectClose(loss([[1, 0]], [[-1, 0]], [[0, 1]], [[0, -2]]), 1);
  });

  it('agrees with the formula computed in plain loops on random inputs', () => {
    const rng = createRng(4);
    const [p1, z2, p2, z1] = [0, 1, 2, 3].map(() => randomMatrix(rng, 7, 5));
    expectClose(loss(p1, z2, p2, z1), -0.5 * (meanCosine(p1, z2) + meanCosine(p2, z1)));
  });

  it('stops the gradient at z1 and z2 but not at p1 and p2', () => {
    const rng = createRng(8);
    const before = tf.memory().numTensors;
    const inputs = [0, 1, 2, 3].map(() => tf.tensor2d(randomMatrix(rng, 4, 3)));
    const grads = tf.grads((p1: tf.Tensor, z2: tf.Tensor, p2: tf.Tensor, z1: tf.Tensor) =>
      simSiamLoss(p1 as tf.Tensor2D, z2 as tf.Tensor2D, p2 as tf.Tensor2D, z1 as tf.Tensor2D),
    )(inputs);
    const [gp1, gz2, gp2, gz1] = grads.map((g) => Array.from(g.dataSync()));
    for (const g of [gp1, gp2]) expect(g.every(Number.isFinite) && g.some((x) => x !== 0)).toBe(true);
    for (const g of [gz1, gz2]) expect(g.every((x) => x === 0)).toBe(true);
    tf.dispose([...inputs, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
