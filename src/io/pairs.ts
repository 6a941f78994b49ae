/**
 * Pairs of visits within a subject. LSSL (Zhao et al., Medical Image Analysis 71:102051,
 * 2021) trains on every ordered pair (earlier, later) of a subject's visits. The subject
 * splits (folds, the validation split) are in ./splits.ts.
 */
import { inputError } from '../errors.js';
import type { Cohort, Scan, Subject } from './cohort.js';

export interface Pair {
  subject: string;
  earlier: Scan;
  later: Scan;
  /** later.age − earlier.age, years, > 0 */
  gapYears: number;
}

export interface PairOptions {
  /**
   * `'all'` (default, LSSL's rule): every i < j. `'consecutive'`: each scan with the
   * next scan at least `minGapYears` later (so with no minimum, neighbouring visits).
   */
  strategy?: 'all' | 'consecutive';
  /** drop pairs closer than this, years (default 0) */
  minGapYears?: number;
}

export function subjectsOf(cohortOrSubjects: Cohort | readonly Subject[]): readonly Subject[] {
  return Array.isArray(cohortOrSubjects) ? cohortOrSubjects : (cohortOrSubjects as Cohort).subjects;
}

/** Ordered (earlier, later) pairs of visits within each subject, subject by subject. */
export function makePairs(cohortOrSubjects: Cohort | readonly Subject[], options: PairOptions = {}): Pair[] {
  const strategy = options.strategy ?? 'all';
  const minGap = options.minGapYears ?? 0;
  if (strategy !== 'all' && strategy !== 'consecutive') {
    throw inputError(`pair strategy must be 'all' or 'consecutive', not '${strategy}'`);
  }
  if (!(minGap >= 0) || !Number.isFinite(minGap)) throw inputError(`minGapYears must be a number ≥ 0, not ${minGap}`);
  const pairs: Pair[] = [];
  for (const subject of subjectsOf(cohortOrSubjects)) {
    const scans = subject.scans.slice().sort((a, b) => a.age - b.age);
    for (let i = 0; i < scans.length; i++) {
      for (let j = i + 1; j < scans.length; j++) {
        const gapYears = scans[j].age - scans[i].age;
        if (gapYears <= 0 || gapYears < minGap) continue;
        pairs.push({ subject: subject.id, earlier: scans[i], later: scans[j], gapYears });
        if (strategy === 'consecutive') break;
      }
    }
  }
  return pairs;
}
