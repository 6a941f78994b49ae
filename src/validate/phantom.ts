/**
 * Does LSSL learn the phantom's direction of progression? Issue 4's check, as a
 * reproducible experiment (`lssl validate phantom`): pretrain LSSL on one simulated cohort,
 * embed a second cohort simulated with another seed (subjects never seen), and correlate,
 * over all ordered visit pairs of those held-out subjects, Δtau_proj with the true change
 * in atrophy (ground_truth.tsv), and within each diagnosis group with Δage.
 *
 * With `torch`, the same network is also trained in PyTorch (bench/phantom_lssl_torch.py)
 * on the very volumes and training pairs lssl used, and scored by the same code, so the two
 * implementations are compared on identical data in one run.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { loadCohort, type Cohort } from '../io/cohort.js';
import { loadPreprocessed, preprocessCohort } from '../io/cache.js';
import { makePairs } from '../io/pairs.js';
import { simulateCohort } from '../sim/simulate.js';
import { createMethod } from '../methods.js';
import { cohortTrainingData, scanKey } from '../train/cohort-data.js';
import type { TrainingData } from '../train/data.js';
import { train } from '../train/engine.js';
import { volumeAugmenter } from '../train/augmenter.js';
import type { ProgressEvent } from '../train/progress.js';
import { openRun } from '../runs.js';
import { embedCohort } from '../eval/embed.js';
import { pearsonR } from '../eval/metrics.js';
import { runPythonScript } from '../python.js';

export interface PhantomCheckOptions {
  out: string;
  subjects?: number;
  testSubjects?: number;
  visits?: number;
  shape?: number;
  epochs?: number;
  batch?: number;
  learningRate?: number;
  seed?: number;
  /** activation of the dense latent (default tanh, the network's default) */
  latentActivation?: 'tanh' | 'linear';
  /** weight initialisation (default pytorch, the network's default) */
  init?: 'pytorch' | 'he';
  /** scale of the phantom's per-visit nuisances (default 1; 0 = noise-free, registered) */
  nuisance?: number;
  /** augment training pairs (lssl's per-subject rotations/shifts/flips, per-scan intensity) */
  augment?: boolean;
  /** also train the PyTorch reference on the same data (needs /usr/bin/python3 with torch) */
  torch?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

/** How well Δtau_proj of held-out pairs follows the ground truth. */
export interface DirectionScores {
  /** r(Δtau_proj, Δatrophy) over all held-out pairs */
  r_delta_atrophy: number;
  /** r(Δtau_proj, Δage) within each diagnosis group */
  r_delta_age_by_group: Record<string, number>;
  /** r(Δtau_proj, Δage) over all held-out pairs (weaker: diagnosis changes the rate) */
  r_delta_age: number;
  /** r(Δtau_proj, Δatrophy) within each diagnosis group */
  r_delta_atrophy_by_group: Record<string, number>;
  seconds_per_epoch: number;
}

export interface PhantomCheckResult extends DirectionScores {
  backend: string;
  settings: Required<Omit<PhantomCheckOptions, 'onProgress' | 'out'>>;
  held_out_pairs: number;
  /**
   * r(Δatrophy, Δage) within each group: the ceiling of r(Δtau_proj, Δage) there, below 1
   * because every subject atrophies at its own rate (docs/phantom.md)
   */
  ceiling_delta_age_by_group: Record<string, number>;
  /** the PyTorch reference on the same volumes and pairs */
  torch?: DirectionScores & { version: string; threads: number };
  seconds_total: number;
}

/** A pair of held-out visits with its true change. */
export interface HeldOutPair {
  group: string;
  earlier: string;
  later: string;
  dAtrophy: number;
  dAge: number;
}

