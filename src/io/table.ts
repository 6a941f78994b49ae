/**
 * Small tables (BIDS .tsv sidecars, CSV/TSV manifests) read the way real cohorts write them:
 * with or without a byte-order mark, LF or CRLF line ends, trailing blank lines, quoted
 * fields, and spaces around names and values. Parsing is papaparse's; this module only
 * normalises what it returns and keeps each row's line number for error messages.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import Papa from 'papaparse';
import { inputError } from '../errors.js';

/** One data row: trimmed cell text by column name, and the row's 1-based line in the file. */
export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

export interface Table {
  file: string;
  /** column names as written in the header, trimmed */
  columns: string[];
  /** 1-based line of the header */
  headerLine: number;
  rows: TableRow[];
}

/** Cell texts that mean "missing": BIDS writes `n/a`, R writes `NA`, spreadsheets leave it empty. */
const MISSING = new Set(['', 'n/a', 'na', 'nan', 'null', 'none']);

export function isMissingCell(text: string | undefined): boolean {
  return text === undefined || MISSING.has(text.trim().toLowerCase());
}

/** A finite number written in plain decimal or exponent form; anything else is not a number. */
export function parseNumberCell(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const value = Number(t);
  return Number.isFinite(value) ? value : null;
}

/** Reads a CSV or TSV file: `.tsv` is tab-separated, `.csv` comma-separated, others sniffed. */
export function readTable(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw inputError(`cannot read table: ${(error as Error).message}`, file);
  }
  return parseTable(text, file);
}

export function parseTable(text: string, file: string): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = extname(file).toLowerCase();
  const delimiter = ext === '.tsv' ? '\t' : ext === '.csv' ? ',' : undefined;
  // Keep empty lines so that row i of the result is line i+1 of the file (unless a quoted
  // field spans lines, which sidecar tables do not do); blank rows are dropped below.
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false });
  const lines = parsed.data;
  const headerIndex = lines.findIndex((cells) => !isBlankRow(cells));
  if (headerIndex < 0) throw inputError('table is empty: it needs a header row', file);
  const columns = lines[headerIndex].map((name) => name.trim());
  const seen = new Map<string, number>();
  columns.forEach((name, index) => {
    if (name === '') throw inputError(`column ${index + 1} of the header has no name`, file, headerIndex + 1);
    if (seen.has(name)) throw inputError(`column "${name}" appears twice in the header`, file, headerIndex + 1);
    seen.set(name, index);
  });
  const rows: TableRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const cells = lines[i];
    if (isBlankRow(cells)) continue;
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== '')) {
      throw inputError(`row has ${cells.length} fields but the header names ${columns.length}`, file, i + 1);
    }
    const record: Record<string, string> = {};
    columns.forEach((name, index) => {
      record[name] = (cells[index] ?? '').trim();
    });
    rows.push({ line: i + 1, cells: record });
  }
  return { file, columns, headerLine: headerIndex + 1, rows };
}

function isBlankRow(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/**
 * Finds a column by name: exact match first, then ignoring case, so `Age` and `age`
 * both work but two columns differing only in case are never confused.
 */
export function findColumn(table: Table, name: string): string | undefined {
  if (table.columns.includes(name)) return name;
  const matches = table.columns.filter((c) => c.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

/** Like findColumn, but a missing column is the user's error, which names the columns present. */
export function requireColumn(table: Table, name: string, why: string): string {
  const found = findColumn(table, name);
  if (found === undefined) {
    throw inputError(
      `${why} column "${name}" is not in the header (columns: ${table.columns.join(', ')})`,
      table.file,
      table.headerLine,
    );
  }
  return found;
}

/**
 * Parses covariate columns: a column whose every present value is a number becomes
 * numeric, any other column stays text; missing cells become null in both.
 */
export function covariateParser(
  table: Table,
  columns: string[],
): (row: TableRow) => Record<string, string | number | null> {
  const numeric = new Set(
    columns.filter((name) =>
      table.rows.every((row) => isMissingCell(row.cells[name]) || parseNumberCell(row.cells[name]) !== null),
    ),
  );
  return (row) => {
    const out: Record<string, string | number | null> = {};
    for (const name of columns) {
      const text = row.cells[name];
      if (isMissingCell(text)) out[name] = null;
      else out[name] = numeric.has(name) ? parseNumberCell(text) : text;
    }
    return out;
  };
}
