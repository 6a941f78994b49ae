import { describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { checkPositive, checkPositiveInteger, checkProbability } from '../../src/labs/options.js';

describe('lab option checks', () => {
  it('return good values and reject bad ones as input errors that echo the value', () => {
    expect(checkPositiveInteger('steps', 3)).toBe(3);
    expect(checkPositive('kappa', 0.5)).toBe(0.5);
    expect(checkProbability('sparsity', 0)).toBe(0);
    expect(() => checkPositiveInteger('steps', 2.5)).toThrow('steps must be a positive integer, not 2.5');
    expect(() => checkPositive('kappa', Infinity)).toThrow('kappa must be a positive number, not Infinity');
    expect(() => checkProbability('sparsity', 1.5)).toThrow('sparsity must be in [0, 1], not 1.5');
    try {
      checkPositiveInteger('steps', 0);
    } catch (error) {
      expect(error).toBeInstanceOf(LsslError);
      expect((error as LsslError).exitCode).toBe(2);
    }
  });
});
