import { describe, expect, it } from 'vitest';
import { probeResultCsv } from '../../../src/eval/probe/csv.js';
import type { NumericProbeResult } from '../../../src/eval/probe/probe.js';

describe('probeResultCsv', () => {
  it('writes one row per fold, then mean and sample sd', () => {
    const result: NumericProbeResult = {
      target: 'age',
      features: 'z',
      folds: 2,
      seed: 0,
      n_rows: 10,
      n_subjects: 5,
      n_missing: 0,
      kind: 'numeric',
      mae: 2,
      r: 0.5,
      r2: 0.3,
      per_fold: { mae: [1, 3], r: [0.5, null], r2: [0.2, 0.4], alpha: [1, 1], n_train: [5, 5], n_test: [5, 5] },
      curve: [],
    };
    const lines = probeResultCsv(result).trim().split(/\r?\n/);
    expect(lines[0]).toBe('target,features,fold,mae,r,r2,alpha,n_train,n_test');
    expect(lines[1]).toBe('age,z,1,1,0.5,0.2,1,5,5');
    expect(lines[2]).toBe('age,z,2,3,,0.4,1,5,5');
    // mean of [1,3] = 2, sd = √2; r has one defined value: mean 0.5, no sd
    expect(lines[3]).toBe('age,z,mean,2,0.5,0.30000000000000004,1,5,5');
    expect(lines[4].split(',').slice(0, 5)).toEqual(['age', 'z', 'sd', String(Math.SQRT2), '']);
  });
});
