/**
 * BIDS folders as longitudinal cohorts (BIDS 1.x, anat T1w only):
 *
 *   participants.tsv                    participant_id + covariates (sex, diagnosis, ...)
 *   sub-<l>/sub-<l>_sessions.tsv        session_id + age (or `ageColumn`) + per-session columns
 *   sub-<l>/ses-<l>/anat/sub-<l>_ses-<l>[_acq-…][_run-<n>]_T1w.nii[.gz]
 *
 * A subject without `ses-*` folders (single-session BIDS) has one scan with session `''`,
 * aged by the age column of participants.tsv. `n/a` is missing.
 *
 * Several T1w images in one session are reported as a warning and one is kept: files are
 * ordered by their `run-` index (none counts as 0), then by name, and `run: 'first'`
 * (default) keeps the first, `'last'` the last, a number the file with that `run-` index.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inputError } from '../errors.js';
import type {
  CohortRecords,
  CohortWarning,
  CovariateValue,
  LoadCohortOptions,
  RunChoice,
  ScanRecord,
} from './records.js';
import { bidsLabel, compareIds } from './ids.js';
import { parseAge } from './manifest.js';
import { covariateParser, findColumn, readTable, requireColumn, type Table } from './table.js';

const T1W = /_T1w\.nii(\.gz)?$/;

interface Participant {
  covariates: Record<string, CovariateValue>;
  ageText?: string;
  line: number;
}

export function loadBidsRecords(root: string, options: LoadCohortOptions): CohortRecords {
  const ageColumn = options.ageColumn ?? options.columns?.age ?? 'age';
  const run = options.run ?? 'first';
  const requireImages = options.requireImages ?? true;
  const warnings: CohortWarning[] = [];
  const participantsFile = join(root, 'participants.tsv');
  const participants = existsSync(participantsFile) ? readParticipants(participantsFile, ageColumn) : undefined;
  const subjectFolders = folders(root, 'sub-');
  if (subjectFolders.length === 0) {
    throw inputError('not a BIDS folder: it has no sub-* folders (or give a CSV/TSV manifest)', root);
  }
  if (participants) {
    const present = new Set(subjectFolders.map((f) => bidsLabel(f, 'sub-')));
    for (const [label, p] of participants) {
      if (!present.has(label))
        warnings.push({ message: `participant sub-${label} has no folder`, file: participantsFile, row: p.line });
    }
  }

  const records: ScanRecord[] = [];
  for (const folder of subjectFolders) {
    const subject = bidsLabel(folder, 'sub-');
    const participant = participants?.get(subject);
    if (participants && !participant) {
      warnings.push({
        message: `sub-${subject} is not in participants.tsv, so it has no subject covariates`,
        file: participantsFile,
      });
    }
    const base = participant?.covariates ?? {};
    const subjectDir = join(root, folder);
    const sessionFolders = folders(subjectDir, 'ses-');
    if (sessionFolders.length === 0) {
      const image = pickT1w(join(subjectDir, 'anat'), run, warnings);
      if (!image) {
        warnings.push({ message: `${folder} has no ses-* folders and no anat/*_T1w image; skipped`, file: subjectDir });
        continue;
      }
      if (!participant)
        throw inputError(`${folder} has no sessions, so its age must be in participants.tsv`, participantsFile);
      const age = parseAge(participant.ageText, ageColumn, participantsFile, participant.line);
      records.push({
        subject,
        session: '',
        age,
        path: image,
        covariates: { ...base },
        file: participantsFile,
        row: participant.line,
      });
      continue;
    }
    records.push(
      ...sessionRecords(subjectDir, folder, subject, sessionFolders, base, { ageColumn, run, requireImages }, warnings),
    );
  }
  return { records, warnings };
}

function sessionRecords(
  subjectDir: string,
  folder: string,
  subject: string,
  sessionFolders: string[],
  base: Record<string, CovariateValue>,
  options: { ageColumn: string; run: RunChoice; requireImages: boolean },
  warnings: CohortWarning[],
): ScanRecord[] {
  const sessionsFile = join(subjectDir, `${folder}_sessions.tsv`);
  const images = new Map<string, string>();
  for (const ses of sessionFolders) {
    const image = pickT1w(join(subjectDir, ses, 'anat'), options.run, warnings);
    if (image) images.set(bidsLabel(ses, 'ses-'), image);
  }
  if (!existsSync(sessionsFile)) {
    if (images.size === 0) return [];
    throw inputError(
      `the age of each session must be given in ${basename(sessionsFile)} (session_id, ${options.ageColumn})`,
      sessionsFile,
    );
  }
  const table = readTable(sessionsFile);
  const idColumn = requireColumn(table, 'session_id', 'session');
  const ageColumn = requireColumn(table, options.ageColumn, 'age');
  const covariatesOf = covariateParser(
    table,
    table.columns.filter((c) => c !== idColumn && c !== ageColumn),
  );
  const records: ScanRecord[] = [];
  const listed = new Map<string, number>();
  for (const row of table.rows) {
    const session = bidsLabel(row.cells[idColumn], 'ses-');
    if (session === '') throw inputError('session_id is missing', sessionsFile, row.line);
    const first = listed.get(session);
    if (first !== undefined) {
      throw inputError(
        `duplicate scan for subject ${subject} session ${session} (first at ${sessionsFile}:${first})`,
        sessionsFile,
        row.line,
      );
    }
    listed.set(session, row.line);
    const image = images.get(session);
    if (!image) {
      const expected = join(subjectDir, `ses-${session}`, 'anat', `${folder}_ses-${session}_T1w.nii.gz`);
      if (options.requireImages)
        throw inputError(
          `image not found: no *_T1w.nii[.gz] for session ${session}, e.g. ${expected}`,
          sessionsFile,
          row.line,
        );
      warnings.push({ message: `no T1w image for session ${session}; skipped`, file: sessionsFile, row: row.line });
      continue;
    }
    const age = parseAge(row.cells[ageColumn], ageColumn, sessionsFile, row.line);
    records.push({
      subject,
      session,
      age,
      path: image,
      covariates: { ...base, ...covariatesOf(row) },
      file: sessionsFile,
      row: row.line,
    });
  }
  for (const session of images.keys()) {
    if (!listed.has(session)) {
      throw inputError(
        `session ses-${session} has a T1w image but no row here, so its ${ageColumn} is missing`,
        sessionsFile,
      );
    }
  }
  return records;
}

function readParticipants(file: string, ageColumn: string): Map<string, Participant> {
  const table: Table = readTable(file);
  const idColumn = requireColumn(table, 'participant_id', 'participant');
  const covariatesOf = covariateParser(
    table,
    table.columns.filter((c) => c !== idColumn),
  );
  const out = new Map<string, Participant>();
  for (const row of table.rows) {
    const label = bidsLabel(row.cells[idColumn], 'sub-');
    if (label === '') throw inputError('participant_id is missing', file, row.line);
    if (out.has(label))
      throw inputError(
        `participant sub-${label} appears twice (first at line ${out.get(label)!.line})`,
        file,
        row.line,
      );
    const ageName = findColumn(table, ageColumn);
    out.set(label, {
      covariates: covariatesOf(row),
      ageText: ageName ? row.cells[ageName] : undefined,
      line: row.line,
    });
  }
  return out;
}

/** Sub-folders named `<prefix>*`, in id order. */
function folders(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (e) =>
        (e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory())) &&
        e.name.startsWith(prefix),
    )
    .map((e) => e.name)
    .sort(compareIds);
}

/** The run index of a BIDS file name (`_run-2_` → 2); files without one count as run 0. */
export function runIndex(name: string): number {
  const match = /_run-(\d+)/.exec(name);
  return match ? Number(match[1]) : 0;
}

/** Picks one T1w image of an anat folder by the documented rule, warning when there were several. */
export function pickT1w(anatDir: string, run: RunChoice, warnings: CohortWarning[]): string | undefined {
  if (!existsSync(anatDir)) return undefined;
  const files = readdirSync(anatDir)
    .filter((name) => T1W.test(name))
    .sort((a, b) => runIndex(a) - runIndex(b) || (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) return undefined;
  if (files.length === 1) return join(anatDir, files[0]);
  let chosen: string | undefined;
  if (run === 'first') chosen = files[0];
  else if (run === 'last') chosen = files[files.length - 1];
  else chosen = files.find((name) => runIndex(name) === run);
  if (chosen === undefined) {
    throw inputError(`no T1w image with run-${run} among ${files.join(', ')}`, anatDir);
  }
  warnings.push({
    message: `${files.length} T1w images in one session (${files.join(', ')}); using ${chosen} (run rule '${run}')`,
    file: anatDir,
  });
  return join(anatDir, chosen);
}
