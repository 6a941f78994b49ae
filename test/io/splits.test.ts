import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scan, Subject } from '../../src/io/cohort.js';
import { makePairs } from '../../src/io/pairs.js';
import { foldsBySubject, largestRemainder, subjectFolds, trainValidationSplit } from '../../src/io/splits.js';

function subject(id: string, ages: number[], covariates: Subject['covariates'] = {}): Subject {
  const scans: Scan[] = ages.map((age, i) => ({
    subject: id,
    session: String(i + 1),
    age,
    path: `/x/${id}_${i}.nii`,
    covariates,
  }));
  return { id, covariates, scans };
}

describe('foldsBySubject', () => {
  const ids = Array.from({ length: 23 }, (_, i) => `sub-${i}`);
  const labels = new Map(ids.map((id, i) => [id, i % 3 === 0 ? 'AD' : 'CN']));

  it('puts every subject in exactly one test fold and never in train and test at once', () => {
    const folds = foldsBySubject(ids, 5, 1, labels);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort();
    expect(tested).toEqual([...ids].sort());
    for (const fold of folds) {
      expect(fold.train.filter((id) => fold.test.includes(id))).toEqual([]);
      expect(fold.train.length + fold.test.length).toBe(ids.length);
    }
  });

  it('stratifies: each test fold holds 1–2 of the 8 AD subjects', () => {
    for (const fold of foldsBySubject(ids, 5, 3, labels)) {
      const ad = fold.test.filter((id) => labels.get(id) === 'AD').length;
      expect(ad).toBeGreaterThanOrEqual(1);
      expect(ad).toBeLessThanOrEqual(2);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(foldsBySubject(ids, 4, 7)).toEqual(foldsBySubject(ids, 4, 7));
    expect(foldsBySubject(ids, 4, 7)).not.toEqual(foldsBySubject(ids, 4, 8));
  });
});

describe('largestRemainder', () => {
  it('matches hand-worked shares', () => {
    // 3 of 10 over sizes 5,3,2: exact 1.5, 0.9, 0.6 → floors 1,0,0, then remainders .9,.6 get +1.
    expect(largestRemainder([5, 3, 2], 3)).toEqual([1, 1, 1]);
    expect(largestRemainder([6, 4], 5)).toEqual([3, 2]);
    expect(largestRemainder([1, 1, 1], 0)).toEqual([0, 0, 0]);
  });
});

describe('subjectFolds', () => {
  const labels = ['CN', 'CN', 'CN', 'CN', 'CN', 'CN', 'AD', 'AD', 'AD', 'MCI'];
  const subjects = labels.map((dx, i) => subject(`s${i}`, [60, 61], { diagnosis: dx }));

  it('hand-worked small case: 10 subjects, 5 folds → 2 test subjects each, stratified', () => {
    const folds = subjectFolds(subjects, 5, { stratifyBy: 'diagnosis', seed: 3 });
    expect(folds.map((f) => f.test.length)).toEqual([2, 2, 2, 2, 2]);
    for (const fold of folds) {
      // 8 non-test subjects, 20% → round(1.6) = 2 in validation, 6 in train.
      expect(fold.validation).toHaveLength(2);
      expect(fold.train).toHaveLength(6);
      const testLabels = fold.test.map((id) => labels[Number(id.slice(1))]);
      // 6 CN over 5 folds: every fold has at least one CN; AD (3) never twice in a fold.
      expect(testLabels.filter((l) => l === 'CN').length).toBeGreaterThanOrEqual(1);
      expect(testLabels.filter((l) => l === 'AD').length).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic for a seed, whatever the input order, and changes with the seed', () => {
    const a = subjectFolds(subjects, 3, { seed: 11, stratifyBy: 'diagnosis' });
    const b = subjectFolds(subjects.slice().reverse(), 3, { seed: 11, stratifyBy: 'diagnosis' });
    expect(b).toEqual(a);
    const others = [12, 13, 14].map((seed) => subjectFolds(subjects, 3, { seed, stratifyBy: 'diagnosis' }));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });

  it('stratifies by the baseline value when a label changes over visits', () => {
    const changing: Subject[] = [0, 1, 2, 3].map((i) => ({
      id: `c${i}`,
      covariates: {},
      scans: [
        { subject: `c${i}`, session: '1', age: 70, path: '/a', covariates: { diagnosis: i < 2 ? 'MCI' : 'CN' } },
        { subject: `c${i}`, session: '2', age: 72, path: '/b', covariates: { diagnosis: 'AD' } },
      ],
    }));
    const folds = subjectFolds(changing, 2, { stratifyBy: 'diagnosis', validationFraction: 0 });
    for (const fold of folds)
      expect(fold.test.map((id) => (Number(id.slice(1)) < 2 ? 'MCI' : 'CN')).sort()).toEqual(['CN', 'MCI']);
  });

  it('rejects impossible requests', () => {
    expect(() => subjectFolds(subjects, 1)).toThrow(/integer ≥ 2, not 1/);
    expect(() => subjectFolds(subjects, 11)).toThrow(/cannot make 11 folds from 10 subjects/);
    expect(() => subjectFolds(subjects, 2, { stratifyBy: 'site' })).toThrow(
      /unknown column "site" \(covariates: diagnosis\)/,
    );
    expect(() => subjectFolds(subjects, 2, { validationFraction: 1 })).toThrow(
      /validationFraction must be in \[0, 1\), not 1/,
    );
  });

  it('never leaks a subject across train, validation and test (property over random cohorts)', () => {
    const cohortArb = fc
      .array(fc.record({ label: fc.constantFrom('CN', 'MCI', 'AD', null), visits: fc.integer({ min: 1, max: 4 }) }), {
        minLength: 2,
        maxLength: 40,
      })
      .chain((rows) =>
        fc.tuple(
          fc.constant(rows),
          fc.integer({ min: 2, max: rows.length }),
          fc.integer(),
          fc.double({ min: 0, max: 0.9, noNaN: true }),
          fc.boolean(),
        ),
      );
    fc.assert(
      fc.property(cohortArb, ([rows, k, seed, validationFraction, stratify]) => {
        const cohort = rows.map((r, i) =>
          subject(
            `p${i}`,
            Array.from({ length: r.visits }, (_, v) => 60 + v),
            { dx: r.label },
          ),
        );
        const folds = subjectFolds(cohort, k, { seed, validationFraction, stratifyBy: stratify ? 'dx' : undefined });
        const all = cohort.map((s) => s.id).sort();
        const testCount = new Map<string, number>();
        for (const fold of folds) {
          const parts = [fold.train, fold.validation, fold.test];
          const union = parts.flat();
          expect(new Set(union).size).toBe(union.length); // no subject in two parts
          expect(union.slice().sort()).toEqual(all); // every subject somewhere
          expect(fold.train.length).toBeGreaterThan(0);
          for (const id of fold.test) testCount.set(id, (testCount.get(id) ?? 0) + 1);
        }
        expect([...testCount.keys()].sort()).toEqual(all);
        expect([...testCount.values()].every((c) => c === 1)).toBe(true); // each in exactly one test fold
        const sizes = folds.map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Pairs built from a fold's train subjects never involve a test subject.
        const testIds = new Set(folds[0].test);
        const trainPairs = makePairs(cohort.filter((s) => folds[0].train.includes(s.id)));
        expect(trainPairs.some((p) => testIds.has(p.subject))).toBe(false);
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});

describe('trainValidationSplit', () => {
  it('holds out round(fraction·n), at least one, never all, stratified and deterministic', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `id${i}`);
    const stratify = Object.fromEntries(ids.map((id, i) => [id, i < 5 ? 'a' : 'b']));
    const split = trainValidationSplit(ids, { fraction: 0.2, seed: 5, stratify });
    expect(split.validation).toHaveLength(2);
    expect(split.validation.map((id) => stratify[id]).sort()).toEqual(['a', 'b']);
    expect([...split.train, ...split.validation].sort()).toEqual(ids.slice().sort());
    expect(trainValidationSplit(ids, { fraction: 0.2, seed: 5, stratify })).toEqual(split);
    expect(trainValidationSplit(['x', 'y'], { fraction: 0.01 }).validation).toHaveLength(1);
    expect(trainValidationSplit(['x', 'y'], { fraction: 0.9 }).train).toHaveLength(1);
    expect(trainValidationSplit(['x'], { fraction: 0.5 })).toEqual({ train: ['x'], validation: [] });
    expect(() => trainValidationSplit(['x', 'x'])).toThrow(/distinct/);
  });
});
