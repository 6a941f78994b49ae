import { describe, expect, it } from 'vitest';
import { parseEmbeddingsCsv } from '../../src/eval/embeddings-csv.js';
import { choosePositive, probe, type ClassProbeResult, type NumericProbeResult } from '../../src/eval/probe.js';
import { LsslError } from '../../src/errors.js';
import { syntheticTable } from './synthetic-table.js';

describe('probe on a class target', () => {
  it('finds a planted z signal (balanced accuracy near 1) and reports the DESIGN.md fields', () => {
    const result = probe(syntheticTable({ labelShift: 2, seed: 1 }), { target: 'diagnosis' }) as ClassProbeResult;
    expect(result.kind).toBe('class');
    expect(result.classes).toEqual(['AD', 'CN']);
    expect(result.positive).toBe('AD');
    expect(result.balanced_accuracy).toBeGreaterThan(0.9);
    expect(result.auc).toBeGreaterThan(0.95);
    expect(result.sensitivity).toBeGreaterThan(0.85);
    expect(result.specificity).toBeGreaterThan(0.85);
    expect(result.per_fold.balanced_accuracy).toHaveLength(5);
    expect(result.n_rows).toBe(120);
    // every row is tested exactly once; each fold trains on the other rows
    expect(result.per_fold.n_test.reduce((a, b) => a + b, 0)).toBe(120);
    result.per_fold.n_train.forEach((n, f) => expect(n + result.per_fold.n_test[f]).toBe(120));
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(120);
    // the curve starts at chance (uniform probabilities) and ends at the final metric
    expect(result.curve[0]).toEqual({ iteration: 0, balanced_accuracy: 0.5, loss: Math.log(2) });
    expect(result.curve.at(-1)!.balanced_accuracy).toBeCloseTo(result.balanced_accuracy, 10);
    expect(result.curve.at(-1)!.loss).toBeLessThan(0.5);
  });

  it('stays near chance without a signal', () => {
    const result = probe(syntheticTable({ labelShift: 0, seed: 2, subjects: 60 }), { target: 'diagnosis' }) as ClassProbeResult;
    expect(result.balanced_accuracy).toBeGreaterThan(0.25);
    expect(result.balanced_accuracy).toBeLessThan(0.75);
  });

  it('delta features find a planted rate of change that single scans hide', () => {
    const table = syntheticTable({ adRate: 1.5, seed: 3 });
    const delta = probe(table, { target: 'diagnosis', features: 'delta' }) as ClassProbeResult;
    expect(delta.n_rows).toBe(80); // 40 subjects × 2 consecutive pairs
    expect(delta.balanced_accuracy).toBeGreaterThan(0.9);
    const both = probe(table, { target: 'diagnosis', features: 'both' }) as ClassProbeResult;
    expect(both.balanced_accuracy).toBeGreaterThan(0.85);
  });

  it('is deterministic for a seed', () => {
    const table = syntheticTable({ labelShift: 0.5, seed: 4 });
    expect(probe(table, { target: 'diagnosis', seed: 3 })).toEqual(probe(table, { target: 'diagnosis', seed: 3 }));
  });

  it('handles three classes with one-vs-rest AUC', () => {
    const base = syntheticTable({ labelShift: 2, seed: 5, subjects: 30 });
    // relabel a third of the subjects 'MCI' and give them z0 ≈ 0
    for (const row of base.rows) {
      if (Number(row.subject.slice(4)) % 3 === 1) {
        row.covariates.diagnosis = 'MCI';
        row.z[0] = row.z[0] * 0.1;
      }
    }
    const result = probe(base, { target: 'diagnosis', folds: 3 }) as ClassProbeResult;
    expect(result.classes).toEqual(['AD', 'CN', 'MCI']);
    expect(result.positive).toBeNull();
    expect(result.confusion).toHaveLength(3);
    expect(result.auc).toBeGreaterThan(0.6);
    expect(result.balanced_accuracy).toBeGreaterThan(1 / 3);
  });

  it('says when a class has too few subjects for the folds', () => {
    const table = syntheticTable({ subjects: 8, seed: 6 });
    for (const row of table.rows) if (row.subject !== 'sub-0' && row.subject !== 'sub-2') row.covariates.diagnosis = 'CN';
    expect(() => probe(table, { target: 'diagnosis' })).toThrow(/class 'AD' of 'diagnosis' has 2 subject\(s\), fewer than the 5 folds/);
    expect(() => probe(table, { target: 'nope' })).toThrow(LsslError);
  });

  it('treats a 0/1-coded column as a class and --kind overrides the guess', () => {
    const table = syntheticTable({ labelShift: 2, seed: 8, subjects: 20 });
    for (const row of table.rows) row.covariates.diagnosis = row.covariates.diagnosis === 'AD' ? '1' : '0';
    const coded = probe(table, { target: 'diagnosis', folds: 3 }) as ClassProbeResult;
    expect(coded.kind).toBe('class');
    expect(coded.classes).toEqual(['0', '1']);
    expect(coded.positive).toBe('1');
    expect(probe(table, { target: 'diagnosis', folds: 3, kind: 'numeric' }).kind).toBe('numeric');
  });

  it('chooses the non-control class as positive', () => {
    expect(choosePositive(['AD', 'CN'])).toBe('AD');
    expect(choosePositive(['HC', 'AUD'])).toBe('AUD');
    expect(choosePositive(['pMCI', 'sMCI'])).toBe('pMCI');
    expect(choosePositive(['0', '1'])).toBe('1');
    expect(choosePositive(['F', 'M'])).toBe('M');
  });
});

describe('probe on a numeric target', () => {
  it('recovers age from a z column that encodes it', () => {
    const result = probe(syntheticTable({ ageWeight: 2, seed: 7 }), { target: 'age' }) as NumericProbeResult;
    expect(result.kind).toBe('numeric');
    expect(result.mae).toBeLessThan(1);
    expect(result.r).toBeGreaterThan(0.9);
    expect(result.r2).toBeGreaterThan(0.8);
    expect(result.per_fold.mae).toHaveLength(5);
    expect(result.curve[0].iteration).toBe(0);
    expect(result.curve.at(-1)!.mae).toBeLessThan(result.curve[0].mae);
  });

  it('skips rows whose target is missing and uses pair means for delta features', () => {
    const table = parseEmbeddingsCsv(
      ['subject,session,age,score,z0', ...Array.from({ length: 16 }, (_, i) => `s${i >> 1},${i % 2},${60 + i},${i % 7 === 0 ? 'n/a' : i},${i * 0.1 + (i % 3) * 0.05}`)].join('\n'),
      'score.csv',
    );
    const z = probe(table, { target: 'score', folds: 2 }) as NumericProbeResult;
    expect(z.n_missing).toBe(3);
    expect(z.n_rows).toBe(13);
    const delta = probe(table, { target: 'score', folds: 2, features: 'delta' }) as NumericProbeResult;
    // 8 subjects × 1 pair; the pairs of subjects 0, 3 and 7 (rows 0, 7, 14) miss a value
    expect(delta.n_rows).toBe(5);
    expect(delta.n_missing).toBe(3);
  });
});
