/**
 * What the report reads from a run directory (train/run.ts): config.json (the method),
 * history.csv (loss per epoch and split), embeddings.csv (written by `lssl embed RUN SOURCE
 * --out RUN/embeddings.csv`) and any fine-tuning histories RUN/finetune-*.csv.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import Papa from 'papaparse';
import { inputError } from '../../errors.js';
import { readRunConfig, type RunConfig } from '../../train/run.js';
import { readEmbeddingsCsv, type EmbeddingsTable } from '../embeddings-csv.js';

export interface HistoryPoint {
  epoch: number;
  split: string;
  /** `loss` and every named part (`recon`, `cos`, `kl`, ...) */
  values: Record<string, number>;
}

/** A fine-tuning history: numeric columns per epoch, averaged over folds when there is a `fold` column. */
export interface FinetuneCurve {
  /** from the file name finetune-<name>.csv */
  name: string;
  file: string;
  points: { epoch: number; split: string; metric: string; value: number }[];
}

export interface ReportRun {
  dir: string;
  /** short unique name for tables and legends */
  label: string;
  method: string;
  config: RunConfig;
  history: HistoryPoint[];
  embeddings: EmbeddingsTable;
  finetune: FinetuneCurve[];
}

function parseCsv(file: string): { header: string[]; records: string[][] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw inputError(`cannot read: ${(error as Error).message.split('\n')[0]}`, file);
  }
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    header: false,
    skipEmptyLines: true,
    delimiter: ',',
  });
  const error = parsed.errors[0];
  if (error) throw inputError(`cannot parse CSV: ${error.message}`, file, (error.row ?? 0) + 1);
  if (parsed.data.length === 0) throw inputError('the file is empty; expected a header row', file, 1);
  return { header: parsed.data[0].map((c) => c.trim()), records: parsed.data.slice(1) };
}

const NON_METRIC = new Set(['epoch', 'split', 'lr', 'seconds']);

/** RUN/history.csv (`epoch,split,loss,<parts>,lr,seconds`); empty when the file is absent. */
export function readHistoryCsv(file: string): HistoryPoint[] {
  if (!existsSync(file)) return [];
  const { header, records } = parseCsv(file);
  for (const name of ['epoch', 'split', 'loss']) {
    if (!header.includes(name)) throw inputError(`missing column '${name}' (columns: ${header.join(', ')})`, file, 1);
  }
  const epochAt = header.indexOf('epoch');
  const splitAt = header.indexOf('split');
  const metrics = header.map((name, i) => ({ name, i })).filter((c) => !NON_METRIC.has(c.name));
  return records.map((record, r) => {
    const epoch = Number(record[epochAt]);
    if (!Number.isInteger(epoch) || epoch < 0)
      throw inputError(`epoch must be a whole number, not '${record[epochAt]}'`, file, r + 2);
    const values: Record<string, number> = {};
    for (const { name, i } of metrics) {
      const text = (record[i] ?? '').trim();
      if (text === '') continue;
      const v = Number(text);
      if (!Number.isFinite(v) && name === 'loss') throw inputError(`loss must be a number, not '${text}'`, file, r + 2);
      if (Number.isFinite(v)) values[name] = v;
    }
    return { epoch, split: record[splitAt].trim(), values };
  });
}

/**
 * A fine-tuning history CSV: one row per epoch (and fold, and split when present); every
 * other numeric column is a metric. Rows of different folds are averaged per epoch.
 */
export function readFinetuneCsv(file: string): FinetuneCurve {
  const { header, records } = parseCsv(file);
  if (!header.includes('epoch')) throw inputError(`missing column 'epoch' (columns: ${header.join(', ')})`, file, 1);
  const epochAt = header.indexOf('epoch');
  const splitAt = header.indexOf('split');
  const skip = new Set(['epoch', 'fold', 'split', 'lr', 'seconds']);
  const columns = header
    .map((name, i) => ({ name, i }))
    .filter(
      (c) =>
        !skip.has(c.name) &&
        records.some((r) => r[c.i] !== undefined && r[c.i].trim() !== '' && Number.isFinite(Number(r[c.i]))),
    );
  const sums = new Map<string, { epoch: number; split: string; metric: string; sum: number; n: number }>();
  records.forEach((record, r) => {
    const epoch = Number(record[epochAt]);
    if (!Number.isFinite(epoch)) throw inputError(`epoch must be a number, not '${record[epochAt]}'`, file, r + 2);
    const split = splitAt >= 0 ? record[splitAt].trim() : 'validation';
    for (const { name, i } of columns) {
      const v = Number((record[i] ?? '').trim() || NaN);
      if (!Number.isFinite(v)) continue;
      const key = `${epoch}\u0000${split}\u0000${name}`;
      const entry = sums.get(key) ?? { epoch, split, metric: name, sum: 0, n: 0 };
      entry.sum += v;
      entry.n += 1;
      sums.set(key, entry);
    }
  });
  const points = [...sums.values()].map((e) => ({
    epoch: e.epoch,
    split: e.split,
    metric: e.metric,
    value: e.sum / e.n,
  }));
  points.sort((a, b) => a.metric.localeCompare(b.metric) || a.split.localeCompare(b.split) || a.epoch - b.epoch);
  return {
    name: basename(file)
      .replace(/^finetune-/, '')
      .replace(/\.csv$/, ''),
    file,
    points,
  };
}

/** Unique short names: the folder names, or paths relative to their common parent when two share one. */
export function runLabels(dirs: readonly string[]): string[] {
  const names = dirs.map((d) => basename(resolve(d)));
  if (new Set(names).size === names.length) return names;
  const common = dirs
    .map((d) => resolve(d))
    .reduce((a, b) => {
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return a.slice(0, a.slice(0, i).lastIndexOf('/') + 1);
    });
  const relatives = dirs.map((d) => relative(common, resolve(d)) || resolve(d));
  return new Set(relatives).size === relatives.length
    ? relatives
    : dirs.map((d, i) => `${i + 1}:${basename(resolve(d))}`);
}

/** Reads one run for the report; a run without embeddings.csv is an error naming it. */
export async function readReportRun(dir: string, label: string, embeddingsFile = 'embeddings.csv'): Promise<ReportRun> {
  const config = await readRunConfig(dir);
  const embeddingsPath = join(dir, embeddingsFile);
  if (!existsSync(embeddingsPath)) {
    throw inputError(
      `run '${label}' has no ${embeddingsFile}; write it first with \`lssl embed ${dir} SOURCE --out ${embeddingsPath}\``,
      embeddingsPath,
    );
  }
  const finetuneFiles = readdirSync(dir)
    .filter((f) => /^finetune-.+\.csv$/.test(f))
    .sort();
  return {
    dir,
    label,
    method: config.method,
    config,
    history: readHistoryCsv(join(dir, 'history.csv')),
    embeddings: readEmbeddingsCsv(embeddingsPath),
    finetune: finetuneFiles.map((f) => readFinetuneCsv(join(dir, f))),
  };
}
