/**
 * The preprocessing options `preprocess`, `train` and `embed` share (docs/preprocess.md):
 * how each scan is normalised, over which region, and at which voxel size. `train` records
 * them in the run's config.json; `embed` reuses the run's and refuses a different one.
 */
import type { Argv } from 'yargs';
import type { PreprocessOptions } from '../src/io/transforms.js';

export interface PreprocessArgs {
  normalize?: 'zscore' | 'percentile' | 'none';
  mask?: 'otsu' | 'mean' | 'none';
  spacing?: number;
}

/**
 * Adds --normalize, --mask and --spacing. `defaults` says what applies when one is not given:
 * the plain defaults (every method trains on the same cache), or the run's recorded settings.
 */
export function withPreprocessOptions<T>(y: Argv<T>, defaults: 'plain' | 'run' = 'plain'): Argv<T & PreprocessArgs> {
  const run = defaults === 'run' ? "the run's" : undefined;
  const mask = run ?? 'none';
  return y
    .option('normalize', {
      type: 'string',
      choices: ['zscore', 'percentile', 'none'],
      describe: `intensity normalisation of each scan: zscore (mean 0, sd 1 over the --mask region), percentile (0.5–99.5 % of the region → [0, 1], clipped) or none [default: ${run ?? 'zscore'}]`,
    })
    .option('mask', {
      type: 'string',
      choices: ['otsu', 'mean', 'none'],
      describe: `region the normalisation statistics come from (and a --spacing crop centres on): none (the whole volume), or the otsu or mean-threshold foreground [default: ${mask}]`,
    })
    .option('spacing', {
      type: 'number',
      describe: `resample to this voxel size in mm, then crop/pad to the shape around the --mask foreground (the centre with --mask none) [default: ${run ?? 'none: the whole field of view resampled to the shape'}]`,
    }) as unknown as Argv<T & PreprocessArgs>;
}

/** Only the options given on the command line (the rest stay undefined, so defaults or a run's settings apply). */
export function preprocessOptionsOf(args: PreprocessArgs): PreprocessOptions {
  return {
    ...(args.normalize !== undefined && { normalize: args.normalize }),
    ...(args.mask !== undefined && { mask: args.mask }),
    ...(args.spacing !== undefined && { spacing: args.spacing }),
  };
}
