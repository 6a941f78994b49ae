/**
 * `lssl bench preprocess`: lssl's preprocessing against nibabel + scipy, per scan in one
 * process (where the time goes), and end to end as fresh processes on a cohort (what a
 * user waits for: issue 14), with the scaling from --jobs 1 to --jobs 2.
 */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import type { PreprocessBenchResult, StageTimes } from '../../src/bench/preprocess.js';
import type { PreprocessEndToEndResult } from '../../src/bench/preprocess-e2e.js';
import type { ProcessTimes } from '../../src/bench/process-timing.js';
import { printJson, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  shape: number;
  repetitions: number;
  scans: number;
  'e2e-repetitions': number;
  'scaling-scans': number;
  'scaling-repetitions': number;
  'reference-float32': boolean;
  json: boolean;
}

/** Throughput target of issues 2 and 14: lssl at least 1.5× nibabel + scipy. */
const TARGET_RATIO = 1.5;

function describeTimes(label: string, times: StageTimes): string {
  const stages = Object.entries(times.stages)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    .join(', ');
  return `${label.padEnd(16)}${times.totalMs.toFixed(0).padStart(6)} ms wall, ${times.cpuMs.toFixed(0).padStart(5)} ms CPU  (wall: ${stages})`;
}

const verdict = (ratio: number) => `${ratio >= TARGET_RATIO ? 'meets' : 'misses'} the ${TARGET_RATIO}× target`;

function perScanReport(result: PreprocessBenchResult): string[] {
  const lines = [
    `per scan, in one process: ${result.file.shape.join('×')} int16 .nii.gz (${(result.file.bytes / 1e6).toFixed(1)} MB) → RAS+ → trilinear ${result.outputShape.join('×')} → z-score`,
    `median of ${result.repetitions} repetitions after a warm-up, one job each, taking turns (load average ${result.loadAverage.toFixed(1)}):`,
    describeTimes('lssl', result.lssl),
  ];
  if (result.nibabelScipy !== null && result.ratio !== null) {
    lines.push(describeTimes('nibabel+scipy', result.nibabelScipy));
    lines.push(
      `per-scan ratio lssl / nibabel+scipy: ${result.ratio.toFixed(2)}× wall (${verdict(result.ratio)}), ${result.cpuRatio?.toFixed(2)}× CPU`,
    );
  } else lines.push(result.note ?? 'no nibabel + scipy comparison');
  return lines;
}

const process_ = (label: string, t: ProcessTimes) =>
  `${label.padEnd(24)}${(t.wallMs / 1000).toFixed(2).padStart(6)} s wall${t.cpuMs === null ? '' : `, ${(t.cpuMs / 1000).toFixed(2)} s CPU`}  (runs: ${t.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(' ')})`;

function endToEndReport(result: PreprocessEndToEndResult): string[] {
  const { endToEnd: e, scaling: s } = result;
  const [before, after] = result.loadAverage;
  const lines = [
    `end to end, fresh processes from start-up to the last file, ${e.scans} scans, empty cache, median of ${e.repetitions} after a warm-up, taking turns (load average ${before.toFixed(1)} → ${after.toFixed(1)}):`,
    process_('lssl preprocess --jobs 1', e.lssl),
  ];
  if (e.nibabelScipy && e.ratio !== null) {
    lines.push(process_(`nibabel+scipy (${e.referenceDtype})`, e.nibabelScipy));
    lines.push(
      `end-to-end ratio lssl / nibabel+scipy: ${e.ratio.toFixed(2)}× wall (${verdict(e.ratio)})${e.cpuRatio === null ? '' : `, ${e.cpuRatio.toFixed(2)}× CPU`}`,
    );
  } else lines.push('no nibabel + scipy comparison (/usr/bin/python3 with nibabel and scipy not found)');
  if (s) {
    lines.push(`scaling, ${s.scans} scans, median of ${s.repetitions}, taking turns:`);
    lines.push(process_('lssl preprocess --jobs 1', s.jobs1));
    lines.push(process_('lssl preprocess --jobs 2', s.jobs2));
    lines.push(
      `--jobs 2 is ${s.speedup.toFixed(2)}× --jobs 1; two threads of a plain loop got ${s.capacity.toFixed(2)}× one just before (2 on an idle 2-core machine)`,
    );
  }
  return lines;
}

const positiveInteger = (value: number, name: string, zero = false) => {
  if (!Number.isInteger(value) || value < (zero ? 0 : 1))
    throw inputError(`--${name} must be a ${zero ? 'non-negative' : 'positive'} integer, not ${value}`);
};

export const benchPreprocessCommand: CommandModule<GlobalArgs, Args> = {
  command: 'preprocess',
  describe:
    'time load → RAS+ → trilinear 64³ → z-score per scan and lssl preprocess end to end, against nibabel + scipy',
  builder: (y) =>
    y
      .option('shape', { type: 'number', default: 64, describe: 'output voxels per axis' })
      .option('repetitions', { type: 'number', default: 7, describe: 'timed per-scan runs per side (median reported)' })
      .option('scans', { type: 'number', default: 6, describe: 'scans of the end-to-end comparison (--jobs 1)' })
      .option('e2e-repetitions', { type: 'number', default: 5, describe: 'timed end-to-end runs per side' })
      .option('scaling-scans', {
        type: 'number',
        default: 24,
        describe: 'scans of the --jobs 1 against --jobs 2 comparison (0 skips it)',
      })
      .option('scaling-repetitions', { type: 'number', default: 3, describe: 'timed runs of each --jobs' })
      .option('reference-float32', {
        type: 'boolean',
        default: false,
        describe: "the end-to-end script reads float32 (get_fdata(dtype=np.float32)), not nibabel's default float64",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    positiveInteger(args.shape, 'shape');
    positiveInteger(args.repetitions, 'repetitions');
    positiveInteger(args.scans, 'scans');
    positiveInteger(args['e2e-repetitions'], 'e2e-repetitions');
    positiveInteger(args['scaling-scans'], 'scaling-scans', true);
    positiveInteger(args['scaling-repetitions'], 'scaling-repetitions');
    const { benchPreprocess } = await import('../../src/bench/preprocess.js');
    const { benchPreprocessEndToEnd } = await import('../../src/bench/preprocess-e2e.js');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const perScan = await benchPreprocess({
      shape: [args.shape, args.shape, args.shape],
      repetitions: args.repetitions,
      log,
    });
    const endToEnd = await benchPreprocessEndToEnd({
      scans: args.scans,
      repetitions: args['e2e-repetitions'],
      scalingScans: args['scaling-scans'],
      scalingRepetitions: args['scaling-repetitions'],
      side: args.shape,
      referenceFloat32: args['reference-float32'],
      log,
    });
    if (args.json) return printJson({ perScan, ...endToEnd });
    process.stdout.write(`${[...perScanReport(perScan), ...endToEndReport(endToEnd)].join('\n')}\n`);
  },
};
