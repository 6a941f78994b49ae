/** Shared test helpers for the contrastive losses: closeness checks and random unit vectors. */
import { expect } from 'vitest';
import type { Rng } from '../../src/rng.js';

/** Every entry of `actual` within `tol` (absolute + relative) of `expected`. */
export function expectClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, tol = 1e-5): void {
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
