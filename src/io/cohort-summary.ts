/**
 * What a cohort holds, as `lssl cohort` prints it: sizes, visits and follow-up per subject,
 * the number of training pairs under LSSL's default rule, and each covariate's labels or range.
 */
import type { Cohort, CohortWarning, CovariateValue } from './cohort.js';
import { compareIds } from './ids.js';
import { makePairs } from './pairs.js';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export type CovariateSummary =
  | { kind: 'categorical'; per: 'subject' | 'scan'; counts: Record<string, number>; missing: number }
  | { kind: 'numeric'; per: 'subject' | 'scan'; min: number; max: number; mean: number; missing: number };

export interface CohortSummary {
  source: string;
  kind: Cohort['kind'];
  subjects: number;
  scans: number;
  visitsPerSubject: Spread;
  /** last − first age of subjects with two or more visits; null when none has */
  followUpYears: Spread | null;
  singleVisitSubjects: number;
  age: { min: number; max: number };
  /** ordered pairs under the default rule (every i < j within a subject) */
  pairs: number;
  covariates: Record<string, CovariateSummary>;
  warnings: CohortWarning[];
}

export function spread(values: number[]): Spread {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

export function summarizeCohort(cohort: Cohort): CohortSummary {
  const scans = cohort.subjects.flatMap((s) => s.scans);
  const ages = scans.map((s) => s.age);
  const followUps = cohort.subjects
    .filter((s) => s.scans.length > 1)
    .map((s) => s.scans[s.scans.length - 1].age - s.scans[0].age);
  return {
    source: cohort.source,
    kind: cohort.kind,
    subjects: cohort.subjects.length,
    scans: scans.length,
    visitsPerSubject: spread(cohort.subjects.map((s) => s.scans.length)),
    followUpYears: followUps.length > 0 ? spread(followUps) : null,
    singleVisitSubjects: cohort.subjects.length - followUps.length,
    age: { min: Math.min(...ages), max: Math.max(...ages) },
    pairs: makePairs(cohort).length,
    covariates: summarizeCovariates(cohort),
    warnings: cohort.warnings,
  };
}

/**
 * A covariate constant within every subject (sex, baseline diagnosis) is counted once per
 * subject; one that changes between visits (diagnosis at each visit, MMSE) once per scan.
 */
function summarizeCovariates(cohort: Cohort): Record<string, CovariateSummary> {
  const names = new Set(cohort.subjects.flatMap((s) => s.scans.flatMap((scan) => Object.keys(scan.covariates))));
  const out: Record<string, CovariateSummary> = {};
  for (const name of [...names].sort(compareIds)) {
    const perSubject = cohort.subjects.every((s) => name in s.covariates);
    const values: CovariateValue[] = perSubject
      ? cohort.subjects.map((s) => s.covariates[name])
      : cohort.subjects.flatMap((s) => s.scans.map((scan) => scan.covariates[name] ?? null));
    out[name] = summarizeValues(values, perSubject ? 'subject' : 'scan');
  }
  return out;
}

function summarizeValues(values: CovariateValue[], per: 'subject' | 'scan'): CovariateSummary {
  const present = values.filter((v): v is string | number => v !== null && v !== undefined);
  const missing = values.length - present.length;
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    const numbers = present as number[];
    return {
      kind: 'numeric',
      per,
      min: Math.min(...numbers),
      max: Math.max(...numbers),
      mean: numbers.reduce((a, b) => a + b, 0) / numbers.length,
      missing,
    };
  }
  const counts: Record<string, number> = {};
  for (const label of present.map(String).sort(compareIds)) counts[label] = (counts[label] ?? 0) + 1;
  return { kind: 'categorical', per, counts, missing };
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The summary as the lines `lssl cohort` prints (at most `maxWarnings` warnings listed). */
export function formatCohortSummary(summary: CohortSummary, maxWarnings = 20): string[] {
  const lines = [
    `cohort: ${summary.source} (${summary.kind})`,
    `subjects: ${summary.subjects}   scans: ${summary.scans}   pairs (every earlier/later visit): ${summary.pairs}`,
    `visits per subject: min ${summary.visitsPerSubject.min}, median ${summary.visitsPerSubject.median}, max ${summary.visitsPerSubject.max}` +
      (summary.singleVisitSubjects > 0 ? ` (${summary.singleVisitSubjects} with a single visit)` : ''),
    summary.followUpYears
      ? `follow-up years: min ${round(summary.followUpYears.min)}, median ${round(summary.followUpYears.median)}, max ${round(summary.followUpYears.max)}`
      : 'follow-up years: none (no subject has two visits)',
    `age: ${round(summary.age.min)} to ${round(summary.age.max)} years`,
  ];
  for (const [name, c] of Object.entries(summary.covariates)) {
    const missing = c.missing > 0 ? `, ${c.missing} missing` : '';
    const body =
      c.kind === 'numeric'
        ? `${round(c.min)} to ${round(c.max)}, mean ${round(c.mean)}`
        : Object.entries(c.counts)
            .map(([label, n]) => `${label} ${n}`)
            .join(', ');
    lines.push(`${name} (per ${c.per}): ${body}${missing}`);
  }
  if (summary.warnings.length > 0) {
    lines.push(`warnings (${summary.warnings.length}):`);
    for (const w of summary.warnings.slice(0, maxWarnings)) {
      const where = w.file === undefined ? '' : ` (${w.row === undefined ? w.file : `${w.file}:${w.row}`})`;
      lines.push(`  ${w.message}${where}`);
    }
    if (summary.warnings.length > maxWarnings)
      lines.push(`  … ${summary.warnings.length - maxWarnings} more (see --json)`);
  }
  return lines;
}
