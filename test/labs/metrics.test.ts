import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import {
  absCorrelationMatrix,
  bestAbsCorrelations,
  linearReadoutR2,
  meanCorrelationCoefficient,
} from '../../src/labs/metrics.js';
import type { Matrix } from '../../src/math/linear.js';

function matrix(rows: number[][]): Matrix {
  return { rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) };
}

describe('lab metrics', () => {
  it('gives R² = 1 for features that are an invertible linear map of the latents, and ≈ 0 for independent noise', () => {
    const rng = createRng(1);
    const latents = () => Array.from({ length: 300 }, () => [rng.normal(), rng.normal()]);
    const mix = (z: number[][]) => z.map(([a, b]) => [2 * a - b + 1, a + 3 * b, 0.5 * a]);
    const zFit = latents();
    const zTest = latents();
    expect(linearReadoutR2(matrix(mix(zFit)), matrix(zFit), matrix(mix(zTest)), matrix(zTest))).toBeCloseTo(1, 8);
    const noise = () => Array.from({ length: 300 }, () => [rng.normal(), rng.normal()]);
    const r2 = linearReadoutR2(matrix(noise()), matrix(zFit), matrix(noise()), matrix(zTest));
    expect(r2).toBeLessThan(0.05);
    expect(r2).toBeGreaterThan(-0.1);
  });

  it('computes |Pearson r| by hand and gives 0 for a constant unit', () => {
    // x = [1,2,3,4], y = [2,4,6,8] → r = 1; −x → |r| = 1; [1,0,0,1] is uncorrelated with x (r = 0)
    const a = matrix([[1], [2], [3], [4]]);
    const b = matrix([
      [2, -1, 1, 5],
      [4, -2, 0, 5],
      [6, -3, 0, 5],
      [8, -4, 1, 5],
    ]);
    const corr = absCorrelationMatrix(a, b)[0];
    expect(corr[0]).toBeCloseTo(1, 12);
    expect(corr[1]).toBeCloseTo(1, 12);
    expect(corr[2]).toBeCloseTo(0, 12);
    expect(corr[3]).toBe(0);
    expect(bestAbsCorrelations(a, b)).toEqual([corr[0]]);
  });

  it('gives MCC = 1 for permuted, rescaled and sign-flipped latents, and matches one-to-one', () => {
    const rng = createRng(2);
    const z = Array.from({ length: 200 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const units = z.map(([a, b, c]) => [-3 * c, b + 1, 2 * a]);
    expect(meanCorrelationCoefficient(matrix(z), matrix(units))).toBeCloseTo(1, 10);
    // two units copying latent 0: only one may count, so latent 1 gets |r| ≈ 0
    const copies = z.map(([a]) => [a, a]);
    const mcc = meanCorrelationCoefficient(matrix(z.map(([a, b]) => [a, b])), matrix(copies));
    expect(mcc).toBeGreaterThan(0.45);
    expect(mcc).toBeLessThan(0.6);
  });
});
