/**
 * A longitudinal cohort: subjects, each with T1-weighted scans ordered by age, read from a
 * BIDS folder or from a CSV/TSV manifest, validated so that every later step can trust it.
 *
 * Identifiers are BIDS labels without their prefix: `sub-01` and `01` are the same subject,
 * `ses-m12` and `m12` the same session, whichever way a manifest writes them.
 * `Scan.covariates` holds every per-scan value (participants.tsv columns overlaid with the
 * session's own columns, or the manifest row's extra columns); `Subject.covariates` holds
 * those that are the same in all of the subject's scans (sex, diagnosis at entry, ...).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError } from '../errors.js';
import { loadBidsRecords } from './bids.js';
import { compareIds } from './ids.js';
import { loadManifestRecords } from './manifest.js';
import type { Cohort, CohortWarning, CovariateValue, LoadCohortOptions, Scan, ScanRecord, Subject } from './records.js';

export { bidsLabel, compareIds } from './ids.js';
export type {
  Cohort,
  CohortRecords,
  CohortWarning,
  CovariateValue,
  LoadCohortOptions,
  RunChoice,
  Scan,
  ScanRecord,
  Subject,
} from './records.js';

/** Reads and validates a cohort from a BIDS folder or a CSV/TSV manifest. */
export async function loadCohort(source: string, options: LoadCohortOptions = {}): Promise<Cohort> {
  const absolute = resolve(source);
  let isFolder: boolean;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    throw inputError('cohort source does not exist: give a BIDS folder or a CSV/TSV manifest', absolute);
  }
  if (options.run !== undefined && !isRunChoice(options.run)) {
    throw inputError(`run must be 'first', 'last' or a run number, not ${JSON.stringify(options.run)}`);
  }
  const kind = isFolder ? 'bids' : 'manifest';
  const { records, warnings } = isFolder ? loadBidsRecords(absolute, options) : loadManifestRecords(absolute, options);
  const subjects = assembleSubjects(records, warnings);
  if (subjects.length === 0) throw inputError('the cohort holds no scans', absolute);
  return { source: absolute, kind, subjects, warnings };
}

function isRunChoice(run: unknown): boolean {
  return run === 'first' || run === 'last' || (typeof run === 'number' && Number.isInteger(run) && run >= 0);
}

/**
 * Groups scan records by subject, checks the rules that span rows (one scan per
 * subject/session, distinct ages within a subject) and warns about single-visit subjects.
 */
export function assembleSubjects(records: ScanRecord[], warnings: CohortWarning[]): Subject[] {
  const bySubject = new Map<string, ScanRecord[]>();
  for (const record of records) {
    const list = bySubject.get(record.subject) ?? [];
    const twin = list.find((other) => other.session === record.session);
    if (twin) {
      throw inputError(
        `duplicate scan for subject ${record.subject} session ${record.session || '(none)'} (first at ${where(twin)})`,
        record.file,
        record.row,
      );
    }
    list.push(record);
    bySubject.set(record.subject, list);
  }
  const subjects: Subject[] = [];
  for (const id of [...bySubject.keys()].sort(compareIds)) {
    const list = bySubject
      .get(id)!
      .slice()
      .sort((a, b) => a.age - b.age);
    for (let i = 1; i < list.length; i++) {
      if (list[i].age === list[i - 1].age) {
        throw inputError(
          `subject ${id} has two scans at the same age ${list[i].age} (sessions ${list[i - 1].session} at ${where(list[i - 1])} and ${list[i].session}): ages must differ to order the visits`,
          list[i].file,
          list[i].row,
        );
      }
    }
    const scans: Scan[] = list.map(({ subject, session, age, path, covariates }) => ({
      subject,
      session,
      age,
      path,
      covariates,
    }));
    if (scans.length === 1) {
      warnings.push({
        message: `subject ${id} has a single scan, so it yields no pair`,
        file: list[0].file,
        row: list[0].row,
      });
    }
    subjects.push({ id, covariates: sharedCovariates(scans), scans });
  }
  return subjects;
}

function where(record: ScanRecord): string {
  return record.row === undefined ? record.file : `${record.file}:${record.row}`;
}

/** Covariates with the same value in every scan of a subject. */
export function sharedCovariates(scans: Scan[]): Record<string, CovariateValue> {
  const out: Record<string, CovariateValue> = {};
  if (scans.length === 0) return out;
  for (const [name, value] of Object.entries(scans[0].covariates)) {
    if (scans.every((scan) => name in scan.covariates && scan.covariates[name] === value)) out[name] = value;
  }
  return out;
}

/** Every scan of the cohort, subject by subject, each subject's scans by age. */
export function cohortScans(cohort: Cohort): Scan[] {
  return cohort.subjects.flatMap((s) => s.scans);
}
