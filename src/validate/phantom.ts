/**
 * Does LSSL learn the phantom's direction of progression, and is it at least as good as an
 * implementation it did not write? (`lssl validate phantom`): pretrain LSSL — and, with
 * `baselines`, the paper's AE/VAE — on one simulated cohort, embed a second cohort simulated with
 * another seed (subjects never seen), and score the embeddings of those held-out subjects
 * against the ground truth (phantom-scores.ts): r(Δtau_proj, Δatrophy) over every ordered visit
 * pair, within-group r(Δtau_proj, Δage), and the diagnosis balanced accuracy from Δz.
 *
 * The cohorts are the procedural phantom (default) or, with `template`, the template phantom
 * rendered on a real T1 (`lssl simulate --template`).
 *
 * With `reference`, bench/reference/lssl_paper.py — LSSL and its baselines written from the paper
 * in PyTorch, with its own preprocessing — trains on the same training and validation subjects
 * and is scored by the same code. With `torch`, a PyTorch mirror of lssl's own network
 * (bench/phantom_lssl_torch.py) trains on the very volumes and pairs lssl used, which tells an
 * implementation gap from a choice: the mirror shares lssl's choices, the reference does not.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCohort, type Cohort } from '../io/cohort.js';
import { loadPreprocessed, preprocessCohort, withSubjectReferences, type CacheRegistration } from '../io/cache.js';
import { simulateCohort } from '../sim/simulate.js';
import { simulateTemplateCohort } from '../sim/template-simulate.js';
import { createMethod } from '../methods.js';
import { DEFAULT_LAMBDA_RECON } from '../lssl/lssl.js';
import type { AutoencoderOptions } from '../nn/options.js';
import { cohortTrainingData, scanKey } from '../train/cohort-data.js';
import type { TrainingData } from '../train/data.js';
import { train } from '../train/engine.js';
import { volumeAugmenter } from '../train/augmenter.js';
import type { ProgressEvent } from '../train/progress.js';
import { openRun } from '../runs.js';
import { embedCohort, embeddingsToCsv } from '../eval/embed.js';
import { parseEmbeddingsCsv, type EmbeddingsTable } from '../eval/embeddings-csv.js';
import { runPythonScript } from '../python.js';
import {
  ceilingByGroup,
  deltaBalancedAccuracy,
  heldOutPairs,
  scoreDirection,
  type DirectionScores,
  type HeldOutPair,
} from './phantom-scores.js';
import { preprocessingRecord, type PreprocessingRecord } from '../io/preprocess-record.js';
import type { PreprocessOptions } from '../io/transforms.js';
import { runPaperReference, type ReferenceMethod } from './paper-reference.js';

export { scoreDirection, type DirectionScores, type HeldOutPair } from './phantom-scores.js';

/** The methods trained beside LSSL: the paper's baselines. */
export type PhantomBaseline = 'ae' | 'vae' | 'none';

