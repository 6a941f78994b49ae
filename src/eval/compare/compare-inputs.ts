/**
 * The inputs of `lssl compare`: each argument an embeddings CSV or a run folder, turned into
 * the (method, seed, table) runs `compareEmbeddings` pairs. The method and seed come from
 * the run's config.json (the folder's, or the folder holding the CSV) when there is one,
 * else from a label `METHOD[:SEED]`; runs of one method with different seeds are pooled as
 * seeds. Everything that would make the runs unpairable is an input error naming the files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inputError } from '../../errors.js';
import { readEmbeddingsCsv } from '../embeddings-csv.js';
import type { EmbeddingsRun } from './compare-embeddings.js';

export interface CompareInput {
  /** an embeddings CSV, or a run folder holding one */
  path: string;
  /** `METHOD` or `METHOD:SEED`; overrides config.json */
  label?: string;
}

export interface LoadedRun extends EmbeddingsRun {
  /** the embeddings file read */
  file: string;
}

/** "ae:2" → { method: 'ae', seed: 2 }; "ae" → seed undefined. */
export function parseRunLabel(label: string): { method: string; seed: number | undefined } {
  const match = /^([^:\s]+)(?::(-?\d+))?$/.exec(label.trim());
  if (!match) throw inputError(`a label is METHOD or METHOD:SEED (e.g. ae:1), not '${label}'`);
  return { method: match[1], seed: match[2] === undefined ? undefined : Number(match[2]) };
}

/** config.json of a run folder: its method and training seed (0 when the run did not record one). */
function runIdentity(dir: string): { method: string; seed: number } | undefined {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return undefined;
  let config: { format?: string; method?: unknown; training?: { seed?: unknown } };
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw inputError(`cannot read the run's config: ${(error as Error).message.split('\n')[0]}`, file);
  }
  if (config.format !== 'lssl-run' || typeof config.method !== 'string') return undefined;
  const seed = config.training?.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw inputError(`training.seed must be an integer, not ${JSON.stringify(seed)}`, file);
  return { method: config.method, seed };
}

function embeddingsPath(path: string, embeddingsFile: string): { file: string; runDir: string } {
  if (!existsSync(path)) throw inputError('no such embeddings CSV or run folder', path);
  if (!statSync(path).isDirectory()) return { file: path, runDir: dirname(path) };
  const file = join(path, embeddingsFile);
  if (!existsSync(file))
    throw inputError(
      `run folder has no ${embeddingsFile}; write it with \`lssl embed ${path} SOURCE --out ${file}\``,
      file,
    );
  return { file, runDir: path };
}

/** Reads every input (see the module comment). `embeddingsFile` names the CSV inside run folders. */
export function loadCompareInputs(inputs: readonly CompareInput[], embeddingsFile = 'embeddings.csv'): LoadedRun[] {
  if (inputs.length < 2) throw inputError('a comparison needs at least two embeddings CSVs or run folders');
  const runs = inputs.map((input): LoadedRun => {
    const { file, runDir } = embeddingsPath(input.path, embeddingsFile);
    const fromConfig = runIdentity(runDir);
    const fromLabel = input.label === undefined ? undefined : parseRunLabel(input.label);
    const method = fromLabel?.method ?? fromConfig?.method;
    if (method === undefined)
      throw inputError('no config.json beside it names the method: give one with --labels METHOD[:SEED],...', file);
    const seed = fromLabel?.seed ?? fromConfig?.seed ?? 0;
    return { method, seed, table: readEmbeddingsCsv(file), file };
  });
  checkPairable(runs);
  return runs;
}

const sortedSubjects = (run: LoadedRun) => [...new Set(run.table.rows.map((r) => r.subject))].sort();

/** One run per (method, seed), every method with the same seeds, every run with the same subjects. */
export function checkPairable(runs: readonly LoadedRun[]): void {
  const seen = new Map<string, string>();
  for (const run of runs) {
    const key = `${run.method}:${run.seed}`;
    const other = seen.get(key);
    if (other !== undefined)
      throw inputError(
        `${other} and ${run.file} are both method ${run.method} seed ${run.seed}: give each run its own label (--labels)`,
      );
    seen.set(key, run.file);
  }
  const seedsOf = (method: string) =>
    runs
      .filter((r) => r.method === method)
      .map((r) => r.seed)
      .sort((a, b) => a - b)
      .join(', ');
  const first = runs[0];
  for (const run of runs) {
    if (seedsOf(run.method) !== seedsOf(first.method))
      throw inputError(
        `method ${run.method} has seeds ${seedsOf(run.method)} but ${first.method} has ${seedsOf(first.method)}: every method needs the same seeds to pair them`,
        run.file,
      );
  }
  const reference = sortedSubjects(first);
  for (const run of runs.slice(1)) {
    const own = sortedSubjects(run);
    if (own.join('\u0000') === reference.join('\u0000')) continue;
    const missing = reference.filter((s) => !own.includes(s));
    const extra = own.filter((s) => !reference.includes(s));
    throw inputError(
      `other subjects than ${first.file} (missing: ${missing.slice(0, 5).join(', ') || 'none'}; extra: ${extra.slice(0, 5).join(', ') || 'none'}): a paired comparison needs the same subjects in every run`,
      run.file,
    );
  }
}
