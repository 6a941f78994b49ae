/** `lssl simulate`: write the built-in phantom cohort (a BIDS folder; docs/phantom.md). */
import type { CommandModule } from 'yargs';
import { simulateCohort } from '../src/sim/simulate.js';
import { printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  out: string;
  subjects: number;
  visits: number;
  seed: number;
  shape: number;
  nuisance: number;
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
        default: 64,
        describe: 'nominal grid: field of view = shape × 1.25 mm per axis',
      })
      .option('nuisance', {
        type: 'number',
        default: 1,
        describe: 'scale of per-visit misregistration, gain, bias field and noise (0 = noise-free, registered)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    const tty = !args.json && process.stderr.isTTY;
    const report = await simulateCohort({
      out: args.out,
      subjects: args.subjects,
      visits: args.visits,
      seed: args.seed,
      shape: args.shape,
      nuisance: args.nuisance,
      onProgress: tty ? (done, total) => process.stderr.write(`\rlssl: simulate ${done}/${total} scans`) : undefined,
    });
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
    process.stdout.write(
      `wrote ${report.scans} scans of ${report.subjects} subjects (${labels}) to ${report.out} in ${report.seconds.toFixed(1)} s\n` +
        `hidden parameters: ${report.out}/ground_truth.tsv\n`,
    );
  },
};
