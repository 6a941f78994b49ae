import { describe, expect, it } from 'vitest';
import type { Scan, Subject } from '../../src/io/cohort.js';
import { makePairs } from '../../src/io/pairs.js';

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

const pairAges = (pairs: ReturnType<typeof makePairs>) =>
  pairs.map((p) => [p.subject, p.earlier.age, p.later.age, p.gapYears]);

describe('makePairs', () => {
  // Subject a: visits at 60, 60.5, 62, 65 → 4·3/2 = 6 ordered pairs under 'all'.
  const cohort = {
    source: '/x',
    kind: 'manifest' as const,
    warnings: [],
    subjects: [subject('a', [60, 60.5, 62, 65]), subject('b', [70]), subject('c', [81, 80])],
  };

  it("'all' gives every i<j pair, earlier first, with its gap", () => {
    expect(pairAges(makePairs(cohort))).toEqual([
      ['a', 60, 60.5, 0.5],
      ['a', 60, 62, 2],
      ['a', 60, 65, 5],
      ['a', 60.5, 62, 1.5],
      ['a', 60.5, 65, 4.5],
      ['a', 62, 65, 3],
      ['c', 80, 81, 1],
    ]);
  });

  it("'consecutive' pairs neighbouring visits", () => {
    expect(pairAges(makePairs(cohort, { strategy: 'consecutive' }))).toEqual([
      ['a', 60, 60.5, 0.5],
      ['a', 60.5, 62, 1.5],
      ['a', 62, 65, 3],
      ['c', 80, 81, 1],
    ]);
  });

  it('minGapYears drops close pairs; consecutive then skips to the next visit far enough', () => {
    expect(pairAges(makePairs(cohort, { minGapYears: 2 }))).toEqual([
      ['a', 60, 62, 2],
      ['a', 60, 65, 5],
      ['a', 60.5, 65, 4.5],
      ['a', 62, 65, 3],
    ]);
    expect(pairAges(makePairs(cohort, { strategy: 'consecutive', minGapYears: 2 }))).toEqual([
      ['a', 60, 62, 2],
      ['a', 60.5, 65, 4.5],
      ['a', 62, 65, 3],
    ]);
  });

  it('rejects bad options, echoing the value', () => {
    expect(() => makePairs(cohort, { minGapYears: -1 })).toThrow(/minGapYears must be a number ≥ 0, not -1/);
    expect(() => makePairs(cohort, { strategy: 'random' as 'all' })).toThrow(/not 'random'/);
  });
});
