import { describe, expect, it } from 'vitest';
import {
  pairedComparison,
  pairedDifferences,
  pairedPermutationTest,
  signFlipTest,
} from '../../src/math/paired-test.js';
import { createRng } from '../../src/rng.js';
import { scipyJson } from './scipy-reference.js';

function shiftedSample(n: number, shift: number, seed: number, round = false): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const v = shift + rng.normal();
    return round ? Math.round(v) : v;
  });
}

describe('signFlipTest by hand', () => {
  it('enumerates the 8 sign vectors of (1, 2, 3): |±1 ±2 ±3| ≥ 6 twice', () => {
    const test = signFlipTest([1, 2, 3]);
    expect(test).toEqual({ statistic: 2, p: 0.25, exact: true, permutations: 8, n: 3 });
  });

  it('reaches its exact minimum 2/2ⁿ when every subject favours the same side', () => {
    expect(signFlipTest([1, 1, 1, 1]).p).toBe(2 / 16);
    expect(signFlipTest([-0.5, -0.25, -1, -2, -3]).p).toBe(2 / 32);
  });

  it('counts tied sums as extreme and drops zero differences from the enumeration', () => {
    // non-zero (1, −1, 2), observed sum 2: sums 2, −2, 4, 0, 0, −4, 2, −2 → 6 of 8 reach |2|
    const test = signFlipTest([1, -1, 2, 0]);
    expect(test.p).toBe(0.75);
    expect(test.statistic).toBe(0.5);
    expect(test.n).toBe(4);
    expect(test.permutations).toBe(8);
  });

  it('gives p = 1 when all differences are zero', () => {
    expect(signFlipTest([0, 0, 0]).p).toBe(1);
    expect(signFlipTest([0, 0, 0]).statistic).toBe(0);
  });

  it('treats sums equal up to rounding as ties', () => {
    // (0.1, 0.1, −0.1, 0.7): exactly, |±0.1 ±0.1 ∓0.1 + 0.7| ≥ 0.8 for 4 of the 8 vectors with +0.7
    // ((+,+,+), (+,+,−), (+,−,−), (−,+,−)), and likewise with −0.7: p = 8/16. In floating point
    // three of those sums land a few ulps below the observed one; without the slack p would be 4/16.
    expect(signFlipTest([0.1, 0.1, -0.1, 0.7]).p).toBe(0.5);
  });

  it('Monte-Carlo p carries the +1 correction and never reaches 0 (Phipson & Smyth 2010)', () => {
    const test = signFlipTest(new Array(40).fill(1), { exact: false, resamples: 999, seed: 1 });
    expect(test.exact).toBe(false);
    expect(test.p).toBe(1 / 1000);
  });

  it('refuses fewer than 2 subjects, NaN and unequal pairs', () => {
    expect(() => signFlipTest([1])).toThrow(/at least 2 subjects, not 1/);
    expect(() => signFlipTest([1, NaN])).toThrow(/finite numbers, not NaN at subject 1/);
    expect(() => pairedDifferences([1, 2], [1])).toThrow(/not 2 and 1/);
    expect(() => pairedDifferences([1, Infinity], [1, 2])).toThrow(/finite numbers, not Infinity and 2 at subject 1/);
    expect(() => signFlipTest(new Array(40).fill(1), { exact: true })).toThrow(/2\^40 sign vectors is too large/);
  });

  it('goes exact up to 2²⁰ sign vectors and Monte-Carlo beyond', () => {
    expect(signFlipTest(shiftedSample(20, 0.3, 1)).exact).toBe(true);
    expect(signFlipTest(shiftedSample(21, 0.3, 1)).exact).toBe(false);
  });
});

