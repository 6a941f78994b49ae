/** `lssl bench preprocess`: lssl's preprocessing against nibabel + scipy on one 256×256×176 scan. */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import { benchPreprocess, type PreprocessBenchResult, type StageTimes } from '../../src/bench/preprocess.js';
import { printJson, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  shape: number;
  repetitions: number;
  json: boolean;
}

/** Throughput target of issue 2: lssl at least 1.5× nibabel + scipy. */
const TARGET_RATIO = 1.5;

function describeTimes(label: string, times: StageTimes): string {
  const stages = Object.entries(times.stages)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    .join(', ');
  return `${label.padEnd(16)}${times.totalMs.toFixed(0).padStart(6)} ms wall, ${times.cpuMs.toFixed(0).padStart(5)} ms CPU  (wall: ${stages})`;
}

function printReport(result: PreprocessBenchResult): void {
  const lines = [
    `preprocess: ${result.file.shape.join('×')} int16 .nii.gz (${(result.file.bytes / 1e6).toFixed(1)} MB) → RAS+ → trilinear ${result.outputShape.join('×')} → z-score`,
    `median of ${result.repetitions} repetitions after a warm-up, one job each, taking turns (load average ${result.loadAverage.toFixed(1)}):`,
    describeTimes('lssl', result.lssl),
  ];
  if (result.nibabelScipy !== null && result.ratio !== null) {
    lines.push(describeTimes('nibabel+scipy', result.nibabelScipy));
    const verdict = result.ratio >= TARGET_RATIO ? 'meets' : 'misses';
    lines.push(
      `throughput ratio lssl / nibabel+scipy: ${result.ratio.toFixed(2)}× wall (${verdict} the ${TARGET_RATIO}× target), ${result.cpuRatio?.toFixed(2)}× CPU`,
    );
  } else {
    lines.push(result.note ?? 'no nibabel + scipy comparison');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const benchPreprocessCommand: CommandModule<GlobalArgs, Args> = {
  command: 'preprocess',
  describe: 'time load → RAS+ → trilinear 64³ → z-score, against nibabel + scipy',
  builder: (y) =>
    y
      .option('shape', { type: 'number', default: 64, describe: 'output voxels per axis' })
      .option('repetitions', { type: 'number', default: 7, describe: 'timed runs per side (median reported)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    if (!Number.isInteger(args.shape) || args.shape < 1)
      throw inputError(`--shape must be a positive integer, not ${args.shape}`);
    if (!Number.isInteger(args.repetitions) || args.repetitions < 1) {
      throw inputError(`--repetitions must be a positive integer, not ${args.repetitions}`);
    }
    const result = await benchPreprocess({
      shape: [args.shape, args.shape, args.shape],
      repetitions: args.repetitions,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (args.json) return printJson(result);
    printReport(result);
  },
};
