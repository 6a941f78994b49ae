/**
 * `lssl report RUN... --out DIR`: summary.csv, convergence.csv and report.html comparing
 * runs (each with RUN/embeddings.csv from `lssl embed`). With `--source` the page also shows
 * a scan, its reconstruction and the decoded ageing direction of each autoencoder run.
 */
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { PROBE_FEATURES, type ProbeFeatures } from '../src/eval/probe/design.js';
import type { cohortSlices } from '../src/eval/report/decoder.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  runs: string[];
  out: string;
  target?: string;
  features?: string;
  folds?: number;
  seed: number;
  label?: string;
  labs?: string;
  source?: string;
  cache?: string;
  scan?: string;
  alpha?: number;
  resamples: number;
  json: boolean;
}

/** "a,b" → ['a', 'b'] (empty items dropped). */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseFeatures(text: string): ProbeFeatures[] {
  const list = commaList(text);
  for (const f of list)
    if (!PROBE_FEATURES.includes(f as ProbeFeatures))
      throw inputError(`--features takes a comma list of ${PROBE_FEATURES.join(', ')}, not '${f}'`);
  if (list.length === 0) throw inputError('--features needs at least one feature set');
  return list as ProbeFeatures[];
}

export const reportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'report <runs..>',
  describe: 'compare runs: summary.csv, convergence.csv and a self-contained report.html',
  builder: (y) =>
    y
      .positional('runs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'run folders, each with embeddings.csv (`lssl embed RUN SOURCE --out RUN/embeddings.csv`)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('target', {
        alias: 'targets',
        type: 'string',
        describe:
          'column to probe, as in probe --target, or a comma list of them (default: diagnosis if present, and age)',
      })
      .option('features', {
        type: 'string',
        describe: `comma list of probe feature sets among ${PROBE_FEATURES.join(', ')} (default z,delta; delta only when subjects have ≥ 2 visits)`,
      })
      .option('folds', {
        type: 'number',
        defaultDescription: '5, or fewer if the smallest class has fewer subjects',
        describe: 'probe folds by subject',
      })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the fold assignment' })
      .option('label', {
        type: 'string',
        describe: 'class column colouring the brain-age axis (default diagnosis when present)',
      })
      .option('labs', {
        type: 'string',
        describe:
          'folder with lab results (identifiability.json, decoupling.json, hltm.json) for a theory-checks table',
      })
      .option('source', {
        type: 'string',
        describe:
          'the cohort (BIDS folder or manifest): adds scan / reconstruction / decoded-direction slices for lssl, ae, vae runs',
      })
      .option('cache', {
        type: 'string',
        describe: 'preprocessed cache folder for --source (default $LSSL_CACHE or ./.lssl-cache)',
      })
      .option('scan', {
        type: 'string',
        describe: "SUBJECT or SUBJECT/SESSION of the scan to show (default: the first row of each run's embeddings)",
      })
      .option('alpha', {
        type: 'number',
        describe: 'step along the unit τ for the decoded direction (default: two sd of tau_proj)',
      })
      .option('resamples', {
        type: 'number',
        default: 9999,
        describe: 'bootstrap resamples and random permutations of the verdict table (docs/compare.md)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the file paths, summary rows and verdict lines as one JSON object',
      })
      .example(
        '$0 report runs/lssl runs/ae runs/none --out report --target diagnosis --features delta',
        'report.html opens with "lssl vs ae: +0.12 balanced accuracy [0.05, 0.19], p = 0.003" rows',
      ) as unknown as Argv<Args>,
  handler: async (args) => {
    const features = args.features === undefined ? undefined : parseFeatures(args.features);
    const targets = args.target === undefined ? undefined : commaList(args.target);
    if (targets !== undefined && targets.length === 0) throw inputError('--target needs at least one column');
    if (
      (args.scan !== undefined || args.alpha !== undefined || args.cache !== undefined) &&
      args.source === undefined
    ) {
      throw inputError('--scan, --alpha and --cache go with --source (the cohort to take the scan from)');
    }
    if (!Number.isInteger(args.resamples) || args.resamples < 1)
      throw inputError(`--resamples must be a positive integer, not ${args.resamples}`);
    let slices: ReturnType<typeof cohortSlices> | undefined;
    if (args.source !== undefined) {
      await startBackend(args, args.json);
      // the decoder's slices need tensors: TensorFlow.js loads only with --source
      const { cohortSlices } = await import('../src/eval/report/decoder.js');
      const [subject, session] = args.scan === undefined ? [undefined, undefined] : args.scan.split('/');
      slices = cohortSlices({ source: args.source, cacheDir: args.cache, subject, session, alpha: args.alpha });
    }
    const { writeReport } = await import('../src/eval/report/report.js');
    const result = await writeReport(args.runs, {
      out: args.out,
      targets,
      features,
      folds: args.folds,
      seed: args.seed,
      label: args.label,
      labs: args.labs,
      slices,
      resamples: args.resamples,
      onProgress: args.json ? undefined : (message) => process.stderr.write(`${message}\n`),
    });
    if (args.json)
      return printJson({
        files: result.files,
        summary: result.summary,
        verdict: result.verdict,
        plots: result.plots.length,
        slices: result.slices,
      });
    process.stdout.write(
      `${result.summary.length} probe rows for ${args.runs.length} run(s); ${result.plots.length} plots${result.slices.length > 0 ? `, slices of ${result.slices.join(', ')}` : ''}\n`,
    );
    for (const v of result.verdict)
      process.stdout.write(`${v.target} from ${v.features}:\n  ${v.lines.join('\n  ')}\n`);
    const written = [result.files.summary, result.files.convergence, result.files.progression, result.files.html];
    process.stdout.write(`${written.flatMap((f) => (f ? [`wrote ${f}`] : [])).join('\n')}\n`);
  },
};
