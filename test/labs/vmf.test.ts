import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { sampleBeta, sampleUniformSphere, sampleVonMisesFisher } from '../../src/labs/vmf.js';
import { pythonJson } from '../eval/python-reference.js';

/** A_n(κ) = I_{n/2}(κ) / I_{n/2−1}(κ) from scipy's exponentially scaled Bessel functions. */
function meanResultantLengths(cases: [number, number][]): number[] {
  return pythonJson<number[]>(
    'import json, sys\nfrom scipy.special import ive\ncases = json.load(sys.stdin)\nprint(json.dumps([float(ive(n / 2, k) / ive(n / 2 - 1, k)) for n, k in cases]))',
    cases,
  );
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('sampleVonMisesFisher (Wood 1994)', () => {
  const cases: [number, number][] = [
    [3, 1],
    [10, 1],
    [10, 10],
    [10, 50],
    [5, 0.2],
  ];
  const expected = meanResultantLengths(cases);

  cases.forEach(([n, kappa], c) => {
    it(`has mean resultant length A_${n}(${kappa}) = ${expected[c].toFixed(4)} and unit norm`, () => {
      const rng = createRng(100 + c);
      const mu = sampleUniformSphere(n, rng);
      const draws = 6000;
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < draws; i++) {
        const x = sampleVonMisesFisher(mu, kappa, rng);
        expect(Math.abs(Math.hypot(...x) - 1)).toBeLessThan(1e-12);
        const w = dot(mu, x);
        sum += w;
        sumSq += w * w;
      }
      const mean = sum / draws;
      const standardError = Math.sqrt((sumSq / draws - mean * mean) / draws);
      expect(Math.abs(mean - expected[c])).toBeLessThan(4 * standardError + 1e-4);
    });
  });

  it('spreads the tangent part evenly: the mean draw points along μ', () => {
    const rng = createRng(7);
    const mu = sampleUniformSphere(6, rng);
    const mean = new Float64Array(6);
    const draws = 20000;
    for (let i = 0; i < draws; i++) sampleVonMisesFisher(mu, 3, rng).forEach((v, j) => (mean[j] += v / draws));
    const length = Math.hypot(...mean);
    // the mean vector is A_6(3)·μ: its direction is μ to within sampling noise
    expect(dot(mean, mu) / length).toBeGreaterThan(0.999);
  });

  it('rejects a non-unit mean direction and a negative κ', () => {
    const rng = createRng(1);
    expect(() => sampleVonMisesFisher([1, 1, 0], 1, rng)).toThrow(/unit vector/);
    expect(() => sampleVonMisesFisher([1, 0, 0], -1, rng)).toThrow(/kappa must be/);
  });
});

describe('sampleUniformSphere and sampleBeta', () => {
  it('gives coordinates with mean 0 and variance 1/n', () => {
    const rng = createRng(3);
    const n = 10;
    const draws = 20000;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < draws; i++) {
      const x = sampleUniformSphere(n, rng);
      s += x[0];
      ss += x[0] * x[0];
    }
    expect(Math.abs(s / draws)).toBeLessThan(0.01);
    expect(Math.abs(ss / draws - 1 / n)).toBeLessThan(0.005);
  });

  it('draws Beta(a, b) with mean a/(a+b) and variance ab/((a+b)²(a+b+1))', () => {
    const rng = createRng(5);
    for (const [a, b] of [
      [4.5, 4.5],
      [0.5, 2],
    ]) {
      const draws = 40000;
      let s = 0;
      let ss = 0;
      for (let i = 0; i < draws; i++) {
        const v = sampleBeta(a, b, rng);
        s += v;
        ss += v * v;
      }
      const mean = s / draws;
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(0.005);
      expect(Math.abs(ss / draws - mean * mean - (a * b) / ((a + b) ** 2 * (a + b + 1)))).toBeLessThan(0.003);
    }
  });
});
