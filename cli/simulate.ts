/**
 * `lssl simulate`: write the built-in phantom cohort (a BIDS folder; docs/phantom.md), either
 * the procedural heads or, with --template, the same longitudinal model on a real T1.
 */
import type { CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { type SimulationReport, simulateCohort } from '../src/sim/simulate.js';
import { simulateTemplateCohort, type TemplateSimulationReport } from '../src/sim/template-simulate.js';
import { printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  out: string;
  subjects: number;
  visits: number;
  seed: number;
  shape?: number;
  nuisance: number;
  misregistration: number;
  template?: string;
  atlas?: string;
  voxel?: number;
  json: boolean;
}

export const simulateCommand: CommandModule<GlobalArgs, Args> = {
  command: 'simulate',
  describe: 'write a phantom longitudinal cohort of T1w head MRIs as a BIDS folder',
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output folder (empty, new, or an earlier phantom)',
      })
      .option('subjects', { type: 'number', default: 24, describe: 'number of subjects' })
      .option('visits', { type: 'number', default: 3, describe: 'visits per subject, 0.5–3 years apart' })
      .option('seed', { type: 'number', default: 0, describe: 'random seed (the same seed writes the same cohort)' })
      .option('shape', {
        type: 'number',
        describe: 'procedural heads: nominal grid, field of view = shape × 1.25 mm per axis (default 64)',
      })
      .option('nuisance', {
        type: 'number',
        default: 1,
        describe: 'scale of per-visit misregistration, gain, bias field and noise (0 = noise-free, registered)',
      })
      .option('misregistration', {
        type: 'number',
        default: 1,
        describe:
          'scale of the per-visit misregistration alone, on top of --nuisance (3.3 ≈ ±1° repositioning: unregistered scans)',
      })
      .option('template', {
        type: 'string',
        describe:
          'render the cohort on this skull-stripped T1 (e.g. /usr/share/mricron/templates/ch2bet.nii.gz) instead of procedural heads',
      })
      .option('atlas', {
        type: 'string',
        describe:
          'with --template: AAL labels on the template grid (hippocampus, amygdala, cortex); without it they come from the T1',
      })
      .option('voxel', { type: 'number', describe: 'with --template: nominal voxel size in mm (default 1.5)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    const tty = !args.json && process.stderr.isTTY;
    const onProgress = tty
      ? (done: number, total: number) => process.stderr.write(`\rlssl: simulate ${done}/${total} scans`)
      : undefined;
    let report: SimulationReport | TemplateSimulationReport;
    if (args.template !== undefined) {
      if (args.shape !== undefined)
        throw inputError('--shape is for the procedural heads; with --template give --voxel (mm)');
      report = await simulateTemplateCohort({
        template: args.template,
        atlas: args.atlas,
        out: args.out,
        subjects: args.subjects,
        visits: args.visits,
        seed: args.seed,
        voxelMm: args.voxel,
        nuisance: args.nuisance,
        misregistration: args.misregistration,
        onProgress,
      });
    } else {
      if (args.atlas !== undefined || args.voxel !== undefined) throw inputError('--atlas and --voxel need --template');
      report = await simulateCohort({
        out: args.out,
        subjects: args.subjects,
        visits: args.visits,
        seed: args.seed,
        shape: args.shape,
        nuisance: args.nuisance,
        misregistration: args.misregistration,
        onProgress,
      });
    }
    if (tty) process.stderr.write('\n');
    const counts: Record<string, number> = {};
    for (const row of report.groundTruth)
      if (row.session_id === 'ses-01') counts[row.diagnosis] = (counts[row.diagnosis] ?? 0) + 1;
    if (args.json) {
      const { groundTruth, ...rest } = report;
      return printJson({ ...rest, diagnoses: counts, groundTruthFile: 'ground_truth.tsv', rows: groundTruth.length });
    }
    const labels = Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const perScan =
      'secondsPerScan' in report
        ? ` (${report.secondsPerScan.toFixed(2)} s per scan after ${report.setupSeconds.toFixed(1)} s of setup; regions from ${report.regions})`
        : '';
    process.stdout.write(
      `wrote ${report.scans} scans of ${report.subjects} subjects (${labels}) to ${report.out} in ${report.seconds.toFixed(1)} s${perScan}\n` +
        `hidden parameters: ${report.out}/ground_truth.tsv\n`,
    );
  },
};
