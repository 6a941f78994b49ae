/**
 * lssl as a library, end to end: simulate a small longitudinal cohort, load it, make the
 * pairs of visits, pretrain LSSL, embed every scan, probe the embeddings for age and write
 * the HTML report. docs/library.md shows this file; test/examples/pipeline.test.ts runs it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cohortTrainingData,
  embedCohort,
  embeddingsToCsv,
  initBackend,
  LsslMethod,
  loadCohort,
  makePairs,
  openRun,
  preprocessCohort,
  probe,
  readEmbeddingsCsv,
  simulateCohort,
  train,
  writeReport,
} from 'lssl';

export interface PipelineResult {
  pairs: number;
  epochs: number;
  embedded: number;
  /** mean absolute error of the age probe (years), over subject folds */
  ageMae: number;
  /** path of report.html */
  report: string;
}

/** Runs the pipeline with every file under `out` (a folder that is created). */
export async function pipeline(out: string, seed = 1): Promise<PipelineResult> {
  const shape = 16; // voxels per side the network sees: tiny, so this runs in seconds
  await initBackend(); // the fastest backend here: tfjs-node if installed, else lssl's wasm kernels

  // 1. A cohort: any BIDS folder (or a CSV manifest) with ages; here a simulated phantom
  //    of 10 subjects × 3 visits whose atrophy grows with age.
  const cohortDir = join(out, 'cohort');
  await simulateCohort({ out: cohortDir, subjects: 10, visits: 3, seed, shape: 32 });
  const cohort = await loadCohort(cohortDir);

  // 2. Preprocess once (reorient, resample to 16³, z-score) into a cache the later steps share.
  const cacheDir = join(out, 'cache');
  await preprocessCohort(cohort, { cacheDir, shape: [shape, shape, shape] });

  // 3. LSSL learns from ordered pairs of visits of one subject (earlier, later).
  const pairs = makePairs(cohort, { strategy: 'all' });

  // 4. Pretrain LSSL (Zhao et al., MedIA 2021) on those pairs, split by subject into
  //    train and validation, into a run folder (config, history, weights).
  const runDir = join(out, 'runs', 'lssl');
  const method = new LsslMethod({ network: { inputShape: shape, seed } });
  const data = cohortTrainingData(cohort, { shape, cacheDir, seed, pairs: { strategy: 'all' } });
  const trained = await train({ method, data, options: { epochs: 2, batchSize: 4, seed }, runDir, force: true });
  method.dispose();

  // 5. Embed every scan with the trained encoder: z, and tau_proj (the position along LSSL's
  //    learned direction of ageing); the report and the probes read RUN/embeddings.csv.
  const run = await openRun(runDir);
  const records = await embedCohort(run, cohort, { cacheDir });
  run.dispose();
  await writeFile(join(runDir, 'embeddings.csv'), embeddingsToCsv(records));

  // 6. Probe: how well a ridge regression on z predicts age, with folds by subject.
  const table = readEmbeddingsCsv(join(runDir, 'embeddings.csv'));
  const age = probe(table, { target: 'age', folds: 2, seed });
  if (age.kind !== 'numeric') throw new Error('age is a numeric target');

  // 7. The report: probe tables, plots and the brain-age axis, as CSV files and one HTML page.
  const report = await writeReport([runDir], { out: join(out, 'report'), targets: ['age'], folds: 2, seed });

  return {
    pairs: pairs.length,
    epochs: trained.epochsFinished,
    embedded: records.length,
    ageMae: age.mae,
    report: report.files.html,
  };
}
