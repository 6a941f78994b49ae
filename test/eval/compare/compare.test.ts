import { describe, expect, it } from 'vitest';
import { compareMethods, type Comparison } from '../../../src/eval/compare/compare.js';
import { compareCsv, COMPARE_COLUMNS } from '../../../src/eval/compare/compare-csv.js';
import type { ClassRun, NumericRun } from '../../../src/eval/compare/predictions.js';
import { absoluteErrorScores, balancedAccuracyScores } from '../../../src/eval/compare/subject-scores.js';
import { formatP, verdictRows } from '../../../src/eval/compare/verdict.js';
import { createRng } from '../../../src/rng.js';

const FAST = { bootstrap: { resamples: 400, seed: 1 }, permutation: { resamples: 400, seed: 1 } };

/** AD probability: 0.8 / 0.2 when right, 0.1 / 0.9 when wrong, so right and wrong never interleave. */
function separatedScores(truth: number, predicted: number): number[] {
  const ad = predicted === truth ? (truth === 1 ? 0.8 : 0.2) : truth === 1 ? 0.1 : 0.9;
  return [1 - ad, ad];
}

/** One row per subject: [truth, predicted, fold]. */
function classRun(method: string, seed: number, rows: [number, number, number][], classes = ['CN', 'AD']): ClassRun {
  return {
    kind: 'class',
    method,
    seed,
    classes,
    rows: rows.map(([truth, predicted, fold], i) => ({
      subject: `s${i + 1}`,
      fold,
      truth,
      predicted,
      scores: separatedScores(truth, predicted),
    })),
  };
}

function numericRun(method: string, seed: number, rows: [number, number, number][]): NumericRun {
  return {
    kind: 'numeric',
    method,
    seed,
    rows: rows.map(([truth, predicted, fold], i) => ({ subject: `s${i + 1}`, fold, truth, predicted })),
  };
}

describe('per-subject scores', () => {
  it('class-weighted correctness averages to the fold-mean balanced accuracy (worked by hand)', () => {
    // fold 0: s1 CN right, s2 AD wrong → BA ½; fold 1: s3 CN right, s4 AD right, s5 AD wrong → BA ¾; mean ⅝.
    // weights 1/(F·K·n): fold 0 ¼ each; fold 1: CN ¼, AD ⅛ → scores 5·(¼, 0, ¼, ⅛, 0)
    const run = classRun('m', 0, [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
      [1, 1, 1],
      [1, 0, 1],
    ]);
    const scores = balancedAccuracyScores(run, ['s1', 's2', 's3', 's4', 's5']);
    expect(Array.from(scores)).toEqual([1.25, 0, 1.25, 0.625, 0]);
    expect(scores.reduce((s, v) => s + v, 0) / 5).toBe(0.625);
  });

  it('fold-weighted absolute error averages to the fold-mean MAE', () => {
    // fold 0: errors 1 and 3 (MAE 2); fold 1: error 4 (MAE 4); fold-mean (2 + 4)/2 = 3
    const run = numericRun('m', 0, [
      [10, 11, 0],
      [10, 7, 0],
      [20, 24, 1],
    ]);
    const scores = absoluteErrorScores(run, ['s1', 's2', 's3']);
    // weights 1/(2·2) in fold 0, 1/(2·1) in fold 1, times N = 3: 3·(¼, ¾, 2)
    expect(Array.from(scores)).toEqual([0.75, 2.25, 6]);
    expect(scores.reduce((s, v) => s + v, 0) / 3).toBe(3);
  });
});

