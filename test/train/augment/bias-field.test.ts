import { describe, expect, it } from 'vitest';
import { biasField, biasFieldTerms } from '../../../src/train/augment/bias-field.js';

describe('biasField', () => {
  it('has (order+1)(order+2)(order+3)/6 terms, TorchIO’s count (20 for order 3)', () => {
    expect(biasFieldTerms(3).length).toBe(20);
    expect(biasFieldTerms(0)).toEqual([[0, 0, 0]]);
    expect(biasFieldTerms(1)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('is exp(c) for a constant and exp(c·x) with x ∈ [−1, 1] for a linear term (by hand)', () => {
    const shape: [number, number, number] = [5, 3, 2];
    const constant = biasField(shape, 1, [0.4, 0, 0, 0]);
    for (const v of constant) expect(v).toBeCloseTo(Math.exp(0.4), 6);
    const linearX = biasField(shape, 1, [0, 0, 0, 0.5]); // term (1, 0, 0)
    expect(linearX[0]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(linearX[2]).toBeCloseTo(1, 6);
    expect(linearX[4]).toBeCloseTo(Math.exp(0.5), 6);
    // an x·y·z term in order 3 at the corner (1, 1, 1)
    const terms = biasFieldTerms(3);
    const coefficients = terms.map(([i, j, k]) => (i === 1 && j === 1 && k === 1 ? 0.3 : 0));
    const cubic = biasField(shape, 3, coefficients);
    expect(cubic[cubic.length - 1]).toBeCloseTo(Math.exp(0.3), 6);
    expect(cubic[0]).toBeCloseTo(Math.exp(-0.3), 6);
    expect(() => biasField(shape, 2, [1])).toThrow(/needs 10 coefficients, not 1/);
  });
});
