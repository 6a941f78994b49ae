/**
 * Reads `embeddings.csv` (docs/design.md): one row per scan with `subject, session, age`, any
 * covariates (`diagnosis`, `sex`, ...), the latent `z0..z{d-1}`, and `tau_proj` (projection
 * on the unit τ) for LSSL runs. Every problem is an input error naming the file and the
 * line (the header is line 1).
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { inputError } from '../errors.js';

export interface EmbeddingRow {
  subject: string;
  session: string;
  /** years */
  age: number;
  /** the latent vector: [latentDim] */
  z: Float64Array;
  /** z·τ/‖τ‖, present for LSSL runs only */
  tauProj?: number;
  /** the subject's tau_proj per year (OLS over its visits), when the file has it and the subject more than one visit */
  tauProjPerYear?: number;
  /** every other column, as written (missing values are '') */
  covariates: Record<string, string>;
  /** line of the file this row came from (header = 1) */
  line: number;
}

export interface EmbeddingsTable {
  file: string;
  rows: EmbeddingRow[];
  latentDim: number;
  covariateNames: string[];
  hasTauProj: boolean;
}

const REQUIRED = ['subject', 'session', 'age'] as const;
const MISSING = new Set(['', 'n/a', 'na', 'nan']);

/** True for the spellings of a missing value (BIDS uses `n/a`). */
export function isMissingValue(text: string | undefined): boolean {
  return text === undefined || MISSING.has(text.trim().toLowerCase());
}

function parseNumber(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return NaN;
  return Number(text);
}

/** Parses the CSV text; `file` is only used in error messages. */
export function parseEmbeddingsCsv(text: string, file = 'embeddings.csv'): EmbeddingsTable {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    header: false,
    skipEmptyLines: false,
    delimiter: '',
  });
  const records = parsed.data;
  const parseError = parsed.errors.find((e) => e.code !== 'UndetectableDelimiter');
  if (parseError) throw inputError(`cannot parse CSV: ${parseError.message}`, file, (parseError.row ?? 0) + 1);
  if (records.length === 0 || records[0].every((c) => c.trim() === ''))
    throw inputError('the file is empty; expected a header row', file, 1);
  const header = records[0].map((c) => c.trim());
  for (const name of REQUIRED) {
    if (!header.includes(name)) throw inputError(`missing column '${name}' (columns: ${header.join(', ')})`, file, 1);
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw inputError(`column '${name}' appears twice`, file, 1);
    seen.add(name);
  }
  const zColumns = header.filter((c) => /^z\d+$/.test(c));
  if (zColumns.length === 0) throw inputError('no latent columns: expected z0..z{d-1}', file, 1);
  const latentDim = zColumns.length;
  for (let k = 0; k < latentDim; k++) {
    if (!header.includes(`z${k}`))
      throw inputError(`latent columns must be z0..z${latentDim - 1} without gaps; z${k} is missing`, file, 1);
  }
  const zIndex = Array.from({ length: latentDim }, (_, k) => header.indexOf(`z${k}`));
  const tauIndex = header.indexOf('tau_proj');
  const rateIndex = header.indexOf('tau_proj_per_year');
  const [subjectIndex, sessionIndex, ageIndex] = REQUIRED.map((name) => header.indexOf(name));
  const covariateNames = header.filter(
    (c, i) => !zIndex.includes(i) && i !== tauIndex && i !== rateIndex && !(REQUIRED as readonly string[]).includes(c),
  );
  const covariateIndex = covariateNames.map((c) => header.indexOf(c));

  const rows: EmbeddingRow[] = [];
  const keys = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    const line = r + 1;
    if (record.every((c) => c.trim() === '')) continue;
    if (record.length !== header.length) {
      throw inputError(`row has ${record.length} fields, the header ${header.length}`, file, line);
    }
    const subject = record[subjectIndex].trim();
    const session = record[sessionIndex].trim();
    if (subject === '') throw inputError("empty 'subject'", file, line);
    const key = `${subject}\u0000${session}`;
    if (keys.has(key))
      throw inputError(`subject '${subject}' session '${session}' also appears on line ${keys.get(key)}`, file, line);
    keys.set(key, line);
    const age = parseNumber(record[ageIndex]);
    if (!Number.isFinite(age)) throw inputError(`age must be a number, not '${record[ageIndex]}'`, file, line);
    const z = new Float64Array(latentDim);
    for (let k = 0; k < latentDim; k++) {
      const value = parseNumber(record[zIndex[k]]);
      if (!Number.isFinite(value))
        throw inputError(`z${k} must be a finite number, not '${record[zIndex[k]]}'`, file, line);
      z[k] = value;
    }
    let tauProj: number | undefined;
    if (tauIndex >= 0) {
      tauProj = parseNumber(record[tauIndex]);
      if (!Number.isFinite(tauProj))
        throw inputError(`tau_proj must be a finite number, not '${record[tauIndex]}'`, file, line);
    }
    let tauProjPerYear: number | undefined;
    if (rateIndex >= 0 && !isMissingValue(record[rateIndex])) {
      tauProjPerYear = parseNumber(record[rateIndex]);
      if (!Number.isFinite(tauProjPerYear))
        throw inputError(`tau_proj_per_year must be a number or n/a, not '${record[rateIndex]}'`, file, line);
    }
    const covariates: Record<string, string> = {};
    covariateNames.forEach((name, c) => (covariates[name] = record[covariateIndex[c]].trim()));
    rows.push({
      subject,
      session,
      age,
      z,
      tauProj,
      ...(tauProjPerYear !== undefined && { tauProjPerYear }),
      covariates,
      line,
    });
  }
  if (rows.length === 0) throw inputError('no data rows after the header', file, 1);
  return { file, rows, latentDim, covariateNames, hasTauProj: tauIndex >= 0 };
}

/** Reads and parses an embeddings file. */
export function readEmbeddingsCsv(path: string): EmbeddingsTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw inputError(`cannot read embeddings: ${(error as Error).message.split('\n')[0]}`, path);
  }
  return parseEmbeddingsCsv(text, path);
}

/**
 * The raw text of `column` in a row: `age` and `tau_proj` as numbers written back to text,
 * any covariate as written; undefined when the value is missing.
 */
export function columnText(table: EmbeddingsTable, row: EmbeddingRow, column: string): string | undefined {
  if (column === 'age') return String(row.age);
  if (column === 'tau_proj') return row.tauProj === undefined ? undefined : String(row.tauProj);
  if (column === 'subject') return row.subject;
  if (column === 'session') return row.session;
  if (!table.covariateNames.includes(column)) {
    const available = ['age', ...table.covariateNames, ...(table.hasTauProj ? ['tau_proj'] : [])];
    throw inputError(`no column '${column}' to use as target (available: ${available.join(', ')})`, table.file, 1);
  }
  const text = row.covariates[column];
  return isMissingValue(text) ? undefined : text;
}
