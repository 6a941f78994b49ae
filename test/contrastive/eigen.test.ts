import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/contrastive/eigen.js';
import { createRng, type Rng } from '../../src/rng.js';
import { expectClose } from './helpers.js';

/** A random orthogonal n×n matrix (Gram–Schmidt on Gaussian columns), row-major. */
function randomOrthogonal(rng: Rng, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i * n + k] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * q[i * n + k];
      }
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) q[i * n + j] = v[i] / norm;
  }
  return q;
}

/** Q diag(s) Qᵀ, row-major. */
function compose(q: ArrayLike<number>, s: readonly number[] | Float64Array, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += q[i * n + k] * s[k] * q[j * n + k];
    a[i * n + j] = sum;
  }
  return a;
}

function expectOrthonormalColumns(v: Float64Array, n: number, tol = 1e-10): void {
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let d = 0;
    for (let i = 0; i < n; i++) d += v[i * n + a] * v[i * n + b];
    gram[a * n + b] = d;
  }
  expectClose(gram, compose(identity(n), new Array(n).fill(1), n), tol);
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

describe('symmetricEigen', () => {
  it('returns a diagonal matrix’s entries, sorted descending, with unit-vector columns', () => {
    const { values, vectors } = symmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 2], 3);
    expect(Array.from(values)).toEqual([3, 2, -1]);
    expect(Array.from(vectors).map(Math.abs)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
  });

  it('solves 2×2 cases worked out by hand', () => {
    // [[2,1],[1,2]]: eigenvalues 3 and 1, eigenvectors (1,1)/√2 and (1,−1)/√2
    const simple = symmetricEigen([2, 1, 1, 2], 2);
    expectClose(simple.values, [3, 1], 1e-14);
    expectClose([Math.abs(simple.vectors[0]), Math.abs(simple.vectors[2])], [Math.SQRT1_2, Math.SQRT1_2], 1e-14);
    expect(Math.sign(simple.vectors[1]) * Math.sign(simple.vectors[3])).toBe(-1);
    // R(θ) diag(5, 1) R(θ)ᵀ = [[5c²+s², 4cs], [4cs, 5s²+c²]]: eigenvectors are R's columns
    const t = 0.3;
    const [c, s] = [Math.cos(t), Math.sin(t)];
    const rotated = symmetricEigen([5 * c * c + s * s, 4 * c * s, 4 * c * s, 5 * s * s + c * c], 2);
    expectClose(rotated.values, [5, 1], 1e-14);
    const sign0 = Math.sign(rotated.vectors[0]);
    const sign1 = Math.sign(rotated.vectors[3]);
    expectClose([sign0 * rotated.vectors[0], sign0 * rotated.vectors[2]], [c, s], 1e-14);
    expectClose([sign1 * rotated.vectors[1], sign1 * rotated.vectors[3]], [-s, c], 1e-14);
  });

  it('recovers a random Q diag(s) Qᵀ (even and odd n) and reconstructs it', () => {
    const rng = createRng(17);
    for (const n of [1, 5, 12, 33]) {
      const s = Array.from({ length: n }, () => rng.uniform(-3, 10));
      const a = compose(randomOrthogonal(rng, n), s, n);
      const { values, vectors } = symmetricEigen(a, n);
      expectClose(values, [...s].sort((x, y) => y - x), 1e-10);
      expectOrthonormalColumns(vectors, n);
      expectClose(compose(vectors, values, n), a, 1e-10);
    }
  });

  it('handles repeated eigenvalues and rank deficiency', () => {
    const rng = createRng(5);
    const n = 8;
    const s = [2, 2, 2, 1, 1, 0, 0, 0];
    const a = compose(randomOrthogonal(rng, n), s, n);
    const { values, vectors } = symmetricEigen(a, n);
    expectClose(values, s, 1e-10);
    expectOrthonormalColumns(vectors, n);
    expectClose(compose(vectors, values, n), a, 1e-10);
    const zero = symmetricEigen(new Float64Array(9), 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(zero.sweeps).toBe(0);
  });

  it('accepts Float32 input and rejects asymmetric or malformed input', () => {
    const { values } = symmetricEigen(new Float32Array([2, 1, 1, 2]), 2);
    expectClose(values, [3, 1], 1e-7);
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(/symmetric.*\(0, 1\) = 2 and \(1, 0\) = 3/);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2×2 = 4 entries, not 3/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/finite/);
  });
});