describe('pairedPermutationTest', () => {
  it('with the mean of sign-flipped differences reproduces signFlipTest exactly', () => {
    const d = shiftedSample(10, 0.6, 3);
    const swapMean = (swapped: Uint8Array) => d.reduce((s, v, i) => s + (swapped[i] ? -v : v), 0) / d.length;
    const general = pairedPermutationTest(d.length, swapMean, { resamples: 1024 });
    const flip = signFlipTest(d);
    expect(general.exact).toBe(true);
    expect(general.permutations).toBe(1024);
    expect(general.p).toBe(flip.p);
    expect(general.statistic).toBeCloseTo(flip.statistic, 15);
    const mc = pairedPermutationTest(d.length, swapMean, { resamples: 20000, seed: 2, exact: false });
    expect(mc.exact).toBe(false);
    expect(Math.abs(mc.p - flip.p)).toBeLessThan(4 * Math.sqrt((flip.p * (1 - flip.p)) / 20000) + 1e-4);
  });

  it('refuses a statistic undefined on the observed results', () => {
    expect(() => pairedPermutationTest(3, () => NaN)).toThrow(/not finite on the observed results/);
  });
});

describe('pairedComparison', () => {
  it('identical methods: difference 0, interval [0, 0], p = 1', () => {
    const a = shiftedSample(12, 0.7, 5);
    const c = pairedComparison(a, a, { bootstrap: { resamples: 500 } });
    expect(c.meanDifference).toBe(0);
    expect([c.interval.low, c.interval.high]).toEqual([0, 0]);
    expect(c.test.p).toBe(1);
  });

  it('one method right on every subject where the other is wrong: p at its exact minimum', () => {
    const a = new Array(8).fill(1);
    const b = new Array(8).fill(0);
    const c = pairedComparison(a, b, { bootstrap: { resamples: 500 } });
    expect(c.meanDifference).toBe(1);
    expect(c.test.p).toBe(2 / 256);
    expect([c.interval.low, c.interval.high]).toEqual([1, 1]);
  });
});

describe('signFlipTest against scipy.stats.permutation_test', () => {
  const SCIPY_EXACT = `from scipy import stats
mean = lambda x, axis=-1: np.mean(x, axis=axis)
out = [float(stats.permutation_test((np.array(d),), mean, permutation_type='samples', n_resamples=np.inf, alternative='two-sided').pvalue) for d in inp['samples']]`;

  it('exact p equals scipy exact enumeration to 1e-12 (continuous, integer ties, zeros)', () => {
    const samples = [
      shiftedSample(8, 0.5, 1),
      shiftedSample(12, 0.4, 2),
      shiftedSample(15, 0.2, 3),
      shiftedSample(14, 0.8, 4, true), // integers: many tied sums
      [...shiftedSample(10, 1, 5, true), 0, 0, 0],
      [0.25, -0.25, 0.5, 0.5, -0.125, 0.75, 0, 0.25, -0.5, 0.375],
    ];
    const ref = scipyJson<number[]>(SCIPY_EXACT, { samples });
    samples.forEach((d, i) => {
      const ours = signFlipTest(d);
      expect(ours.exact).toBe(true);
      expect(Math.abs(ours.p - ref[i])).toBeLessThan(1e-12);
    });
    // the cases span small and large p-values
    expect(Math.min(...ref)).toBeLessThan(0.02);
    expect(Math.max(...ref)).toBeGreaterThan(0.3);
  });

  it('Monte-Carlo p agrees with the exact p and with scipy Monte-Carlo within sampling error', () => {
    const d = shiftedSample(24, 0.45, 7);
    const exact = signFlipTest(d, { exact: true });
    const mc = signFlipTest(d, { exact: false, resamples: 40000, seed: 3 });
    const ref = scipyJson<number>(
      `from scipy import stats
out = float(stats.permutation_test((np.array(inp['d']),), lambda x, axis=-1: np.mean(x, axis=axis), permutation_type='samples', n_resamples=40000, random_state=1).pvalue)`,
      { d },
    );
    const sd = Math.sqrt((exact.p * (1 - exact.p)) / 40000);
    expect(exact.p).toBeGreaterThan(0.005);
    expect(exact.p).toBeLessThan(0.2);
    expect(Math.abs(mc.p - exact.p)).toBeLessThan(4 * sd);
    expect(Math.abs(ref - exact.p)).toBeLessThan(6 * sd); // scipy's 2·min(one-sided) estimator is a little noisier
  });
});
