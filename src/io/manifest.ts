/**
 * Cohort manifests: one row per scan in a CSV or TSV file, with columns `subject`,
 * `session`, `age` (years) and `path` (relative to the manifest, or absolute), and any
 * further columns as covariates (`sex`, `diagnosis`, ...). Column names are configurable.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inputError } from '../errors.js';
import type { CohortRecords, LoadCohortOptions, ScanRecord } from './records.js';
import { bidsLabel } from './ids.js';
import { covariateParser, isMissingCell, parseNumberCell, readTable, requireColumn } from './table.js';

export function loadManifestRecords(file: string, options: LoadCohortOptions): CohortRecords {
  const table = readTable(file);
  const names = {
    subject: options.columns?.subject ?? 'subject',
    session: options.columns?.session ?? 'session',
    age: options.columns?.age ?? options.ageColumn ?? 'age',
    path: options.columns?.path ?? 'path',
  };
  const subjectColumn = requireColumn(table, names.subject, 'subject');
  const sessionColumn = requireColumn(table, names.session, 'session');
  const ageColumn = requireColumn(table, names.age, 'age');
  const pathColumn = requireColumn(table, names.path, 'path');
  const reserved = new Set([subjectColumn, sessionColumn, ageColumn, pathColumn]);
  const covariateColumns = table.columns.filter((c) => !reserved.has(c));
  const covariatesOf = covariateParser(table, covariateColumns);
  const folder = dirname(file);
  const requireImages = options.requireImages ?? true;

  const records: ScanRecord[] = table.rows.map((row) => {
    const cell = (column: string) => row.cells[column];
    if (isMissingCell(cell(subjectColumn))) throw inputError(`subject is missing`, file, row.line);
    if (isMissingCell(cell(sessionColumn))) throw inputError(`session is missing`, file, row.line);
    const subject = bidsLabel(cell(subjectColumn), 'sub-');
    const session = bidsLabel(cell(sessionColumn), 'ses-');
    const age = parseAge(cell(ageColumn), ageColumn, file, row.line);
    if (isMissingCell(cell(pathColumn))) throw inputError(`path is missing`, file, row.line);
    const path = resolve(folder, cell(pathColumn));
    if (requireImages && !isFile(path)) throw inputError(`image not found: ${path}`, file, row.line);
    return { subject, session, age, path, covariates: covariatesOf(row), file, row: row.line };
  });
  return { records, warnings: [] };
}

/** Ages are years as a finite number; a blank, `n/a` or text age is the row's error. */
export function parseAge(text: string | undefined, column: string, file: string, line: number): number {
  if (isMissingCell(text)) throw inputError(`${column} is missing`, file, line);
  const age = parseNumberCell(text);
  if (age === null) throw inputError(`${column} must be a number of years, not "${text}"`, file, line);
  return age;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
