import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { infoNceLoss } from '../../src/labs/infonce.js';
import { expectClose, dot, normalizeRow, randomMatrix } from '../contrastive/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Zimmermann et al. eq. 1 as plain loops: anchor i against all candidates j, positive j = i. */
function infoNceByLoops(a: number[][], p: number[][], temperature: number): number {
  const an = a.map(normalizeRow);
  const pn = p.map(normalizeRow);
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    let denominator = 0;
    for (let j = 0; j < a.length; j++) denominator += Math.exp(dot(an[i], pn[j]) / temperature);
    total += -Math.log(Math.exp(dot(an[i], pn[i]) / temperature) / denominator);
  }
  return total / a.length;
}

const loss = (a: number[][], p: number[][], t: number): number =>
  tf.tidy(() => infoNceLoss(tf.tensor2d(a), tf.tensor2d(p), t).dataSync()[0]);

describe('infoNceLoss', () => {
  it('gives log N when every row is the same', () => {
    const row = [0.2, -1, 3];
    expectClose(loss([row, row, row, row], [row, row, row, row], 0.1), Math.log(4));
  });

  it('matches the plain-loop formula on random batches and temperatures', () => {
    const rng = createRng(9);
    for (const t of [0.1, 0.5, 1]) {
      const a = randomMatrix(rng, 6, 4);
      const p = randomMatrix(rng, 6, 4);
      expectClose(loss(a, p, t), infoNceByLoops(a, p, t), 1e-4);
    }
  });

  it('leaks no tensors and checks its inputs', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const g = tf.grad((x: tf.Tensor) => infoNceLoss(x as tf.Tensor2D, a, 0.5))(a);
    g.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => infoNceLoss(tf.zeros([2, 2]), tf.zeros([3, 2]), 0.5)).toThrow(/same shape/);
    expect(() => infoNceLoss(tf.zeros([2, 2]), tf.zeros([2, 2]), 0)).toThrow(/temperature/);
  });
});
