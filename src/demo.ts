/**
 * The main job on the built-in data (`lssl demo`): simulate a phantom cohort, preprocess
 * it, pretrain every method on the one engine, embed every scan, run the theory labs, and
 * write the report that compares the methods (probes of diagnosis and age, brain-age axis,
 * convergence). Each stage is a library call that the CLI also exposes on its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCohort } from './io/cohort.js';
import { preprocessCohort } from './io/cache.js';
import { simulateCohort } from './sim/simulate.js';
import type { MethodName } from './methods.js';
import { pretrain } from './eval/pretrain.js';
import type { ProgressEvent } from './train/progress.js';
import { writeFileAtomic } from './io/atomic.js';
import { writeReport, type ReportResult } from './eval/report/report.js';
import { cohortSlices } from './eval/report/decoder.js';
import { runIdentifiabilityLab } from './labs/identifiability.js';
import { runDecouplingLab } from './labs/decoupling.js';
import { runHltmLab } from './labs/hltm.js';
import { inputError } from './errors.js';

/** The pretraining methods the demo compares, floor first. */
export const DEMO_METHODS: readonly MethodName[] = [
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

export interface DemoOptions {
  /** output folder: cohort/, cache/, runs/<method>/, labs/, report/ */
  out: string;
  /** phantom subjects (default 24) and visits each (default 3) */
  subjects?: number;
  visits?: number;
  /** voxels per side the networks see (default 32) */
  shape?: number;
  epochs?: number;
  methods?: readonly MethodName[];
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
}

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
  const subjects = options.subjects ?? 24;
  const visits = options.visits ?? 3;
  const shape = options.shape ?? 32;
  const epochs = options.epochs ?? 15;
  const seed = options.seed ?? 0;
  const methods = options.methods ?? DEMO_METHODS;
  if (methods.length === 0) throw inputError('the demo needs at least one method');
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
    const runDir = join(options.out, 'runs', method);
    log(`pretraining ${method} (${method === 'none' ? 'random init' : `${epochs} epochs`}) → ${runDir}`);
    await timed(seconds, `train:${method}`, () =>
      pretrain(method, cohort, {
        shape,
        epochs,
        seed,
        cacheDir,
        runDir,
        onProgress: (e) => options.onTrainProgress?.(method, e),
      }),
    );
    runs.push(runDir);
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
      labs: (options.labs ?? true) ? labsDir : undefined,
      slices: cohortSlices({ source: cohortDir, cacheDir }),
      title: `lssl demo: ${subjects} phantom subjects × ${visits} visits at ${shape}³`,
    }),
  );
  const result: DemoResult = { out: options.out, report: report.files.html, runs, seconds, summary: report.summary };
  await writeFile(join(options.out, 'timings.json'), `${JSON.stringify(seconds, null, 2)}\n`);
  return result;
}
