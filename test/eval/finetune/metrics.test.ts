import { describe, expect, it } from 'vitest';
import { classMetrics, convergenceSummary, numericMetrics } from '../../../src/eval/finetune/metrics.js';

const rows = (...r: number[][]) => r.map((x) => Float32Array.from(x));

describe('classMetrics', () => {
  it('matches hand-worked cross-entropy, balanced accuracy and AUC', () => {
    // y = [0, 0, 1, 1]; P(class 1) = 0.2, 0.6, 0.7, 0.4 → predictions 0, 1, 1, 0
    const m = classMetrics([0, 0, 1, 1], rows([0.8, 0.2], [0.4, 0.6], [0.3, 0.7], [0.6, 0.4]));
    expect(m.loss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.4) + Math.log(0.7) + Math.log(0.4)) / 4, 6);
    expect(m.balanced_accuracy).toBeCloseTo(0.5, 12); // recall 1/2 for each class
    // positive scores 0.7, 0.4 vs negatives 0.2, 0.6: pairs won 0.7>0.2, 0.7>0.6, 0.4>0.2 → 3/4
    expect(m.auc).toBeCloseTo(0.75, 12);
  });

  it('gives null metrics (not an exception) when a class is absent from the split', () => {
    const m = classMetrics([1, 1], rows([0.3, 0.7], [0.6, 0.4]));
    expect(m.balanced_accuracy).toBeNull();
    expect(m.auc).toBeNull();
    expect(m.loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.4)) / 2, 6);
  });
});

describe('numericMetrics', () => {
  it('matches hand-worked MAE, r and the z-scored MSE', () => {
    const m = numericMetrics([1, 2, 3], [2, 2, 5], 2);
    expect(m.mae).toBeCloseTo(1, 12);
    expect(m.loss).toBeCloseTo((0.25 + 0 + 1) / 3, 12);
    // x = [1,2,3], y = [2,2,5]: sxy = 3, sxx = 2, syy = 6 → r = 3/√12
    expect(m.r).toBeCloseTo(3 / Math.sqrt(12), 12);
  });
});

describe('convergenceSummary', () => {
  it('averages folds per epoch, carries a stopped fold forward, finds the first epoch at the threshold', () => {
    const s = convergenceSummary(
      [
        [0.5, 0.7, 0.9],
        [0.5, 0.6],
      ],
      0.7,
      true,
    );
    [0.5, 0.65, 0.75].forEach((v, i) => expect(s.curve[i]).toBeCloseTo(v, 12));
    expect(s.epochs_to_threshold).toBe(3);
    expect(s.per_fold_epochs_to_threshold).toEqual([2, null]);
    expect(s.area_under_curve).toBeCloseTo((0.5 + 0.65 + 0.75) / 3, 12);
  });

  it('counts lower-is-better metrics (MAE) as reached at or below the threshold', () => {
    const s = convergenceSummary([[9, 5, 4]], 5, false);
    expect(s.epochs_to_threshold).toBe(2);
    expect(convergenceSummary([[9, 5]], null, false).epochs_to_threshold).toBeNull();
  });
});
