/**
 * From embeddings files to a comparison in one call, for `lssl compare` and the demo: each
 * (method, seed) embeddings table is probed with the same probe options (the folds of seed
 * i are the same for every method), and the out-of-fold predictions are compared.
 */
import type { EmbeddingsTable } from '../embeddings-csv.js';
import type { ProbeOptions } from '../probe/probe.js';
import { compareMethods, type CompareOptions, type Comparison } from './compare.js';
import { outOfFoldPredictions } from './out-of-fold.js';
import type { PredictionRun } from './predictions.js';

export interface EmbeddingsRun {
  method: string;
  /** the training seed; also the probe's fold seed unless `probe.seed` is given */
  seed: number;
  table: EmbeddingsTable;
}

export interface EmbeddingsComparison {
  comparison: Comparison;
  /** the out-of-fold predictions behind it, one per run */
  predictions: PredictionRun[];
}

/** Probes every run on `probe.target` and compares the methods (see compareMethods). */
export function compareEmbeddings(
  runs: readonly EmbeddingsRun[],
  probe: ProbeOptions,
  options: CompareOptions = {},
): EmbeddingsComparison {
  const predictions = runs.map((run) => outOfFoldPredictions(run.table, run.method, run.seed, probe));
  return { comparison: compareMethods(predictions, options), predictions };
}