export interface PhantomCheckOptions {
  out: string;
  /** training subjects (default 36) and held-out subjects (default 24, another seed) */
  subjects?: number;
  testSubjects?: number;
  visits?: number;
  shape?: number;
  epochs?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
  /** render the cohorts on this skull-stripped T1 (the template phantom) instead of procedural heads */
  template?: string;
  /** with `template`: its AAL atlas, and the nominal voxel size in mm (default 2) */
  atlas?: string;
  voxelMm?: number;
  /** preprocessing of every scan lssl trains and embeds (default: preprocess's; the reference has its own) */
  preprocess?: PreprocessOptions;
  /** network settings that replace lssl's defaults (latentSize, latentActivation, init, ...) */
  network?: Omit<AutoencoderOptions, 'inputShape' | 'seed'>;
  /** LSSL's loss weights (default: the method's) */
  lambdaRecon?: number;
  lambdaDir?: number;
  /** the paper's baselines to train and score beside LSSL (default none) */
  baselines?: readonly PhantomBaseline[];
  /** scale of the phantom's per-visit nuisances (default 1; 0 = noise-free, registered) */
  nuisance?: number;
  /** scale of the per-visit misregistration alone, on top of `nuisance` (default 1; 3.3 ≈ ± 1° repositioning) */
  misregistration?: number;
  /** register every visit to its subject's first visit before preprocessing (lssl preprocess --register subject) */
  register?: 'subject';
  /** augment training pairs (lssl's per-subject rotations/shifts/flips, per-scan intensity) */
  augment?: boolean;
  /** also run the reference written from the paper, for lssl and each baseline it has (needs python3-torch) */
  reference?: boolean;
  /** also train lssl's network mirrored in PyTorch on the same volumes and pairs (needs python3-torch) */
  torch?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

/** One method's figures on the held-out subjects. */
export interface MethodScores {
  /** diagnosis balanced accuracy from Δz (5 subject folds of the held-out subjects) */
  delta_balanced_accuracy: number;
  seconds_per_epoch: number;
}

export interface PhantomCheckResult extends DirectionScores, MethodScores {
  backend: string;
  settings: PhantomSettings;
  held_out_pairs: number;
  /**
   * r(Δatrophy, Δage) within each group: the ceiling of r(Δtau_proj, Δage) there, below 1
   * because every subject atrophies at its own rate (docs/phantom.md)
   */
  ceiling_delta_age_by_group: Record<string, number>;
  /** the baselines trained by lssl */
  baselines: Partial<Record<PhantomBaseline, MethodScores>>;
  /** the reference written from the paper: its LSSL (with direction scores) and baselines */
  reference?: {
    version: string;
    lssl: DirectionScores & MethodScores;
    baselines: Partial<Record<PhantomBaseline, MethodScores>>;
  };
  /** the PyTorch mirror of lssl's network on the same volumes and pairs */
  torch?: DirectionScores & { version: string; threads: number };
  seconds_total: number;
}

export interface PhantomSettings {
  subjects: number;
  testSubjects: number;
  visits: number;
  shape: number;
  epochs: number;
  batch: number;
  learningRate: number;
  seed: number;
  template: string | null;
  atlas: string | null;
  voxelMm: number;
  preprocess: PreprocessingRecord;
  network: Omit<AutoencoderOptions, 'inputShape' | 'seed'>;
  lambdaRecon: number | null;
  lambdaDir: number | null;
  baselines: PhantomBaseline[];
  nuisance: number;
  misregistration: number;
  register: 'subject' | null;
  augment: boolean;
  reference: boolean;
  torch: boolean;
}

function phantomSettings(options: PhantomCheckOptions): PhantomSettings {
  return {
    subjects: options.subjects ?? 36,
    testSubjects: options.testSubjects ?? 24,
    visits: options.visits ?? 3,
    shape: options.shape ?? 32,
    epochs: options.epochs ?? 15,
    batch: options.batch ?? 8,
    learningRate: options.learningRate ?? 1e-3,
    seed: options.seed ?? 0,
    template: options.template ?? null,
    atlas: options.atlas ?? null,
    voxelMm: options.voxelMm ?? 2,
    preprocess: preprocessingRecord(options.preprocess),
    network: { ...options.network },
    lambdaRecon: options.lambdaRecon ?? null,
    lambdaDir: options.lambdaDir ?? null,
    baselines: [...(options.baselines ?? [])],
    nuisance: options.nuisance ?? 1,
    misregistration: options.misregistration ?? 1,
    register: options.register ?? null,
    augment: options.augment ?? false,
    reference: options.reference ?? false,
    torch: options.torch ?? false,
  };
}

/** Simulates (procedural or template phantom) and preprocesses one cohort. */
async function simulateAndCache(
  dir: string,
  subjects: number,
  seed: number,
  settings: PhantomSettings,
  cacheDir: string,
): Promise<Cohort> {
  const { visits, nuisance, misregistration } = settings;
  if (settings.template === null) await simulateCohort({ out: dir, subjects, visits, seed, nuisance, misregistration });
  else {
    const { template, voxelMm } = settings;
    await simulateTemplateCohort({
      template,
      atlas: settings.atlas ?? undefined,
      out: dir,
      subjects,
      visits,
      seed,
      voxelMm,
      nuisance,
      misregistration,
    });
  }
  const cohort = await loadCohort(dir);
  await preprocessCohort(cohort, {
    cacheDir,
    shape: [settings.shape, settings.shape, settings.shape],
    preprocess: settings.preprocess,
    ...cacheRegistration(cohort, settings),
  });
  return cohort;
}

/** The cache option that reads (or builds) registered volumes when the validation registers. */
function cacheRegistration(cohort: Cohort, settings: PhantomSettings): { register?: CacheRegistration } {
  return settings.register === null ? {} : { register: withSubjectReferences(cohort, { to: settings.register }) };
}

/** The options of `method` in this validation: the given network settings and, for lssl, the loss weights. */
function methodOptions(method: 'lssl' | PhantomBaseline, settings: PhantomSettings): Record<string, unknown> {
  const network = { ...settings.network, inputShape: settings.shape, seed: settings.seed };
  if (method !== 'lssl') return { network };
  return { network, lambdaRecon: settings.lambdaRecon ?? undefined, lambdaDir: settings.lambdaDir ?? undefined };
}

/** Trains `method` on `data` into runDir and embeds every scan of `test`; returns its embeddings table. */
async function trainAndEmbed(
  method: 'lssl' | PhantomBaseline,
  data: TrainingData,
  test: Cohort,
  settings: PhantomSettings,
  cacheDir: string,
  runDir: string,
  onProgress?: (event: ProgressEvent) => void,
): Promise<{ table: EmbeddingsTable; tauProj: Map<string, number>; secondsPerEpoch: number; backend: string }> {
  const instance = createMethod(method, methodOptions(method, settings));
  let trainSeconds = 0;
  let epochs = 0;
  try {
    await train({
      method: instance,
      data,
      options: {
        epochs: settings.epochs,
        batchSize: settings.batch,
        learningRate: settings.learningRate,
        seed: settings.seed,
      },
      augment: settings.augment ? volumeAugmenter(instance.augmentation.options) : undefined,
      runDir,
      force: true,
      onProgress: (event) => {
        if (event.type === 'epoch') {
          epochs++;
          trainSeconds += event.rows.reduce((s, r) => s + r.seconds, 0);
        }
        onProgress?.(event);
      },
    });
  } finally {
    instance.dispose();
  }
  const run = await openRun(runDir);
  const records = await embedCohort(run, test, { cacheDir, cache: cacheRegistration(test, settings) }).finally(() =>
    run.dispose(),
  );
  const csv = embeddingsToCsv(records);
  await writeFile(join(runDir, 'held-out-embeddings.csv'), csv);
  return {
    table: parseEmbeddingsCsv(csv),
    tauProj: new Map(records.map((r) => [`${r.subject}/${r.session}`, r.tauProj ?? Number.NaN])),
    secondsPerEpoch: epochs > 0 ? trainSeconds / epochs : 0,
    backend: run.config.backend,
  };
}

/** tau_proj of every row of an embeddings table, by scan key. */
function tauProjOf(table: EmbeddingsTable): Map<string, number> {
  return new Map(table.rows.map((r) => [`${r.subject}/${r.session}`, r.tauProj ?? Number.NaN]));
}

export async function phantomCheck(options: PhantomCheckOptions): Promise<PhantomCheckResult> {
  const settings = phantomSettings(options);
  const started = performance.now();
  const cacheDir = join(options.out, 'cache');
  const trainDir = join(options.out, 'train');
  const testDir = join(options.out, 'test');
  const trainCohort = await simulateAndCache(trainDir, settings.subjects, settings.seed, settings, cacheDir);
  const testCohort = await simulateAndCache(testDir, settings.testSubjects, settings.seed + 1000, settings, cacheDir);
  const data = cohortTrainingData(trainCohort, {
    shape: settings.shape,
    cacheDir,
    cache: { preprocess: settings.preprocess, ...cacheRegistration(trainCohort, settings) },
    seed: settings.seed,
  });
  const pairs = await heldOutPairs(testCohort, testDir);
  const scoresOf = (table: EmbeddingsTable, secondsPerEpoch: number): MethodScores => ({
    delta_balanced_accuracy: deltaBalancedAccuracy(table, settings.seed),
    seconds_per_epoch: secondsPerEpoch,
  });

  const lssl = await trainAndEmbed(
    'lssl',
    data,
    testCohort,
    settings,
    cacheDir,
    join(options.out, 'run'),
    options.onProgress,
  );
  const baselines: PhantomCheckResult['baselines'] = {};
  for (const name of settings.baselines) {
    const run = await trainAndEmbed(
      name,
      data,
      testCohort,
      settings,
      cacheDir,
      join(options.out, `run-${name}`),
      options.onProgress,
    );
    baselines[name] = scoresOf(run.table, run.secondsPerEpoch);
  }
  const reference = settings.reference ? paperReference(options.out, data, settings, pairs, scoresOf) : undefined;
  const mirror = settings.torch
    ? await torchReference(data, testCohort, settings, cacheDir, join(options.out, 'torch'))
    : undefined;
  return {
    backend: lssl.backend,
    settings,
    held_out_pairs: pairs.length,
    ...scoreDirection(pairs, lssl.tauProj, lssl.secondsPerEpoch),
    ...scoresOf(lssl.table, lssl.secondsPerEpoch),
    ceiling_delta_age_by_group: ceilingByGroup(pairs),
    baselines,
    ...(reference && { reference }),
    ...(mirror && {
      torch: {
        ...scoreDirection(pairs, mirror.tauProj, mirror.seconds_per_epoch),
        version: mirror.torch,
        threads: mirror.threads,
      },
    }),
    seconds_total: (performance.now() - started) / 1000,
  };
}

/** The paper reference's LSSL and baselines, trained on lssl's training and validation subjects. */
function paperReference(
  out: string,
  data: TrainingData,
  settings: PhantomSettings,
  pairs: readonly HeldOutPair[],
  scoresOf: (table: EmbeddingsTable, secondsPerEpoch: number) => MethodScores,
): NonNullable<PhantomCheckResult['reference']> {
  const subjectsOf = (scans: readonly { subject: string }[]) => [...new Set(scans.map((s) => s.subject))].sort();
  const run = (method: ReferenceMethod) =>
    runPaperReference({
      method,
      trainDir: join(out, 'train'),
      trainSubjects: subjectsOf(data.train.scans),
      validationSubjects: subjectsOf(data.validation.scans),
      testDir: join(out, 'test'),
      out: join(out, `reference-${method}.csv`),
      shape: settings.shape,
      epochs: settings.epochs,
      batch: settings.batch,
      learningRate: settings.learningRate,
      seed: settings.seed,
    });
  const lssl = run('lssl');
  const baselines: Partial<Record<PhantomBaseline, MethodScores>> = {};
  for (const name of settings.baselines) {
    if (name === 'none') continue; // the reference has no untrained-encoder run
    const r = run(name);
    baselines[name] = scoresOf(r.table, r.secondsPerEpoch);
  }
  return {
    version: `PyTorch ${lssl.torch}`,
    lssl: {
      ...scoreDirection(pairs, tauProjOf(lssl.table), lssl.secondsPerEpoch),
      ...scoresOf(lssl.table, lssl.secondsPerEpoch),
    },
    baselines,
  };
}

/**
 * Trains the PyTorch reference on lssl's training pairs and volumes (the same preprocessed
 * voxels, x-fastest = [D, H, W]) and returns its tau_proj of every held-out scan.
 */
async function torchReference(
  data: TrainingData,
  test: Cohort,
  settings: PhantomSettings,
  cacheDir: string,
  folder: string,
): Promise<{ tauProj: Map<string, number>; seconds_per_epoch: number; torch: string; threads: number }> {
  await mkdir(folder, { recursive: true });
  const scans = data.train.scans;
  const index = new Map(scans.map((s, i) => [s.key, i]));
  const trainVolumes = await Promise.all(scans.map((s) => data.loadVolume(s)));
  const testScans = test.subjects.flatMap((s) => s.scans);
  const shape: [number, number, number] = [settings.shape, settings.shape, settings.shape];
  const testVolumes = await Promise.all(
    testScans.map(
      async (s) =>
        (
          await loadPreprocessed(s, {
            cacheDir,
            shape,
            preprocess: settings.preprocess,
            ...cacheRegistration(test, settings),
          })
        ).data,
    ),
  );
  const pack = (volumes: Float32Array[]) =>
    Buffer.concat(volumes.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
  await writeFile(join(folder, 'train.f32'), pack(trainVolumes));
  await writeFile(join(folder, 'test.f32'), pack(testVolumes));
  const pairs = data.train.pairs.map((p) => [index.get(p.earlier.key)!, index.get(p.later.key)!]);
  await writeFile(join(folder, 'data.json'), JSON.stringify({ shape: settings.shape, pairs }));
  // the mirror uses lssl's own loss weights: those given, else the method's defaults
  const lossWeights = { lambdaRecon: settings.lambdaRecon ?? DEFAULT_LAMBDA_RECON, lambdaDir: settings.lambdaDir ?? 1 };
  const out = runPythonScript('phantom_lssl_torch.py', [
    '--data',
    folder,
    '--epochs',
    String(settings.epochs),
    '--batch',
    String(settings.batch),
    '--lr',
    String(settings.learningRate),
    '--latent-activation',
    settings.network.latentActivation ?? 'tanh',
    '--lambda-recon',
    String(lossWeights.lambdaRecon),
    '--lambda-dir',
    String(lossWeights.lambdaDir),
    '--seed',
    String(settings.seed),
    '--threads',
    '1',
  ]);
  const result = JSON.parse(out) as { tau_proj: number[]; seconds_per_epoch: number; torch: string; threads: number };
  return { ...result, tauProj: new Map(testScans.map((s, i) => [scanKey(s), result.tau_proj[i]])) };
}
