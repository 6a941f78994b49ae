/**
 * `lssl tune SOURCE --method M --out DIR`: a method's learning rate, latent and (lssl, ae, vae)
 * reconstruction weight chosen on validation subjects only (src/eval/tune.ts), and the
 * `lssl train` options of the chosen setting.
 */
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { METHOD_NAMES, type MethodName } from '../src/methods.js';
import { settingLabel, tune, type TuneGrid, type TuneSetting } from '../src/eval/tune.js';
import { createProgressPrinter } from '../src/train/progress.js';
import { loadCohortFromArgs, withCohortSource, type CohortSourceArgs } from './cohort.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

interface Args extends CohortSourceArgs {
  method: string;
  out: string;
  lr?: string;
  latent?: string;
  'lambda-recon'?: string;
  normalize?: string;
  mask?: string;
  shape: number;
  epochs: number;
  batch?: number;
  seed: number;
  validation: number;
  cache?: string;
  json: boolean;
}

/** "1e-3,3e-4" → [0.001, 0.0003]; each value checked by `valid`. */
function numberList(text: string | undefined, option: string, valid: (x: number) => boolean): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((s) => s.trim());
  return values.map((v) => {
    const x = Number(v);
    if (v === '' || !valid(x)) throw inputError(`--${option} takes a comma list of numbers, not ${JSON.stringify(v)}`);
    return x;
  });
}

/** "otsu,none" → ['otsu', 'none'], each one of `allowed`. */
function choiceList<T extends string>(
  text: string | undefined,
  option: string,
  allowed: readonly T[],
): T[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((v) => {
    const t = v.trim();
    if (!(allowed as readonly string[]).includes(t))
      throw inputError(`--${option} takes a comma list of ${allowed.join(', ')}, not ${JSON.stringify(t)}`);
    return t as T;
  });
}

function latentList(text: string | undefined): (number | null)[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((v) => {
    const t = v.trim();
    if (t === 'none') return null;
    const n = Number(t);
    if (!Number.isInteger(n) || n <= 0) throw inputError(`--latent takes sizes or none, not ${JSON.stringify(t)}`);
    return n;
  });
}

/** The `lssl train` options of a setting. */
function trainFlags(setting: TuneSetting): string {
  return [
    setting.normalize !== undefined && `--normalize ${setting.normalize}`,
    setting.mask !== undefined && `--mask ${setting.mask}`,
    setting.learningRate !== undefined && `--lr ${setting.learningRate}`,
    setting.latentSize !== undefined && `--latent ${setting.latentSize ?? 'none'}`,
    setting.lambdaRecon !== undefined && `--lambda-recon ${setting.lambdaRecon}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export const tuneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'tune <source>',
  describe:
    "choose a method's learning rate, latent, reconstruction weight (and for lssl the normalisation) on validation subjects only",
  builder: (y) =>
    withCohortSource(y)
      .option('method', { type: 'string', demandOption: true, describe: `one of ${METHOD_NAMES.join(', ')}` })
      .option('out', { type: 'string', demandOption: true, describe: 'folder for one run per setting and tune.csv' })
      .option('lr', { type: 'string', describe: 'learning rates to try, e.g. 3e-4,1e-3 (default: the method’s)' })
      .option('latent', { type: 'string', describe: 'latent sizes to try, e.g. 512,none (default: the method’s)' })
      .option('lambda-recon', {
        type: 'string',
        describe: 'lssl / ae / vae: reconstruction weights to try, e.g. 0.05,1',
      })
      .option('normalize', {
        type: 'string',
        describe: 'lssl: normalisations to try, of zscore, percentile, none (as lssl preprocess --normalize)',
      })
      .option('mask', {
        type: 'string',
        describe:
          'lssl: regions of the normalisation statistics to try, of otsu, mean, none (the whole volume), e.g. otsu,none',
      })
      .option('shape', { type: 'number', default: 32, describe: 'voxels per side (a multiple of 16)' })
      .option('epochs', { type: 'number', default: 15, describe: 'epochs per setting' })
      .option('batch', { type: 'number', describe: 'pairs or scans per step (default 8)' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the split (as lssl train), init and shuffling' })
      .option('validation', { type: 'number', default: 0.2, describe: 'share of subjects held out for validation' })
      .option('cache', { type: 'string', describe: 'preprocessed cache folder (default $LSSL_CACHE or ./.lssl-cache)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as one JSON object' })
      .example(
        'lssl tune /data/study --method lssl --lr 3e-4,1e-3 --lambda-recon 0.05,0.2,1 --out tune-lssl',
        'six settings, ranked by 1 − cos(Δz, τ) of the validation subjects',
      )
      .example(
        'lssl tune /data/study --method lssl --mask otsu,none --out tune-norm',
        "z-scores over the brain mask or the whole volume: which carries LSSL's direction to unseen subjects",
      ) as unknown as Argv<Args>,
  handler: async (args) => {
    if (!(METHOD_NAMES as readonly string[]).includes(args.method)) {
      throw inputError(`method must be one of ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(args.method)}`);
    }
    const grid: TuneGrid = {
      learningRate: numberList(args.lr, 'lr', (x) => Number.isFinite(x) && x > 0),
      latentSize: latentList(args.latent),
      lambdaRecon: numberList(args['lambda-recon'], 'lambda-recon', (x) => Number.isFinite(x) && x >= 0),
      normalize: choiceList(args.normalize, 'normalize', ['zscore', 'percentile', 'none'] as const),
      mask: choiceList(args.mask, 'mask', ['otsu', 'mean', 'none'] as const),
    };
    await startBackend(args, args.json);
    const cohort = await loadCohortFromArgs(args);
    const printer = args.json ? undefined : createProgressPrinter(process.stderr);
    const result = await tune(cohort, {
      method: args.method as MethodName,
      grid,
      shape: args.shape,
      epochs: args.epochs,
      batch: args.batch,
      seed: args.seed,
      cacheDir: args.cache,
      validationFraction: args.validation,
      out: args.out,
      onSetting: (setting, index, total) =>
        process.stderr.write(`setting ${index + 1}/${total}: ${settingLabel(setting)}\n`),
      onProgress: printer,
    });
    if (args.json) return printJson(result);
    const lines = result.rows.map(
      (r) =>
        `${r === result.best ? '*' : ' '} ${settingLabel(r.setting).padEnd(40)} validation ${r.criterionName} ${r.criterion.toFixed(4)} (epoch ${r.bestEpoch})`,
    );
    process.stdout.write(
      `${lines.join('\n')}\nchosen on validation subjects: lssl train SOURCE --method ${args.method} ${trainFlags(result.best.setting)} --seed ${args.seed}\n`,
    );
  },
};
