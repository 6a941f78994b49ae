/**
 * The main job on the built-in data (`lssl demo`): simulate a phantom cohort, preprocess
 * it, pretrain each method (the LSSL paper's: none, ae, vae, lssl by default; all nine on
 * request) for one or more seeds on the one engine, embed every scan, run the theory labs,
 * and write the report, which opens with the comparison of the methods: CIs over subjects
 * (seeds pooled) and paired tests of every method against lssl and none (report-comparison.ts).
 * Each stage is a library call that the CLI also exposes on its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCohort } from './io/cohort.js';
import { preprocessCohort } from './io/cache.js';
import { simulateCohort } from './sim/simulate.js';
import { METHOD_NAMES, type MethodName } from './methods.js';
import { pretrain } from './eval/pretrain.js';
import type { ProgressEvent } from './train/progress.js';
import { writeFileAtomic } from './io/atomic.js';
import { writeReport, type ReportResult } from './eval/report/report.js';
import { cohortSlices } from './eval/report/decoder.js';
import { runIdentifiabilityLab } from './labs/identifiability.js';
import { runDecouplingLab } from './labs/decoupling.js';
import { runHltmLab } from './labs/hltm.js';
import { inputError } from './errors.js';

/** Every pretraining method the demo can compare (`--methods all`), floor first. */
export const ALL_DEMO_METHODS: readonly MethodName[] = [
  'none',
  'ae',
  'vae',
  'lssl',
  'simclr',
  'supcon',
  'simsiam',
  'byol',
  'directpred',
];

/** The demo's default: the methods of the LSSL paper's comparison (Zhao et al., MedIA 2021, §4). */
export const DEMO_METHODS: readonly MethodName[] = ['none', 'ae', 'vae', 'lssl'];

/** `--methods`: "all", or a comma list of method names (order kept, repeats dropped). */
export function demoMethods(text: string): MethodName[] {
  const names = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return [...ALL_DEMO_METHODS];
  for (const name of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(name))
      throw inputError(
        `--methods must be 'all' or name methods among ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(name)}`,
      );
  }
  if (names.length === 0) throw inputError('--methods needs at least one method');
  return [...new Set(names)] as MethodName[];
}

export interface DemoOptions {
  /** output folder: cohort/, cache/, runs/<method>/, labs/, report/ */
  out: string;
  /** phantom subjects (default DEMO_SUBJECTS) and visits each (default 3) */
  subjects?: number;
  visits?: number;
  /** voxels per side the networks see (default 32) */
  shape?: number;
  epochs?: number;
  methods?: readonly MethodName[];
  /** training seeds per method (default 1): seed, seed + 1, ...; the comparison pools them */
  seeds?: number;
  /** bootstrap resamples and permutations of the comparison (default 9999) */
  resamples?: number;
  /** run the three theory labs in their short form (default true) */
  labs?: boolean;
  seed?: number;
  /** one line per stage and epoch */
  log?: (message: string) => void;
  onTrainProgress?: (method: MethodName, event: ProgressEvent) => void;
}

export interface DemoResult {
  out: string;
  report: string;
  runs: string[];
  seconds: Record<string, number>;
  summary: ReportResult['summary'];
  /** the report's comparisons (one per target and feature set) and their verdict lines */
  comparisons: ReportResult['comparisons'];
  verdict: ReportResult['verdict'];
}

/** Subjects of the default phantom: enough for the verdict to separate lssl from ae and none (README). */
export const DEMO_SUBJECTS = 60;

/** Steps of the labs in the demo: enough to show each claim's direction, in seconds. */
const DEMO_LAB_STEPS = { identifiability: 600, decoupling: 400, hltm: 400 } as const;

async function timed<T>(seconds: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    seconds[stage] = Math.round((performance.now() - start) / 100) / 10;
  }
}

async function runLabs(dir: string, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const results = {
    identifiability: runIdentifiabilityLab({ seed, steps: DEMO_LAB_STEPS.identifiability }),
    decoupling: runDecouplingLab({ seed, steps: DEMO_LAB_STEPS.decoupling }),
    hltm: runHltmLab({ seed, steps: DEMO_LAB_STEPS.hltm }),
  };
  for (const [name, result] of Object.entries(results)) {
    await writeFileAtomic(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const subjects = options.subjects ?? DEMO_SUBJECTS;
  const visits = options.visits ?? 3;
  const shape = options.shape ?? 32;
  const epochs = options.epochs ?? 15;
  const seed = options.seed ?? 0;
  const methods = options.methods ?? DEMO_METHODS;
  if (methods.length === 0) throw inputError('the demo needs at least one method');
  const seeds = options.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw inputError(`seeds must be a positive integer, not ${seeds}`);
  const log = options.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  const cohortDir = join(options.out, 'cohort');
  const cacheDir = join(options.out, 'cache');
  await mkdir(options.out, { recursive: true });

  log(`simulating ${subjects} subjects × ${visits} visits → ${cohortDir}`);
  await timed(seconds, 'simulate', () => simulateCohort({ out: cohortDir, subjects, visits, seed }));
  const cohort = await loadCohort(cohortDir);
  log(`preprocessing to ${shape}³ → ${cacheDir}`);
  await timed(seconds, 'preprocess', () => preprocessCohort(cohort, { cacheDir, shape: [shape, shape, shape] }));

  const runs: string[] = [];
  for (const method of methods) {
    const start = performance.now();
    for (let k = 0; k < seeds; k++) {
      // one seed keeps the plain runs/<method> folder; more get runs/<method>-seed<s>
      const runDir = join(options.out, 'runs', seeds === 1 ? method : `${method}-seed${seed + k}`);
      log(
        `pretraining ${method} (${method === 'none' ? 'random init' : `${epochs} epochs`}, seed ${seed + k}) → ${runDir}`,
      );
      await pretrain(method, cohort, {
        shape,
        epochs,
        seed: seed + k,
        cacheDir,
        runDir,
        onProgress: (e) => options.onTrainProgress?.(method, e),
      });
      runs.push(runDir);
    }
    seconds[`train:${method}`] = Math.round((performance.now() - start) / 100) / 10;
  }

  const labsDir = join(options.out, 'labs');
  if (options.labs ?? true) {
    log('running the theory labs (short form)');
    await timed(seconds, 'labs', () => runLabs(labsDir, seed));
  }

  const reportDir = join(options.out, 'report');
  log(`writing the report → ${reportDir}`);
  const report = await timed(seconds, 'report', () =>
    writeReport(runs, {
      out: reportDir,
      targets: ['diagnosis', 'age'],
      seed,
      resamples: options.resamples,
      labs: (options.labs ?? true) ? labsDir : undefined,
      slices: cohortSlices({ source: cohortDir, cacheDir }),
      title: `lssl demo: ${subjects} phantom subjects × ${visits} visits at ${shape}³`,
    }),
  );
  const result: DemoResult = {
    out: options.out,
    report: report.files.html,
    runs,
    seconds,
    summary: report.summary,
    comparisons: report.comparisons,
    verdict: report.verdict,
  };
  await writeFile(join(options.out, 'timings.json'), `${JSON.stringify(seconds, null, 2)}\n`);
  return result;
}
