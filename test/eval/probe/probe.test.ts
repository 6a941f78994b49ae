import { describe, expect, it } from 'vitest';
import { parseEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import {
  choosePositive,
  probe,
  type ClassProbeResult,
  type NumericProbeResult,
} from '../../../src/eval/probe/probe.js';
import { LsslError } from '../../../src/errors.js';
import { foldsBySubject } from '../../../src/io/splits.js';
import { pythonJson } from '../python-reference.js';
import { syntheticTable } from '../synthetic-table.js';

describe('probe on a class target', () => {
  it('finds a planted z signal (balanced accuracy near 1) and reports the docs/design.md fields', () => {
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

  it('matches a numpy/scipy re-implementation fold by fold (fixed λ)', () => {
    const table = syntheticTable({ labelShift: 0.6, seed: 13, subjects: 30, dim: 4 });
    const lambda = 0.05;
    const result = probe(table, { target: 'diagnosis', lambdas: [lambda], maxIterations: 1000 }) as ClassProbeResult;
    const labels = new Map(table.rows.map((r) => [r.subject, r.covariates.diagnosis]));
    const folds = foldsBySubject([...labels.keys()], 5, 0, labels).map((f) => ({
      train: table.rows.flatMap((r, i) => (f.train.includes(r.subject) ? [i] : [])),
      test: table.rows.flatMap((r, i) => (f.test.includes(r.subject) ? [i] : [])),
    }));
    const reference = pythonJson<{ ba: number[]; auc: number[] }>(
      `import json, sys, numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
from scipy.stats import mannwhitneyu
d = json.load(sys.stdin)
X = np.array(d['x']); y = np.array(d['y']); lam = d['lam']; K = 2
out = {'ba': [], 'auc': []}
for f in d['folds']:
    tr, te = np.array(f['train']), np.array(f['test'])
    mu = X[tr].mean(0); sd = X[tr].std(0)
    A = (X[tr] - mu) / sd; B = (X[te] - mu) / sd
    n, p = A.shape
    def obj(t):
        W = t[:p*K].reshape(p, K); b = t[p*K:]; L = A @ W + b
        return np.mean(logsumexp(L, axis=1) - L[np.arange(n), y[tr]]) + 0.5 * lam * np.sum(W**2)
    t = minimize(obj, np.zeros((p+1)*K), method='BFGS', options={'gtol': 1e-9}).x
    L = B @ t[:p*K].reshape(p, K) + t[p*K:]
    P = np.exp(L - logsumexp(L, axis=1, keepdims=True)); pred = P.argmax(1); yt = y[te]
    out['ba'].append(float(np.mean([np.mean(pred[yt == c] == c) for c in range(K)])))
    pos = P[yt == 0, 0]; neg = P[yt == 1, 0]  # class 0 = AD is the positive class
    out['auc'].append(float(mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg))))
print(json.dumps(out))`,
      {
        x: table.rows.map((r) => Array.from(r.z)),
        y: table.rows.map((r) => (r.covariates.diagnosis === 'AD' ? 0 : 1)),
        lam: lambda,
        folds,
      },
    );
    reference.ba.forEach((ba, f) => expect(result.per_fold.balanced_accuracy[f]).toBeCloseTo(ba, 10));
    reference.auc.forEach((auc, f) => expect(result.per_fold.auc[f]).toBeCloseTo(auc, 10));
    expect(result.per_fold.n_test).toEqual(folds.map((f) => f.test.length));
  });

  it('stays near chance without a signal', () => {
    const result = probe(syntheticTable({ labelShift: 0, seed: 2, subjects: 60 }), {
      target: 'diagnosis',
    }) as ClassProbeResult;
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

  it('says when a class has too few subjects for the folds, and shrinks the default folds to fit', () => {
    const table = syntheticTable({ subjects: 8, seed: 6 });
    for (const row of table.rows)
      if (row.subject !== 'sub-0' && row.subject !== 'sub-2') row.covariates.diagnosis = 'CN';
    expect(() => probe(table, { target: 'diagnosis', folds: 5 })).toThrow(
      /class 'AD' of 'diagnosis' has 2 subject\(s\), fewer than the 5 folds: .*\(use --folds 2 or fewer\)/,
    );
    // not asked for, the folds shrink to what the smallest class allows
    expect(probe(table, { target: 'diagnosis' }).folds).toBe(2);
    for (const row of table.rows) if (row.subject === 'sub-2') row.covariates.diagnosis = 'CN';
    expect(() => probe(table, { target: 'diagnosis' })).toThrow(
      /class 'AD' of 'diagnosis' has 1 subject\(s\): a probe needs at least 2 subjects per class/,
    );
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

  it('matches numpy ridge fold by fold (fixed α)', () => {
    const table = syntheticTable({ ageWeight: 0.5, seed: 14, subjects: 25, dim: 5 });
    const result = probe(table, { target: 'age', alphas: [5] }) as NumericProbeResult;
    const ids = [...new Set(table.rows.map((r) => r.subject))];
    const folds = foldsBySubject(ids, 5, 0).map((f) => ({
      train: table.rows.flatMap((r, i) => (f.train.includes(r.subject) ? [i] : [])),
      test: table.rows.flatMap((r, i) => (f.test.includes(r.subject) ? [i] : [])),
    }));
    const reference = pythonJson<{ mae: number[]; r: number[]; r2: number[] }>(
      `import json, sys, numpy as np
d = json.load(sys.stdin)
X = np.array(d['x']); y = np.array(d['y'])
out = {'mae': [], 'r': [], 'r2': []}
for f in d['folds']:
    tr, te = np.array(f['train']), np.array(f['test'])
    mu = X[tr].mean(0); sd = X[tr].std(0)
    A = (X[tr] - mu) / sd; B = (X[te] - mu) / sd
    Ac = A - A.mean(0); yc = y[tr] - y[tr].mean()
    w = np.linalg.solve(Ac.T @ Ac + d['alpha'] * np.eye(A.shape[1]), Ac.T @ yc)
    pred = B @ w + (y[tr].mean() - A.mean(0) @ w); yt = y[te]
    out['mae'].append(float(np.mean(np.abs(pred - yt))))
    out['r'].append(float(np.corrcoef(pred, yt)[0, 1]))
    out['r2'].append(float(1 - np.sum((yt - pred)**2) / np.sum((yt - yt.mean())**2)))
print(json.dumps(out))`,
      { x: table.rows.map((r) => Array.from(r.z)), y: table.rows.map((r) => r.age), alpha: 5, folds },
    );
    (['mae', 'r', 'r2'] as const).forEach((key) =>
      reference[key].forEach((v, f) => expect(result.per_fold[key][f]).toBeCloseTo(v, 9)),
    );
  });

  it('skips rows whose target is missing and uses pair means for delta features', () => {
    const table = parseEmbeddingsCsv(
      [
        'subject,session,age,score,z0',
        ...Array.from(
          { length: 16 },
          (_, i) => `s${i >> 1},${i % 2},${60 + i},${i % 7 === 0 ? 'n/a' : i},${i * 0.1 + (i % 3) * 0.05}`,
        ),
      ].join('\n'),
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
