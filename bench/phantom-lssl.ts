/**
 * Does LSSL learn the phantom's direction of progression? Issue 4's check, as a
 * reproducible experiment (`lssl bench phantom`): pretrain LSSL on one simulated cohort,
 * embed a second cohort simulated with another seed (subjects never seen), and correlate,
 * over all ordered visit pairs of those held-out subjects, Δtau_proj with the true change
 * in atrophy (ground_truth.tsv), and within each diagnosis group with Δage.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { loadCohort, type Cohort } from '../src/io/cohort.js';
import { preprocessCohort } from '../src/io/cache.js';
import { makePairs } from '../src/io/pairs.js';
import { simulateCohort } from '../src/sim/simulate.js';
import { createMethod } from '../src/train/registry.js';
import { cohortTrainingData } from '../src/train/cohort-data.js';
import { train } from '../src/train/engine.js';
import type { ProgressEvent } from '../src/train/progress.js';
import { openRun } from '../src/train/open-run.js';
import { embedCohort } from '../src/eval/embed.js';
import { pearsonR } from '../src/eval/metrics.js';

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
  onProgress?: (event: ProgressEvent) => void;
}

export interface PhantomCheckResult {
  backend: string;
  settings: Required<Omit<PhantomCheckOptions, 'onProgress' | 'out'>>;
  held_out_pairs: number;
  /** r(Δtau_proj, Δatrophy) over all held-out pairs */
  r_delta_atrophy: number;
  /** r(Δtau_proj, Δage) within each diagnosis group */
  r_delta_age_by_group: Record<string, number>;
  /** r(Δtau_proj, Δage) over all held-out pairs (weaker: diagnosis changes the rate) */
  r_delta_age: number;
  /** r(Δtau_proj, Δatrophy) within each diagnosis group */
  r_delta_atrophy_by_group: Record<string, number>;
  /**
   * r(Δatrophy, Δage) within each group: the ceiling of r(Δtau_proj, Δage) there, below 1
   * because every subject atrophies at its own rate (docs/phantom.md)
   */
  ceiling_delta_age_by_group: Record<string, number>;
  seconds_per_epoch: number;
  seconds_total: number;
}

/** (subject, session) → atrophy, from the phantom's ground_truth.tsv. */
async function atrophyOf(cohortDir: string): Promise<Map<string, number>> {
  const text = await readFile(join(cohortDir, 'ground_truth.tsv'), 'utf8');
  const rows = Papa.parse<Record<string, string>>(text, { header: true, delimiter: '\t', skipEmptyLines: true }).data;
  const strip = (id: string, prefix: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  return new Map(rows.map((r) => [`${strip(r.participant_id, 'sub-')}/${strip(r.session_id, 'ses-')}`, Number(r.atrophy)]));
}

async function simulateAndCache(dir: string, subjects: number, visits: number, seed: number, shape: number, cacheDir: string): Promise<Cohort> {
  await simulateCohort({ out: dir, subjects, visits, seed });
  const cohort = await loadCohort(dir);
  await preprocessCohort(cohort, { cacheDir, shape: [shape, shape, shape] });
  return cohort;
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
  };
  const started = performance.now();
  const cacheDir = join(options.out, 'cache');
  const trainCohort = await simulateAndCache(join(options.out, 'train'), settings.subjects, settings.visits, settings.seed, settings.shape, cacheDir);
  const testDir = join(options.out, 'test');
  const testCohort = await simulateAndCache(testDir, settings.testSubjects, settings.visits, settings.seed + 1000, settings.shape, cacheDir);

  const runDir = join(options.out, 'run');
  const method = createMethod('lssl', { network: { inputShape: settings.shape, seed: settings.seed, latentActivation: settings.latentActivation, init: settings.init } });
  let trainSeconds = 0;
  let epochs = 0;
  try {
    await train({
      method,
      data: cohortTrainingData(trainCohort, { shape: settings.shape, cacheDir, seed: settings.seed }),
      options: { epochs: settings.epochs, batchSize: settings.batch, learningRate: settings.learningRate, seed: settings.seed },
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
  const atrophy = await atrophyOf(testDir);
  const rows = makePairs(testCohort).map((p) => {
    const [a, b] = [`${p.earlier.subject}/${p.earlier.session}`, `${p.later.subject}/${p.later.session}`];
    return {
      group: String(p.earlier.covariates.diagnosis ?? 'n/a'),
      dTau: tauProj.get(b)! - tauProj.get(a)!,
      dAtrophy: atrophy.get(b)! - atrophy.get(a)!,
      dAge: p.gapYears,
    };
  });
  const groups = [...new Set(rows.map((r) => r.group))].sort();
  const r = (xs: typeof rows, key: 'dAtrophy' | 'dAge', from: 'dTau' | 'dAtrophy' = 'dTau') => pearsonR(xs.map((x) => x[from]), xs.map((x) => x[key]));
  const byGroup = (f: (xs: typeof rows) => number) => Object.fromEntries(groups.map((g) => [g, f(rows.filter((x) => x.group === g))]));
  return {
    backend: run.config.backend,
    settings,
    held_out_pairs: rows.length,
    r_delta_atrophy: r(rows, 'dAtrophy'),
    r_delta_age_by_group: byGroup((xs) => r(xs, 'dAge')),
    r_delta_age: r(rows, 'dAge'),
    r_delta_atrophy_by_group: byGroup((xs) => r(xs, 'dAtrophy')),
    ceiling_delta_age_by_group: byGroup((xs) => r(xs, 'dAge', 'dAtrophy')),
    seconds_per_epoch: epochs > 0 ? trainSeconds / epochs : 0,
    seconds_total: (performance.now() - started) / 1000,
  };
}
