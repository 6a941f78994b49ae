import { describe, expect, it } from 'vitest';
import { compareEmbeddings } from '../../../src/eval/compare/compare-embeddings.js';
import { outOfFoldPredictions } from '../../../src/eval/compare/out-of-fold.js';
import type { ClassRun, NumericRun } from '../../../src/eval/compare/predictions.js';
import { absoluteErrorScores, balancedAccuracyScores } from '../../../src/eval/compare/subject-scores.js';
import { balancedAccuracy, mae, rocAuc } from '../../../src/eval/metrics.js';
import { probe, type ClassProbeResult, type NumericProbeResult } from '../../../src/eval/probe/probe.js';
import { syntheticTable } from '../synthetic-table.js';

function byFold<T extends { fold: number }>(rows: T[]): T[][] {
  const folds: T[][] = [];
  for (const row of rows) {
    folds[row.fold] ??= [];
    folds[row.fold].push(row);
  }
  return folds;
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;

describe('outOfFoldPredictions', () => {
  it('reproduces probe()’s per-fold balanced accuracy and AUC from its rows (delta features)', () => {
    const table = syntheticTable({ adRate: 1.2, seed: 4, subjects: 30 });
    const options = { target: 'diagnosis', features: 'delta' as const, folds: 5, seed: 2 };
    const reference = probe(table, options) as ClassProbeResult;
    const run = outOfFoldPredictions(table, 'lssl', 7, options) as ClassRun;
    expect(run.kind).toBe('class');
    expect(run.classes).toEqual(reference.classes);
    expect(run.rows.length).toBe(reference.n_rows);
    const folds = byFold(run.rows);
    expect(folds.map((f) => f.length)).toEqual(reference.per_fold.n_test);
    folds.forEach((rows, f) => {
      expect(
        balancedAccuracy(
          rows.map((r) => r.truth),
          rows.map((r) => r.predicted),
          2,
        ),
      ).toBeCloseTo(reference.per_fold.balanced_accuracy[f], 14);
      expect(
        rocAuc(
          rows.map((r) => r.truth),
          rows.map((r) => r.scores[1]),
        ),
      ).toBeCloseTo(reference.per_fold.auc[f], 12);
    });
    // and the per-subject scores average to the probe's fold-mean balanced accuracy
    const subjects = [...new Set(run.rows.map((r) => r.subject))];
    expect(mean(balancedAccuracyScores(run, subjects))).toBeCloseTo(reference.balanced_accuracy, 14);
    expect(reference.balanced_accuracy).toBeGreaterThan(0.7); // the planted signal is found
  });

  it('reproduces probe()’s per-fold MAE for a numeric target, and uses the run seed for the folds by default', () => {
    const table = syntheticTable({ ageWeight: 0.5, seed: 5, subjects: 25 });
    const reference = probe(table, { target: 'age', folds: 4, seed: 3 }) as NumericProbeResult;
    const run = outOfFoldPredictions(table, 'ae', 3, { target: 'age', folds: 4 }) as NumericRun;
    expect(run.kind).toBe('numeric');
    byFold(run.rows).forEach((rows, f) =>
      expect(
        mae(
          rows.map((r) => r.truth),
          rows.map((r) => r.predicted),
        ),
      ).toBeCloseTo(reference.per_fold.mae[f], 12),
    );
    const subjects = [...new Set(run.rows.map((r) => r.subject))];
    expect(mean(absoluteErrorScores(run, subjects))).toBeCloseTo(reference.mae, 12);
  });

  it('compareEmbeddings end to end: a method with the signal beats one without', () => {
    const strong = syntheticTable({ adRate: 2, seed: 6, subjects: 40 });
    const weak = syntheticTable({ adRate: 0, seed: 6, subjects: 40 });
    const runs = [0, 1].flatMap((seed) => [
      { method: 'lssl', seed, table: strong },
      { method: 'none', seed, table: weak },
    ]);
    const { comparison: c, predictions } = compareEmbeddings(
      runs,
      { target: 'diagnosis', features: 'delta' },
      { bootstrap: { resamples: 1000 }, permutation: { resamples: 1000 } },
    );
    expect(predictions.map((p) => [p.method, p.seed])).toEqual([
      ['lssl', 0],
      ['none', 0],
      ['lssl', 1],
      ['none', 1],
    ]);
    const d = c.differences.find(
      (x) => x.method === 'none' && x.reference === 'lssl' && x.metric === 'balanced_accuracy',
    )!;
    expect(d.difference).toBeLessThan(-0.2);
    expect(d.high).toBeLessThan(0);
    expect(d.p).toBeLessThan(0.01);
    expect(d.nSubjects).toBe(40);
  });

  it('refuses a target it cannot probe', () => {
    const table = syntheticTable({ seed: 1, subjects: 6 });
    expect(() => outOfFoldPredictions(table, 'm', 0, { target: 'diagnosis', folds: 5 })).toThrow(
      /class 'AD' of 'diagnosis' has 3 subject\(s\), fewer than the 5 folds/,
    );
    expect(() => outOfFoldPredictions(table, 'm', 0, { target: 'nope' })).toThrow(/no column 'nope'/);
  });
});