/** (subject, session) → atrophy, from the phantom's ground_truth.tsv. */
async function atrophyOf(cohortDir: string): Promise<Map<string, number>> {
  const text = await readFile(join(cohortDir, 'ground_truth.tsv'), 'utf8');
  const rows = Papa.parse<Record<string, string>>(text, { header: true, delimiter: '\t', skipEmptyLines: true }).data;
  const strip = (id: string, prefix: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  return new Map(
    rows.map((r) => [`${strip(r.participant_id, 'sub-')}/${strip(r.session_id, 'ses-')}`, Number(r.atrophy)]),
  );
}

async function heldOutPairs(cohort: Cohort, cohortDir: string): Promise<HeldOutPair[]> {
  const atrophy = await atrophyOf(cohortDir);
  return makePairs(cohort).map((p) => {
    const [earlier, later] = [scanKey(p.earlier), scanKey(p.later)];
    return {
      group: String(p.earlier.covariates.diagnosis ?? 'n/a'),
      earlier,
      later,
      dAtrophy: atrophy.get(later)! - atrophy.get(earlier)!,
      dAge: p.gapYears,
    };
  });
}

const groupsOf = (pairs: readonly HeldOutPair[]) => [...new Set(pairs.map((p) => p.group))].sort();

function byGroup(pairs: readonly HeldOutPair[], score: (xs: HeldOutPair[]) => number): Record<string, number> {
  return Object.fromEntries(groupsOf(pairs).map((g) => [g, score(pairs.filter((p) => p.group === g))]));
}

/** Scores the projections `tauProj` (scan key → z·τ/‖τ‖) on the held-out pairs. */
export function scoreDirection(
  pairs: readonly HeldOutPair[],
  tauProj: ReadonlyMap<string, number>,
  secondsPerEpoch: number,
): DirectionScores {
  const dTau = (xs: HeldOutPair[]) => xs.map((p) => tauProj.get(p.later)! - tauProj.get(p.earlier)!);
  const r = (xs: HeldOutPair[], key: 'dAtrophy' | 'dAge') =>
    pearsonR(
      dTau(xs),
      xs.map((p) => p[key]),
    );
  return {
    r_delta_atrophy: r([...pairs], 'dAtrophy'),
    r_delta_age_by_group: byGroup(pairs, (xs) => r(xs, 'dAge')),
    r_delta_age: r([...pairs], 'dAge'),
    r_delta_atrophy_by_group: byGroup(pairs, (xs) => r(xs, 'dAtrophy')),
    seconds_per_epoch: secondsPerEpoch,
  };
}

async function simulateAndCache(
  dir: string,
  subjects: number,
  visits: number,
  seed: number,
  nuisance: number,
  shape: number,
  cacheDir: string,
): Promise<Cohort> {
  await simulateCohort({ out: dir, subjects, visits, seed, nuisance });
  const cohort = await loadCohort(dir);
  await preprocessCohort(cohort, { cacheDir, shape: [shape, shape, shape] });
  return cohort;
}

/**
 * Trains the PyTorch reference on lssl's training pairs and volumes (the same preprocessed
 * voxels, x-fastest = [D, H, W]) and returns its tau_proj of every held-out scan.
 */
async function torchReference(
  data: TrainingData,
  test: Cohort,
  settings: PhantomCheckResult['settings'],
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
    testScans.map(async (s) => (await loadPreprocessed(s, { cacheDir, shape })).data),
  );
  const pack = (volumes: Float32Array[]) =>
    Buffer.concat(volumes.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
  await writeFile(join(folder, 'train.f32'), pack(trainVolumes));
  await writeFile(join(folder, 'test.f32'), pack(testVolumes));
  const pairs = data.train.pairs.map((p) => [index.get(p.earlier.key)!, index.get(p.later.key)!]);
  await writeFile(join(folder, 'data.json'), JSON.stringify({ shape: settings.shape, pairs }));
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
    settings.latentActivation,
    '--seed',
    String(settings.seed),
    '--threads',
    '1',
  ]);
  const result = JSON.parse(out) as { tau_proj: number[]; seconds_per_epoch: number; torch: string; threads: number };
  return { ...result, tauProj: new Map(testScans.map((s, i) => [scanKey(s), result.tau_proj[i]])) };
}

export async function phantomCheck(options: PhantomCheckOptions): Promise<PhantomCheckResult> {
  const settings = {
    subjects: options.subjects ?? 24,
    testSubjects: options.testSubjects ?? 24,
    visits: options.visits ?? 3,
    shape: options.shape ?? 32,
    epochs: options.epochs ?? 15,
    batch: options.batch ?? 8,
    learningRate: options.learningRate ?? 1e-3,
    seed: options.seed ?? 0,
    latentActivation: options.latentActivation ?? 'tanh',
    init: options.init ?? 'pytorch',
    nuisance: options.nuisance ?? 1,
    augment: options.augment ?? false,
    torch: options.torch ?? false,
  };
  const started = performance.now();
  const cacheDir = join(options.out, 'cache');
  const trainCohort = await simulateAndCache(
    join(options.out, 'train'),
    settings.subjects,
    settings.visits,
    settings.seed,
    settings.nuisance,
    settings.shape,
    cacheDir,
  );
  const testDir = join(options.out, 'test');
  const testCohort = await simulateAndCache(
    testDir,
    settings.testSubjects,
    settings.visits,
    settings.seed + 1000,
    settings.nuisance,
    settings.shape,
    cacheDir,
  );
  const data = cohortTrainingData(trainCohort, { shape: settings.shape, cacheDir, seed: settings.seed });

  const runDir = join(options.out, 'run');
  const method = createMethod('lssl', {
    network: {
      inputShape: settings.shape,
      seed: settings.seed,
      latentActivation: settings.latentActivation,
      init: settings.init,
    },
  });
  let trainSeconds = 0;
  let epochs = 0;
  try {
    await train({
      method,
      data,
      options: {
        epochs: settings.epochs,
        batchSize: settings.batch,
        learningRate: settings.learningRate,
        seed: settings.seed,
      },
      augment: settings.augment ? volumeAugmenter(method.augmentation.options) : undefined,
      runDir,
      force: true,
      onProgress: (event) => {
        if (event.type === 'epoch') {
          epochs++;
          trainSeconds += event.rows.reduce((s, r) => s + r.seconds, 0);
        }
        options.onProgress?.(event);
      },
    });
  } finally {
    method.dispose();
  }

  const run = await openRun(runDir);
  const records = await embedCohort(run, testCohort, { cacheDir }).finally(() => run.dispose());
  const tauProj = new Map(records.map((r) => [`${r.subject}/${r.session}`, r.tauProj ?? Number.NaN]));
  const pairs = await heldOutPairs(testCohort, testDir);
  const reference = settings.torch
    ? await torchReference(data, testCohort, settings, cacheDir, join(options.out, 'torch'))
    : undefined;
  return {
    backend: run.config.backend,
    settings,
    held_out_pairs: pairs.length,
    ...scoreDirection(pairs, tauProj, epochs > 0 ? trainSeconds / epochs : 0),
    ceiling_delta_age_by_group: byGroup(pairs, (xs) =>
      pearsonR(
        xs.map((p) => p.dAtrophy),
        xs.map((p) => p.dAge),
      ),
    ),
    ...(reference && {
      torch: {
        ...scoreDirection(pairs, reference.tauProj, reference.seconds_per_epoch),
        version: reference.torch,
        threads: reference.threads,
      },
    }),
    seconds_total: (performance.now() - started) / 1000,
  };
}
