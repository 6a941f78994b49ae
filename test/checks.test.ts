import { describe, expect, it } from 'vitest';
import { fraction, nonNegativeWeight, oneOf, positiveInteger, positiveNumber, unitInterval } from '../src/checks.js';
import { LsslError } from '../src/errors.js';

describe('argument checks', () => {
  it('return good values and reject bad ones as input errors that echo the value', () => {
    expect(positiveInteger('steps', 3)).toBe(3);
    expect(positiveNumber('kappa', 0.5)).toBe(0.5);
    expect(unitInterval('sparsity', 0)).toBe(0);
    expect(() => positiveInteger('steps', 2.5)).toThrow('steps must be a positive integer, not 2.5');
    expect(() => positiveNumber('kappa', Infinity)).toThrow('kappa must be a positive number, not Infinity');
    expect(() => unitInterval('sparsity', 1.5)).toThrow('sparsity must be in [0, 1], not 1.5');
    try {
      positiveInteger('steps', 0);
    } catch (error) {
      expect(error).toBeInstanceOf(LsslError);
      expect((error as LsslError).exitCode).toBe(2);
    }
  });

  it('weights ≥ 0, fractions in [0, 1), one of a list, each naming the rule and the value', () => {
    expect(nonNegativeWeight('lambda-dir', 0)).toBe(0);
    expect(() => nonNegativeWeight('beta', -1)).toThrow('beta must be a finite number ≥ 0, not -1');
    expect(() => nonNegativeWeight('beta', NaN)).toThrow('beta must be a finite number ≥ 0, not NaN');
    expect(fraction('validationFraction', 0)).toBe(0);
    expect(() => fraction('validationFraction', 1)).toThrow('validationFraction must be in [0, 1), not 1');
    expect(oneOf('positives', 'visits', ['views', 'visits'])).toBe('visits');
    expect(() => oneOf('positives', 'pairs', ['views', 'visits'])).toThrow(
      `positives must be 'views' or 'visits', not "pairs"`,
    );
    expect(() => oneOf('norm', 3, ['none', 'batch', 'layer'])).toThrow(
      `norm must be 'none', 'batch' or 'layer', not 3`,
    );
    expect(() => positiveInteger('projectionSize', '8')).toThrow('projectionSize must be a positive integer, not 8');
  });
});
