/** Shared test helpers for the contrastive losses: closeness checks and random unit vectors. */
import { expect } from 'vitest';
import type { Rng } from '../../src/rng.js';

/** Every entry of `actual` within `tol` (absolute + relative) of `expected`. */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  tol = 1e-5,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i]));
    if (!ok) expect.fail(`entry ${i}: ${a[i]} is not within ${tol} of ${e[i]}`);
  }
}

/** rows × dim standard normal entries, as nested arrays. */
export function randomMatrix(rng: Rng, rows: number, dim: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: dim }, () => rng.normal()));
}

export function normalizeRow(v: readonly number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A random orthogonal n×n matrix (Gram–Schmidt on Gaussian columns), row-major. */
export function randomOrthogonal(rng: Rng, n: number): Float64Array {
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
export function compose(q: ArrayLike<number>, s: readonly number[] | Float64Array, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q[i * n + k] * s[k] * q[j * n + k];
      a[i * n + j] = sum;
    }
  return a;
}
