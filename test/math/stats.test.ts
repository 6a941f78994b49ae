import { describe, expect, it } from 'vitest';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTTwoSidedP,
  welchTTest,
} from '../../src/math/stats.js';
import { createRng } from '../../src/rng.js';
import { pythonJson } from '../eval/python-reference.js';

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    // scipy.special.gammaln
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
    expect(logGamma(10.5)).toBeCloseTo(13.940625219403763, 11);
    expect(logGamma(171.2)).toBeCloseTo(707.60092684767, 9);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('meets closed forms: I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b, I_½(a,a) = ½', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 13);
    expect(regularizedIncompleteBeta(0.7, 1, 4)).toBeCloseTo(1 - 0.3 ** 4, 13);
    expect(regularizedIncompleteBeta(0.5, 7.3, 7.3)).toBeCloseTo(0.5, 13);
    // I_x(½,½) = (2/π)·asin(√x)
    expect(regularizedIncompleteBeta(0.2, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.2)), 12);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedIncompleteBeta(1.2, 2, 3)).toThrow(/x in \[0, 1\], not 1.2/);
  });

  it('matches scipy.special.betainc', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.2967529892956661, 12);
    expect(regularizedIncompleteBeta(0.02, 0.5, 10)).toBeCloseTo(0.46984742386760947, 12);
    expect(regularizedIncompleteBeta(0.45, 50, 60)).toBeCloseTo(0.4642352914306064, 11);
    expect(regularizedIncompleteBeta(0.5, 1e-3, 2)).toBeCloseTo(0.9998067465369479, 12);
  });
});

describe('Student t', () => {
  it('reproduces the two-sided 5% critical values of printed t tables', () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [10, 2.228],
      [30, 2.042],
      [120, 1.98],
    ];
    for (const [df, critical] of table) expect(studentTTwoSidedP(critical, df)).toBeCloseTo(0.05, 3);
    // one-sided 1% at df 5 is 3.365
    expect(1 - studentTCdf(3.365, 5)).toBeCloseTo(0.01, 4);
    expect(studentTTwoSidedP(2.228138851986, 10)).toBeCloseTo(0.05, 12); // scipy: 0.05000000000002323
    expect(studentTCdf(-1.5, 3.7)).toBeCloseTo(0.10679908460100665, 12); // scipy.stats.t.cdf
    // df = 1 is the Cauchy distribution: P(T ≤ 1) = ¾
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 13);
    expect(studentTTwoSidedP(0, 7)).toBe(1);
  });
});

describe('welchTTest', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False) on a worked example', () => {
    const a = [19.1, 20.3, 18.8, 21.0, 22.4, 19.7];
    const b = [23.5, 24.1, 22.0, 26.3, 25.0, 21.9, 27.2, 24.6];
    const result = welchTTest(a, b);
    expect(result.t).toBeCloseTo(-4.781388408177169, 11);
    expect(result.df).toBeCloseTo(11.989689209001495, 10);
    expect(result.p).toBeCloseTo(0.0004485667045970891, 13);
  });

  it('matches scipy on random groups of unequal size and spread', () => {
    const rng = createRng(21);
    const groups = Array.from({ length: 6 }, (_, g) => [
      Array.from({ length: 3 + g * 3 }, () => rng.normal() * (1 + g)),
      Array.from({ length: 20 - g * 2 }, () => 0.5 + rng.normal() * 0.5),
    ]);
    const reference = pythonJson<[number, number][]>(
      `import json, sys
from scipy import stats
out = []
for a, b in json.load(sys.stdin):
    r = stats.ttest_ind(a, b, equal_var=False)
    out.append([float(r.statistic), float(r.pvalue)])
print(json.dumps(out))`,
      groups,
    );
    groups.forEach(([a, b], i) => {
      const result = welchTTest(a, b);
      expect(result.t).toBeCloseTo(reference[i][0], 10);
      expect(result.p).toBeCloseTo(reference[i][1], 10);
    });
  });

  it('refuses groups too small or constant', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(/at least 2 values per group/);
    expect(() => welchTTest([1, 1], [2, 2])).toThrow(/both groups are constant/);
  });
});