describe('compareMethods', () => {
  const eight = Array.from({ length: 8 }, (_, i) => i);
  const truth = eight.map((i) => i % 2);
  const allRight = (method: string) =>
    classRun(
      method,
      0,
      eight.map((i) => [truth[i], truth[i], i % 2] as [number, number, number]),
    );
  const allWrong = (method: string) =>
    classRun(
      method,
      0,
      eight.map((i) => [truth[i], 1 - truth[i], i % 2] as [number, number, number]),
    );

  it('identical methods: every difference 0 with interval [0, 0] and p = 1', () => {
    const c = compareMethods([allRight('lssl'), allRight('ae')], FAST);
    expect(c.references).toEqual(['lssl']);
    expect(c.differences.map((d) => [d.metric, d.difference, d.low, d.high, d.p])).toEqual([
      ['balanced_accuracy', 0, 0, 0, 1],
      ['auc', 0, 0, 0, 1],
    ]);
  });

  it('right on every subject where the other is wrong: difference 1 and p at its exact minimum 2/2⁸', () => {
    const c = compareMethods([allRight('lssl'), allWrong('ae')], FAST);
    const ba = c.differences.find((d) => d.metric === 'balanced_accuracy')!;
    expect(ba).toMatchObject({
      method: 'ae',
      reference: 'lssl',
      difference: -1,
      low: -1,
      high: -1,
      p: 2 / 256,
      exactP: true,
      nSubjects: 8,
      nSeeds: 1,
    });
    // AUC: lssl's scores rank every AD above every CN (1), ae's the reverse (0); swapping any one
    // subject's predictions puts a 0.9 CN above a 0.8 AD (or a 0.1 AD below a 0.2 CN) in lssl's,
    // so only swapping nobody or everybody keeps |Δ| = 1
    const auc = c.differences.find((d) => d.metric === 'auc')!;
    expect(auc.difference).toBe(-1);
    expect(auc.p).toBe(2 / 256);
    expect(auc.exactP).toBe(true);
    const lssl = c.metrics.find((m) => m.method === 'lssl' && m.metric === 'balanced_accuracy')!;
    expect([lssl.estimate, lssl.low, lssl.high]).toEqual([1, 1, 1]);
  });

  it('pools seeds per subject: the estimate is the mean over seeds × folds', () => {
    const seed0 = classRun('lssl', 0, [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
      [1, 1, 1],
      [1, 0, 1],
    ]); // ⅝ (above)
    const seed1 = classRun('lssl', 1, [
      [0, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]); // fold 0: 1; fold 1: (0 + 1)/2 → ¾
    const none0 = classRun('none', 0, [
      [0, 1, 0],
      [1, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]); // ½, ½
    const none1 = classRun('none', 1, [
      [0, 1, 0],
      [1, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const c = compareMethods([seed0, seed1, none0, none1], FAST);
    expect(c.seeds).toEqual([0, 1]);
    const lssl = c.metrics.find((m) => m.method === 'lssl' && m.metric === 'balanced_accuracy')!;
    expect(lssl.estimate).toBeCloseTo((0.625 + 0.75) / 2, 15);
    expect(lssl.nSeeds).toBe(2);
    expect(lssl.low).toBeLessThanOrEqual(lssl.estimate);
    expect(lssl.high).toBeGreaterThanOrEqual(lssl.estimate);
    const d = c.differences.find(
      (x) => x.method === 'lssl' && x.reference === 'none' && x.metric === 'balanced_accuracy',
    )!;
    expect(d.difference).toBeCloseTo(0.6875 - 0.5, 15);
  });

  it('numeric targets: fold-mean MAE and pooled r averaged over seeds', () => {
    const rows: [number, number, number][] = [
      [60, 62, 0],
      [70, 69, 0],
      [80, 77, 1],
      [65, 66, 1],
      [75, 79, 2],
      [72, 70, 2],
    ];
    const good = numericRun('lssl', 0, rows);
    const flat = numericRun(
      'none',
      0,
      rows.map(([t, _p, f], i) => [t, 70 + (i % 2), f] as [number, number, number]),
    );
    const c = compareMethods([good, flat], FAST);
    expect(c.kind).toBe('numeric');
    const mae = c.metrics.find((m) => m.method === 'lssl' && m.metric === 'mae')!;
    expect(mae.estimate).toBeCloseTo((1.5 + 2 + 3) / 3, 14); // folds: (2 + 1)/2, (3 + 1)/2, (4 + 2)/2
    const r = c.metrics.find((m) => m.method === 'lssl' && m.metric === 'r')!;
    const t = rows.map((x) => x[0]);
    const p = rows.map((x) => x[1]);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const cov = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - mean(a)) * (b[i] - mean(b)), 0);
    expect(r.estimate).toBeCloseTo(cov(t, p) / Math.sqrt(cov(t, t) * cov(p, p)), 14);
    expect(c.differences.map((d) => [d.method, d.reference, d.metric])).toEqual([
      ['none', 'lssl', 'mae'],
      ['lssl', 'none', 'mae'],
      ['none', 'lssl', 'r'],
      ['lssl', 'none', 'r'],
    ]);
  });

  it('reports r as undefined for a method with constant predictions instead of failing', () => {
    const rows: [number, number, number][] = [
      [60, 62, 0],
      [70, 69, 0],
      [80, 77, 1],
      [65, 66, 1],
      [75, 79, 2],
      [72, 70, 2],
    ];
    const constant = numericRun(
      'none',
      0,
      rows.map(([t, _p, f]) => [t, 70, f] as [number, number, number]),
    );
    const c = compareMethods([numericRun('lssl', 0, rows), constant], FAST);
    const r = c.metrics.find((m) => m.method === 'none' && m.metric === 'r')!;
    expect([r.estimate, r.low, r.high, r.interval]).toEqual([NaN, NaN, NaN, null]);
    const d = c.differences.find((x) => x.method === 'none' && x.metric === 'r')!;
    expect(d.difference).toBeNaN();
    expect(d.p).toBeNaN();
    expect(c.differences.find((x) => x.method === 'none' && x.metric === 'mae')!.p).toBeGreaterThan(0); // MAE is still defined
    expect(verdictRows(c, { metrics: ['r'] })[0].text).toBe('lssl vs none: r undefined on these predictions');
    expect(
      compareCsv(c)
        .split('\n')
        .find((l) => l.startsWith('none,lssl,r')),
    ).toBe('none,lssl,r,,,,,,,,6,1');
  });

  it('separates a clearly better method on 40 subjects and not two equal ones', () => {
    const rng = createRng(3);
    const n = 40;
    const make = (method: string, accuracy: number, seed: number) =>
      classRun(
        method,
        seed,
        Array.from({ length: n }, (_, i) => {
          const t = i % 2;
          return [t, rng.next() < accuracy ? t : 1 - t, i % 5] as [number, number, number];
        }),
      );
    const runs = [0, 1, 2].flatMap((seed) => [make('lssl', 0.9, seed), make('ae', 0.5, seed), make('none', 0.5, seed)]);
    const c = compareMethods(runs, {
      bootstrap: { resamples: 2000, seed: 2 },
      permutation: { resamples: 2000, seed: 2 },
    });
    const lsslVsAe = c.differences.find(
      (d) => d.method === 'ae' && d.reference === 'lssl' && d.metric === 'balanced_accuracy',
    )!;
    expect(lsslVsAe.difference).toBeLessThan(-0.25);
    expect(lsslVsAe.high).toBeLessThan(0);
    expect(lsslVsAe.p).toBeLessThan(0.001);
    expect(lsslVsAe.exactP).toBe(false);
    const aeVsNone = c.differences.find(
      (d) => d.method === 'ae' && d.reference === 'none' && d.metric === 'balanced_accuracy',
    )!;
    expect(aeVsNone.low).toBeLessThan(0);
    expect(aeVsNone.high).toBeGreaterThan(0);
    expect(aeVsNone.p).toBeGreaterThan(0.05);
  });

  it('refuses runs that do not pair', () => {
    expect(() => compareMethods([allRight('lssl'), { ...allRight('ae'), rows: allRight('ae').rows.slice(1) }])).toThrow(
      /other subjects.*missing: s1/,
    );
    expect(() => compareMethods([allRight('lssl'), { ...allRight('ae'), seed: 3 }])).toThrow(
      /method ae has seeds 3, others 0/,
    );
    expect(() => compareMethods([allRight('lssl'), { ...allRight('ae'), classes: ['CN', 'MCI'] }])).toThrow(
      /disagree on the classes/,
    );
    expect(() => compareMethods([allRight('lssl')], { references: ['none'] })).toThrow(
      /reference method none has no runs/,
    );
    const twoFolds = allRight('ae');
    twoFolds.rows.push({ ...twoFolds.rows[0], fold: 1 - twoFolds.rows[0].fold });
    expect(() => compareMethods([twoFolds])).toThrow(/s1 is in two test folds/);
  });
});

const HAND: Comparison = {
  kind: 'class',
  methods: ['lssl', 'ae', 'none'],
  references: ['lssl', 'none'],
  seeds: [0, 1, 2],
  nSubjects: 24,
  confidence: 0.95,
  metrics: [
    {
      method: 'lssl',
      metric: 'balanced_accuracy',
      estimate: 0.8,
      low: 0.7,
      high: 0.9,
      interval: 'bca',
      nSubjects: 24,
      nSeeds: 3,
    },
    {
      method: 'ae',
      metric: 'balanced_accuracy',
      estimate: 0.68,
      low: 0.55,
      high: 0.8,
      interval: 'bca',
      nSubjects: 24,
      nSeeds: 3,
    },
    {
      method: 'none',
      metric: 'balanced_accuracy',
      estimate: 0.5,
      low: 0.4,
      high: 0.6,
      interval: 'bca',
      nSubjects: 24,
      nSeeds: 3,
    },
  ],
  differences: [
    {
      method: 'ae',
      reference: 'lssl',
      metric: 'balanced_accuracy',
      difference: -0.12,
      low: -0.19,
      high: -0.05,
      p: 0.003,
      exactP: false,
      nSubjects: 24,
      nSeeds: 3,
    },
    {
      method: 'none',
      reference: 'lssl',
      metric: 'balanced_accuracy',
      difference: -0.3,
      low: -0.41,
      high: -0.2,
      p: 0.0001,
      exactP: false,
      nSubjects: 24,
      nSeeds: 3,
    },
    {
      method: 'lssl',
      reference: 'none',
      metric: 'balanced_accuracy',
      difference: 0.3,
      low: 0.2,
      high: 0.41,
      p: 0.0001,
      exactP: false,
      nSubjects: 24,
      nSeeds: 3,
    },
    {
      method: 'ae',
      reference: 'none',
      metric: 'balanced_accuracy',
      difference: 0.18,
      low: -0.004,
      high: 0.3,
      p: 0.052,
      exactP: false,
      nSubjects: 24,
      nSeeds: 3,
    },
  ],
};

describe('verdictRows', () => {
  it('names lssl first against every method and the method first against none, each pair once', () => {
    expect(verdictRows(HAND).map((r) => r.text)).toEqual([
      'lssl vs ae: +0.12 balanced accuracy [0.05, 0.19], p = 0.003',
      'lssl vs none: +0.30 balanced accuracy [0.20, 0.41], p < 0.001',
      'ae vs none: +0.18 balanced accuracy [-0.00, 0.30], p = 0.052',
    ]);
    expect(verdictRows(HAND)[0]).toMatchObject({
      first: 'lssl',
      second: 'ae',
      difference: 0.12,
      low: 0.05,
      high: 0.19,
    });
  });

  it('says when lower is better and formats p', () => {
    const mae: Comparison = {
      ...HAND,
      differences: [{ ...HAND.differences[3], metric: 'mae', difference: -0.5, low: -0.9, high: -0.1 }],
    };
    expect(verdictRows(mae, { digits: 1 })[0].text).toBe(
      'ae vs none: -0.5 MAE (lower is better) [-0.9, -0.1], p = 0.052',
    );
    expect([formatP(1), formatP(0.25), formatP(0.0453), formatP(0.001), formatP(0.00099)]).toEqual([
      'p = 1',
      'p = 0.25',
      'p = 0.045',
      'p = 0.001',
      'p < 0.001',
    ]);
  });
});

describe('compareCsv', () => {
  it('writes one row per method, metric and reference with the agreed columns', () => {
    const lines = compareCsv(HAND).trimEnd().split('\n');
    expect(lines[0]).toBe(COMPARE_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'method,reference,metric,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,p_value,n_subjects,n_seeds',
    );
    expect(lines.slice(1)).toEqual([
      'lssl,none,balanced_accuracy,0.8,0.7,0.9,0.3,0.2,0.41,0.0001,24,3',
      'ae,lssl,balanced_accuracy,0.68,0.55,0.8,-0.12,-0.19,-0.05,0.003,24,3',
      'ae,none,balanced_accuracy,0.68,0.55,0.8,0.18,-0.004,0.3,0.052,24,3',
      'none,lssl,balanced_accuracy,0.5,0.4,0.6,-0.3,-0.41,-0.2,0.0001,24,3',
    ]);
  });

  it('gives a method without a reference one row with empty difference columns', () => {
    const lone: Comparison = { ...HAND, references: ['lssl'], metrics: HAND.metrics.slice(0, 1), differences: [] };
    expect(compareCsv(lone).split('\n')[1]).toBe('lssl,,balanced_accuracy,0.8,0.7,0.9,,,,,24,3');
  });
});
