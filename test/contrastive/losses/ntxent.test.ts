import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXentLoss } from '../../../src/contrastive/losses/ntxent.js';
import { createRng } from '../../../src/rng.js';
import { dot, expectClose, normalizeRow, randomMatrix } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** SimCLR eq. 1 as plain loops over Float64 numbers, averaged over the 2N anchors. */
function ntXentByLoops(z1: number[][], z2: number[][], temperature: number): number {
  const n = z1.length;
  const all = [...z1, ...z2].map(normalizeRow);
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const partner = i < n ? i + n : i - n;
    let denominator = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) denominator += Math.exp(dot(all[i], all[k]) / temperature);
    total += -Math.log(Math.exp(dot(all[i], all[partner]) / temperature) / denominator);
  }
  return total / (2 * n);
}

function loss(z1: number[][], z2: number[][], temperature?: number): number {
  return tf.tidy(() => ntXentLoss(tf.tensor2d(z1), tf.tensor2d(z2), temperature).dataSync()[0]);
}

describe('ntXentLoss', () => {
  it('gives log(2N − 1) when every embedding is the same', () => {
    const same = [[0.3, -1, 2]];
    expectClose(loss([same[0], same[0], same[0]], [same[0], same[0], same[0]]), Math.log(5));
    expectClose(loss([same[0]].concat([same[0]]), [same[0], same[0]], 0.1), Math.log(3));
  });

  it('matches values worked out by hand on 2 pairs of unit vectors', () => {
    // anchors e1, e2 | e1, e2: each anchor has its partner at cos 1 and two negatives at cos 0
    // → −log(e^{1/τ} / (e^{1/τ} + 2)); τ = 1 gives log(1 + 2/e).
    expectClose(
      loss(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        1,
      ),
      Math.log(1 + 2 / Math.E),
    );
    // anchors e1, e2 | e2, e1: partner at cos 0, negatives at cos 0 and 1; τ = 0.5 → log(2 + e²).
    expectClose(
      loss(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [1, 0],
        ],
        0.5,
      ),
      Math.log(2 + Math.E ** 2),
    );
  });

  it('normalises its inputs (scaling rows changes nothing)', () => {
    const rng = createRng(3);
    const z1 = randomMatrix(rng, 4, 5);
    const z2 = randomMatrix(rng, 4, 5);
    const scaled = z1.map((row, i) => row.map((x) => x * (i + 0.5) * 3));
    expectClose(loss(scaled, z2), loss(z1, z2));
  });

  it('agrees with a plain-loop implementation on random inputs', () => {
    const rng = createRng(11);
    for (const [n, d, t] of [
      [2, 3, 0.5],
      [5, 8, 0.1],
      [8, 16, 1.3],
      [1, 4, 0.5],
    ] as const) {
      const z1 = randomMatrix(rng, n, d);
      const z2 = randomMatrix(rng, n, d);
      expectClose(loss(z1, z2, t), ntXentByLoops(z1, z2, t), 1e-5);
    }
  });

  it('has finite gradients, leaks no tensors, and rejects a zero temperature', () => {
    const rng = createRng(5);
    const before = tf.memory().numTensors;
    const z1 = tf.tensor2d(randomMatrix(rng, 6, 4));
    const z2 = tf.tensor2d(randomMatrix(rng, 6, 4));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, 0.07))([
      z1,
      z2,
    ]);
    for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Math.max(...grads.flatMap((g) => Array.from(g.dataSync()).map(Math.abs)))).toBeGreaterThan(0);
    tf.dispose([z1, z2, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => loss([[1, 0]], [[0, 1]], 0)).toThrow(/temperature must be .* > 1e-8, not 0/);
    expect(() =>
      loss(
        [[1, 0]],
        [
          [0, 1],
          [1, 0],
        ],
      ),
    ).toThrow(/same shape/);
  });
});
