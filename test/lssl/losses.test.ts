import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { cosineDirectionLoss, projectOnDirection } from '../../src/lssl/losses/direction.js';
import { gaussianKl, reparameterize } from '../../src/lssl/losses/kl.js';
import { meanSquaredError } from '../../src/lssl/losses/reconstruction.js';

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('LSSL losses', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('cosine term: exactly 0 when Δz ∥ τ, 2 when opposite, 1 when orthogonal', () => {
    const tau = tf.tensor1d([6, 8, 0]);
    expect(
      value(
        cosineDirectionLoss(
          tf.tensor2d([
            [3, 4, 0],
            [0.75, 1, 0],
          ]),
          tau,
        ),
      ),
    ).toBe(0);
    expect(value(cosineDirectionLoss(tf.tensor2d([[-3, -4, 0]]), tau))).toBe(2);
    expect(value(cosineDirectionLoss(tf.tensor2d([[0, 0, 5]]), tau))).toBe(1);
    // mean over pairs: (0 + 2) / 2
    expect(
      value(
        cosineDirectionLoss(
          tf.tensor2d([
            [3, 4, 0],
            [-3, -4, 0],
          ]),
          tau,
        ),
      ),
    ).toBe(1);
    // τ is used through its unit vector: scaling it changes nothing.
    // Hand value: Δz = (1, 0, 0), τ ∝ (6, 8, 0): cos = 6/10, loss = 0.4.
    expect(value(cosineDirectionLoss(tf.tensor2d([[1, 0, 0]]), tf.tensor1d([0.06, 0.08, 0])))).toBeCloseTo(0.4, 6);
    tau.dispose();
  });

  it('cosine term of Δz = 0 is 1 (no direction), not NaN', () => {
    expect(value(cosineDirectionLoss(tf.zeros([2, 3]) as tf.Tensor2D, tf.tensor1d([1, 2, 3])))).toBe(1);
  });

  it('KL matches the closed form worked by hand', () => {
    // μ = (1, 0), log σ² = (0, ln 2): ½[(1 + 1 − 1 − 0) + (0 + 2 − 1 − ln 2)] = 1 − ½ ln 2.
    const kl = value(gaussianKl(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, Math.log(2)]])));
    expect(kl).toBeCloseTo(1 - 0.5 * Math.log(2), 6);
    // N(0, 1) itself: 0; and the batch mean of two rows (0 and ½·(4 + 1 − 1 − 0) = 2) is 1.
    expect(value(gaussianKl(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D))).toBe(0);
    expect(value(gaussianKl(tf.tensor2d([[0], [2]]), tf.tensor2d([[0], [0]])))).toBe(1);
  });

  it('MSE, reparameterisation and the τ projection by hand', () => {
    expect(value(meanSquaredError(tf.tensor([1, 2, 3, 4]), tf.tensor([1, 0, 3, 0])))).toBe(5);
    // z = μ + exp(½·ln 4)·ε = 1 + 2·(−0.5) = 0
    expect(
      Array.from(reparameterize(tf.tensor2d([[1]]), tf.tensor2d([[Math.log(4)]]), tf.tensor2d([[-0.5]])).dataSync())[0],
    ).toBeCloseTo(0, 6);
    expect(
      Array.from(
        projectOnDirection(
          tf.tensor2d([
            [3, 4],
            [1, 0],
          ]),
          tf.tensor1d([0, 2]),
        ).dataSync(),
      ),
    ).toEqual([4, 0]);
    expect(() => meanSquaredError(tf.zeros([2]), tf.zeros([3]))).toThrow(/equal shapes/);
    expect(() => cosineDirectionLoss(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2]) as tf.Tensor1D)).toThrow(
      /\[B, L\] and tau \[L\]/,
    );
  });

  it('gradients of the cosine term with respect to τ are orthogonal to τ (only its direction matters)', () => {
    const tau = tf.tensor1d([1, 2, 2]);
    const dz = tf.tensor2d([[0.3, -1, 0.5]]);
    const g = tf.grad((t: tf.Tensor) => cosineDirectionLoss(dz, t as tf.Tensor1D))(tau);
    expect(value(tf.sum(tf.mul(g, tau)))).toBeCloseTo(0, 6);
    tf.dispose([tau, dz, g]);
  });
});
