import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineMomentum, emaUpdate } from '../../src/train/momentum.js';
import { expectClose } from '../contrastive/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('cosineMomentum', () => {
  it('follows m_k = 1 − (1 − m_base)(cos(πk/K) + 1)/2', () => {
    expectClose(cosineMomentum(0, 100), 0.996, 1e-12);
    expectClose(cosineMomentum(100, 100), 1, 1e-12);
    expectClose(cosineMomentum(50, 100, 0.99), 0.995, 1e-12); // cos(π/2) = 0 → halfway
    expectClose(cosineMomentum(25, 100, 0.9), 1 - (0.1 * (Math.SQRT1_2 + 1)) / 2, 1e-12);
  });

  it('spells out its edge cases: K = 0 keeps m_base, k > K is clamped to K', () => {
    expect(cosineMomentum(0, 0, 0.99)).toBe(0.99);
    expect(cosineMomentum(7, 0, 0.99)).toBe(0.99);
    expect(cosineMomentum(150, 100, 0.99)).toBe(1);
    expect(() => cosineMomentum(-1, 10)).toThrow(/step must be .* not -1/);
    expect(() => cosineMomentum(1, 2.5)).toThrow(/totalSteps must be a non-negative integer, not 2.5/);
    expect(() => cosineMomentum(1, 10, 1.2)).toThrow(/base momentum must be in \[0, 1\], not 1.2/);
  });

  it('rises monotonically', () => {
    const values = Array.from({ length: 11 }, (_, k) => cosineMomentum(k, 10));
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
  });
});

describe('emaUpdate', () => {
  it('sets target ← m·target + (1 − m)·online in place, without leaks', () => {
    const target = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor2d([[0, 4]]))];
    const online = [tf.tensor1d([3, 6]), tf.tensor2d([[2, 0]])];
    const before = tf.memory().numTensors;
    emaUpdate(target, online, 0.75);
    expect(tf.memory().numTensors).toBe(before);
    expectClose(target[0].dataSync(), [1.5, 3]);
    expectClose(target[1].dataSync(), [0.5, 3]);
    emaUpdate(target, online, 1);
    expectClose(target[0].dataSync(), [1.5, 3]);
    emaUpdate(target, online, 0);
    expectClose(target[0].dataSync(), [3, 6]);
    expect(() => emaUpdate(target, online, 1.5)).toThrow(/momentum must be in \[0, 1\], not 1.5/);
    expect(() => emaUpdate(target, online.slice(0, 1), 0.9)).toThrow(/as many/);
    expect(() => emaUpdate([target[0]], [online[1]], 0.9)).toThrow(/shape/);
    tf.dispose([...target, ...online]);
  });
});
