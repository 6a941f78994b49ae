import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { directPredGains, directPredPredictor, updateCorrelation } from '../../../src/contrastive/losses/directpred.js';
import { createRng } from '../../../src/rng.js';
import { expectClose, randomMatrix } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function predictor(f: ArrayLike<number> | number[][], eps?: number): Float32Array {
  const w = directPredPredictor(f, eps === undefined ? {} : { eps });
  const out = w.dataSync() as Float32Array;
  w.dispose();
  return out;
}

describe('updateCorrelation', () => {
  it('starts at E[f fᵀ] and then blends ρ·F + (1 − ρ)·E[f fᵀ]', () => {
    const f1 = tf.tensor2d([
      [1, 2],
      [3, 0],
    ]);
    const first = updateCorrelation(undefined, f1);
    // (1/2)·([1,2]ᵀ[1,2] + [3,0]ᵀ[3,0]) = (1/2)·[[10, 2], [2, 4]]
    expect(Array.from(first)).toEqual([5, 1, 1, 2]);
    const f2 = tf.tensor2d([[0, 1]]);
    const second = updateCorrelation(first, f2, 0.3);
    expectClose(second, [0.3 * 5, 0.3 * 1, 0.3 * 1, 0.3 * 2 + 0.7], 1e-12);
    expect(Array.from(first)).toEqual([5, 1, 1, 2]);
    expect(() => updateCorrelation(first, f2, 1)).toThrow(/rho must be in \[0, 1\), not 1/);
    expect(() => updateCorrelation(new Float64Array(9), f2)).toThrow(/2×2/);
    tf.dispose([f1, f2]);
  });
});

describe('directPredGains', () => {
  it('is sqrt(max(s, 0)/s_max) + ε, clamped at 1e-4', () => {
    expectClose(directPredGains([4, 1, 0, -1]), [1.01, 0.51, 0.01, 0.01], 1e-12);
    expectClose(directPredGains([4, 1, 0], 0), [1, 0.5, 1e-4], 1e-12);
    expectClose(directPredGains([0, 0]), [0.01, 0.01], 1e-12);
    expect(() => directPredGains([1], -1)).toThrow(/eps must be .* not -1/);
  });
});

describe('directPredPredictor', () => {
  it('gives diag(p) for a diagonal F and R diag(p) Rᵀ for a rotated one (by hand)', () => {
    expectClose(
      predictor([
        [4, 0],
        [0, 1],
      ]),
      [1.01, 0, 0, 0.51],
      1e-6,
    );
    const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
    const f = [
      [4 * c * c + s * s, 3 * c * s],
      [3 * c * s, 4 * s * s + c * c],
    ];
    const expected = [1.01 * c * c + 0.51 * s * s, 0.5 * c * s, 0.5 * c * s, 1.01 * s * s + 0.51 * c * c];
    expectClose(predictor(f), expected, 1e-6);
  });

  it('equals (F/s_max)^{1/2} + εI for a PSD F: (W − εI)² = F / s_max', () => {
    const rng = createRng(3);
    const d = 10;
    const f = tf.tensor2d(randomMatrix(rng, 40, d));
    const correlation = updateCorrelation(undefined, f);
    const before = tf.memory().numTensors;
    const w = directPredPredictor(correlation, { eps: 0.05 });
    expect(tf.memory().numTensors).toBe(before + 1);
    const square = tf.tidy(() => {
      const shifted = tf.sub(w, tf.mul(tf.eye(d), 0.05));
      return tf.matMul(shifted, shifted).dataSync();
    });
    // s_max independently of the eigensolver: power iteration in plain loops
    let v = new Float64Array(d).fill(1);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const next = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) next[i] += correlation[i * d + j] * v[j];
      lambda = Math.hypot(...next);
      v = next.map((x) => x / lambda);
    }
    expectClose(
      square,
      Array.from(correlation).map((x) => x / lambda),
      1e-4,
    );
    tf.dispose([f, w]);
  });
});
