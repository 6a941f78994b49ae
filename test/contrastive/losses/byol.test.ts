import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { byolLoss, byolSymmetricLoss } from '../../../src/contrastive/losses/byol.js';
import { createRng } from '../../../src/rng.js';
import { expectClose, normalizeRow, randomMatrix } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** ‖p̄ − z̄‖² averaged over rows: BYOL eq. 2 as written, not via the cosine. */
function squaredDistanceOfUnitVectors(p: number[][], z: number[][]): number {
  return (
    p.reduce((s, row, i) => {
      const a = normalizeRow(row);
      const b = normalizeRow(z[i]);
      return s + a.reduce((t, x, k) => t + (x - b[k]) ** 2, 0);
    }, 0) / p.length
  );
}

const value = (f: () => tf.Scalar) => tf.tidy(() => f().dataSync()[0]);

describe('byolLoss', () => {
  it('matches values worked out by hand', () => {
    // orthogonal → 2, opposite → 4; the batch mean is 3
    expectClose(
      value(() =>
        byolLoss(
          tf.tensor2d([
            [1, 0],
            [1, 0],
          ]),
          tf.tensor2d([
            [0, 1],
            [-3, 0],
          ]),
        ),
      ),
      3,
    );
    expectClose(
      value(() => byolLoss(tf.tensor2d([[2, 2]]), tf.tensor2d([[5, 5]]))),
      0,
      1e-6,
    );
  });

  it('equals the mean squared distance of the normalised vectors, and symmetrises as a sum', () => {
    const rng = createRng(12);
    const [p1, z2, p2, z1] = [0, 1, 2, 3].map(() => randomMatrix(rng, 6, 4));
    expectClose(
      value(() => byolLoss(tf.tensor2d(p1), tf.tensor2d(z2))),
      squaredDistanceOfUnitVectors(p1, z2),
    );
    expectClose(
      value(() => byolSymmetricLoss(tf.tensor2d(p1), tf.tensor2d(z2), tf.tensor2d(p2), tf.tensor2d(z1))),
      squaredDistanceOfUnitVectors(p1, z2) + squaredDistanceOfUnitVectors(p2, z1),
    );
  });

  it('sends gradient to the prediction only, finite, without leaks', () => {
    const rng = createRng(2);
    const before = tf.memory().numTensors;
    const p = tf.tensor2d(randomMatrix(rng, 5, 3));
    const z = tf.tensor2d(randomMatrix(rng, 5, 3));
    const [gp, gz] = tf.grads((a: tf.Tensor, b: tf.Tensor) => byolLoss(a as tf.Tensor2D, b as tf.Tensor2D))([p, z]);
    expect(Array.from(gp.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(gp.dataSync()).some((x) => x !== 0)).toBe(true);
    expect(Array.from(gz.dataSync()).every((x) => x === 0)).toBe(true);
    tf.dispose([p, z, gp, gz]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
