import { describe, expect, it } from 'vitest';
import {
  balancedAccuracy,
  binaryRocAuc,
  brainAgeGap,
  confusionMatrix,
  mae,
  midranks,
  pearsonR,
  perClassRecall,
  r2,
  rocAuc,
  sensitivity,
  specificity,
} from '../../src/eval/metrics.js';

// Expected values are worked out by hand below each case; the sklearn-doc examples are the
// ones printed in sklearn's own docstrings for the same inputs.
describe('classification metrics', () => {
  it('confusionMatrix has true classes in rows (sklearn docstring example)', () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 1], 2)).toThrow(/integers in \[0, 2\), not 3/);
  });

  it('balancedAccuracy is the mean per-class recall (sklearn docstring: 0.625)', () => {
    // recall class 0 = 3/4, class 1 = 1/2
    expect(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])).toBeCloseTo(0.625, 12);
    expect(perClassRecall([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])).toEqual([0.75, 0.5]);
    // three classes: recalls 1/2, 1, 1/3 → 11/18
    expect(balancedAccuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 1], 3)).toBeCloseTo(11 / 18, 12);
  });

  it('balancedAccuracy with a declared class that is absent from the fold is an error', () => {
    expect(() => balancedAccuracy([0, 0, 1], [0, 1, 1], 3)).toThrow(/class 2 is undefined: the class has no sample/);
    // without declared classes, sklearn averages over the classes present in y_true: (1/2 + 1)/2
    expect(balancedAccuracy([0, 0, 1], [0, 2, 1])).toBeCloseTo(0.75, 12);
  });

  it('sensitivity and specificity count the positive class', () => {
    // TP=2 FN=1, TN=3 FP=1
    const t = [1, 1, 1, 0, 0, 0, 0];
    const p = [1, 0, 1, 0, 1, 0, 0];
    expect(sensitivity(t, p)).toBeCloseTo(2 / 3, 12);
    expect(specificity(t, p)).toBeCloseTo(3 / 4, 12);
    // swapping the positive class swaps the two
    expect(sensitivity(t, p, 0)).toBeCloseTo(3 / 4, 12);
    expect(() => sensitivity([0, 0], [0, 1])).toThrow(/no sample of the positive class/);
    expect(() => specificity([1, 1], [0, 1])).toThrow(/undefined/);
  });
});

describe('ROC AUC', () => {
  it('midranks share ties', () => {
    expect(Array.from(midranks([0.5, 0.2, 0.5, 0.8, 0.5]))).toEqual([3, 1, 3, 5, 3]);
  });

  it('binary AUC matches the sklearn docstring example (0.75)', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('ties count one half (Mann–Whitney = trapezoidal ROC area)', () => {
    // positives {0.5, 0.8, 0.5}, negatives {0.5, 0.2}:
    // 0.5: ½ + 1, 0.8: 1 + 1, 0.5: ½ + 1 → 5 of 6 pairs
    expect(binaryRocAuc([0, 0, 1, 1, 1], [0.5, 0.2, 0.5, 0.8, 0.5])).toBeCloseTo(5 / 6, 12);
    // all scores tied → ½
    expect(rocAuc([0, 1, 0, 1], [3, 3, 3, 3])).toBeCloseTo(0.5, 12);
    // perfectly inverted → 0
    expect(rocAuc([0, 1], [2, 1])).toBe(0);
  });

  it('two-column probability rows use the class-1 column', () => {
    expect(
      rocAuc(
        [0, 0, 1, 1],
        [
          [0.9, 0.1],
          [0.6, 0.4],
          [0.65, 0.35],
          [0.2, 0.8],
        ],
      ),
    ).toBeCloseTo(0.75, 12);
  });

  it('more classes: unweighted mean of one-vs-rest AUCs', () => {
    const y = [0, 1, 2, 2];
    const probs = [
      [0.6, 0.3, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.2, 0.7],
      [0.4, 0.3, 0.3],
    ];
    // class 0: 0.6 beats 0.2, 0.1, 0.4 → 1; class 1: 0.5 beats 0.3, 0.2, 0.3 → 1;
    // class 2: positives {0.7, 0.3} vs negatives {0.1, 0.3} → (2 + 1 + ½)/4 = 0.875
    expect(rocAuc(y, probs)).toBeCloseTo((1 + 1 + 0.875) / 3, 12);
  });

  it('is undefined with one class present, and says so', () => {
    expect(() => rocAuc([1, 1, 1], [0.2, 0.3, 0.4])).toThrow(/only one class present/);
    expect(() =>
      rocAuc(
        [0, 1, 1],
        [
          [0.5, 0.3, 0.2],
          [0.1, 0.8, 0.1],
          [0.2, 0.7, 0.1],
        ],
      ),
    ).toThrow(/class 2 is undefined/);
  });
});

describe('regression metrics', () => {
  it('mae and r2 match the sklearn docstring example', () => {
    const t = [3, -0.5, 2, 7];
    const p = [2.5, 0.0, 2, 8];
    // |0.5| + |0.5| + 0 + 1 = 2 → 0.5
    expect(mae(t, p)).toBeCloseTo(0.5, 12);
    // SS_res = 0.25+0.25+0+1 = 1.5; mean 2.875, SS_tot = 0.015625+11.390625+0.765625+17.015625 = 29.1875
    expect(r2(t, p)).toBeCloseTo(1 - 1.5 / 29.1875, 12);
    expect(r2(t, p)).toBeCloseTo(0.9486081370449679, 12);
    expect(() => r2([1, 1], [1, 2])).toThrow(/constant/);
  });

  it('pearsonR by hand', () => {
    // dx = [-2,-1,0,1,2], dy = [-2,0,1,0,1]: sxy = 6, sxx = 10, syy = 6
    expect(pearsonR([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(pearsonR([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(() => pearsonR([1, 1, 1], [1, 2, 3])).toThrow(/x is constant/);
    expect(() => pearsonR([1, 2], [1])).toThrow(/same length/);
  });

  it('brainAgeGap is predicted minus chronological', () => {
    expect(brainAgeGap([70, 65.5], [68, 66])).toEqual([2, -0.5]);
  });
});
