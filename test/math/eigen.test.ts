import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/math/eigen.js';
import { jacobiEigen } from '../../src/math/jacobi-eigen.js';
import { pythonJson } from '../eval/python-reference.js';
import { createRng } from '../../src/rng.js';
import { compose, expectClose, randomOrthogonal } from '../contrastive/helpers.js';

function expectOrthonormalColumns(v: Float64Array, n: number, tol = 1e-10): void {
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
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

describe.each([
  ['symmetricEigen (Householder + QL)', symmetricEigen],
  ['jacobiEigen', jacobiEigen],
])('%s', (_name, symmetricEigen) => {
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
      expectClose(
        values,
        [...s].sort((x, y) => y - x),
        1e-10,
      );
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
    expect(zero.iterations).toBe(0);
  });

  it('accepts Float32 input and rejects asymmetric or malformed input', () => {
    const { values } = symmetricEigen(new Float32Array([2, 1, 1, 2]), 2);
    expectClose(values, [3, 1], 1e-7);
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(/symmetric.*\(0, 1\) = 2 and \(1, 0\) = 3/);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2×2 = 4 entries, not 3/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/finite/);
  });
});

describe('symmetricEigen against numpy', () => {
  it('gives numpy.linalg.eigh’s eigenvalues on a random symmetric 30×30 matrix', () => {
    const rng = createRng(44);
    const n = 30;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const script =
      'import json,sys,numpy as np; a=np.array(json.load(sys.stdin)); print(json.dumps(np.linalg.eigvalsh(a)[::-1].tolist()))';
    const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
    const expected = pythonJson<number[]>(script, rows);
    expectClose(symmetricEigen(a, n).values, expected, 1e-11);
    expectClose(jacobiEigen(a, n).values, expected, 1e-11);
  });
});
