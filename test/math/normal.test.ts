import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/math/normal.js';
import { scipyJson } from './scipy-reference.js';

describe('normalCdf / normalQuantile', () => {
  it('meets the textbook values and the edges', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('matches scipy.special.ndtr and ndtri', () => {
    const z = [-38, -20, -8.5, -5, -3.3, -1.6, -1.5, -0.7, -1e-3, 0, 1e-8, 0.3, 1.2, 1.7320508, 2.5, 4, 7.9, 9];
    const p = [
      1e-300,
      1e-30,
      1e-10,
      3e-6,
      0.001,
      0.02425,
      0.0243,
      0.1,
      0.3,
      0.4999,
      0.5,
      0.6,
      0.9,
      0.975,
      0.999,
      1 - 1e-9,
    ];
    const ref = scipyJson<{ cdf: number[]; q: number[] }>(
      `from scipy.special import ndtr, ndtri\nout = {'cdf': [float(ndtr(v)) for v in inp['z']], 'q': [float(ndtri(v)) for v in inp['p']]}`,
      { z, p },
    );
    z.forEach((v, i) => {
      const got = normalCdf(v);
      const want = ref.cdf[i];
      // relative in the lower tail (where the value is tiny), absolute near 1
      expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(2e-15, 1e-13 * Math.abs(want)));
    });
    p.forEach((v, i) =>
      expect(Math.abs(normalQuantile(v) - ref.q[i])).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(ref.q[i]))),
    );
  });
});
