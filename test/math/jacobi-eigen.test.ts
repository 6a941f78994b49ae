import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/math/eigen.js';
import { jacobiEigen } from '../../src/math/jacobi-eigen.js';
import { createRng } from '../../src/rng.js';
import { compose, expectClose, randomOrthogonal } from '../contrastive/helpers.js';

describe('jacobiEigen', () => {
  it('agrees with Householder + QL on eigenvalues and (up to sign) eigenvectors', () => {
    const rng = createRng(8);
    const n = 24;
    const s = Array.from({ length: n }, (_, i) => 10 - i * 0.4 + rng.uniform(0, 0.1));
    const a = compose(randomOrthogonal(rng, n), s, n);
    const jacobi = jacobiEigen(a, n);
    const ql = symmetricEigen(a, n);
    expectClose(jacobi.values, ql.values, 1e-11);
    for (let j = 0; j < n; j++) {
      const sign = Math.sign(jacobi.vectors[j] * ql.vectors[j]) || 1;
      for (let i = 0; i < n; i++)
        expect(Math.abs(jacobi.vectors[i * n + j] - sign * ql.vectors[i * n + j])).toBeLessThan(1e-9);
    }
    expect(jacobi.iterations).toBeLessThan(15);
  });
});
