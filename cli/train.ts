/**
 * `lssl train SOURCE --method M --out RUN`: pretrains an encoder on a cohort with one of the
 * methods (src/methods.ts) on the shared engine, writing the run folder
 * (src/train/run.ts). Ctrl-C finishes the current step and keeps the last finished epoch;
 * `--resume` continues from it with the run's own settings.
 */
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { cohortTrainingData } from '../src/train/cohort-data.js';
import { volumeAugmenter } from '../src/train/augmenter.js';
import { train } from '../src/train/engine.js';
import { interruptOnSigint } from '../src/train/interrupt.js';
import { resumePlan } from '../src/runs.js';
import { createProgressPrinter } from '../src/train/progress.js';
import { createMethod, METHOD_NAMES } from '../src/methods.js';
import { dropUnlabelled } from '../src/contrastive/labels.js';
import type { TrainOptions } from '../src/train/options.js';
import { trainingPreset, TRAINING_PRESETS } from '../src/train/presets.js';
import { loadCohortFromArgs, withCohortSource, type CohortSourceArgs } from './cohort.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';
import { preprocessOptionsOf, withPreprocessOptions, type PreprocessArgs } from './preprocess-options.js';
import { settingsForRun } from '../src/io/preprocess-record.js';
import { checkResumeArgs } from './resume-checks.js';
import { join } from 'node:path';
import { registrationForRun } from '../src/io/registration-record.js';
import { withSubjectReferences } from '../src/io/cache.js';
import { registrationOf, withRegisterOptions, type RegisterArgs } from './register-options.js';

interface Args extends CohortSourceArgs, PreprocessArgs, RegisterArgs {
  method: string;
  out: string;
  shape?: number;
  preset?: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  'weight-decay'?: number;
  seed: number;
  resume: boolean;
  force: boolean;
  latent?: string;
  'latent-activation'?: string;
  norm?: string;
  positives?: string;
  label: string;
  'drop-unlabelled': boolean;
  temperature?: number;
  'momentum-base'?: number;
  init: string;
  'lambda-dir'?: number;
  'lambda-recon'?: number;
  beta?: number;
  augment?: boolean;
  validation: number;
  patience?: number;
  'early-stop': number;
  cache?: string;
  json: boolean;
}

function parseLatent(text: string): number | null {
  if (text === 'none') return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw inputError(`--latent must be a positive integer or none, not ${JSON.stringify(text)}`);
  return n;
}

export const trainCommand: CommandModule<GlobalArgs, Args> = {
  command: 'train <source>',
  describe: 'pretrain an encoder (lssl, ae, vae, none, ...) and write a run folder',
  builder: (y) =>
    withRegisterOptions(withPreprocessOptions(withCohortSource(y)))
      .option('method', { type: 'string', demandOption: true, describe: `one of ${METHOD_NAMES.join(', ')}` })
      .option('out', { type: 'string', demandOption: true, describe: 'run folder to write' })
      .option('shape', { type: 'number', describe: 'voxels per side (a multiple of 16; 32 or 64; default 64)' })
      .option('preset', {
        type: 'string',
        choices: Object.keys(TRAINING_PRESETS),
        describe:
          'paper: the published LSSL setup for lssl/ae/vae (64³, dense 512 tanh latent, λ 1, Adam 1e-4, batch 64, 50 epochs); options given beside it win',
      })
      .option('epochs', { type: 'number', describe: "epochs (default 15; with --resume, the run's unless given)" })
      .option('batch', { type: 'number', describe: 'pairs or scans per step (default 8)' })
      .option('lr', { type: 'number', describe: 'Adam learning rate (default 1e-3)' })
      .option('weight-decay', { type: 'number', describe: 'decoupled weight decay (default 1e-5)' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of initialisation, split, shuffling and noise' })
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'continue the run in --out from its last finished epoch',
      })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing run in --out' })
      .option('latent', {
        type: 'string',
        describe: 'dense latent size, or none for the flattened conv features (default 512)',
      })
      .option('latent-activation', {
        type: 'string',
        choices: ['tanh', 'linear'],
        describe: 'activation of the dense latent (default tanh; vae and the contrastive methods: linear)',
      })
      .option('norm', {
        type: 'string',
        choices: ['none', 'batch'],
        describe: 'normalisation after each conv (default none; simsiam, byol, directpred: batch)',
      })
      .option('init', {
        type: 'string',
        default: 'pytorch',
        choices: ['pytorch', 'he'],
        describe: "weight initialisation: torch.nn's default U(±1/√fan_in) or He normal",
      })
      .option('lambda-dir', { type: 'number', describe: 'lssl: weight of the direction (cosine) term (default 1)' })
      .option('lambda-recon', {
        type: 'number',
        describe: 'weight of the reconstruction term (default: lssl 0.05, see docs/lssl.md; ae / vae 1)',
      })
      .option('beta', {
        type: 'number',
        describe: 'vae: weight of the KL term (per latent dimension, as the MSE is per voxel; default 0.01)',
      })
      .option('augment', {
        type: 'boolean',
        describe:
          'augment: views for the contrastive methods (on by default for them); for lssl/ae/vae (off by default) small rotations/shifts/flips per subject, intensity noise/gamma per scan',
      })
      .option('positives', {
        type: 'string',
        choices: ['views', 'visits'],
        describe:
          'contrastive methods: positive pairs are two augmented views of a scan (default) or two visits of a subject',
      })
      .option('label', {
        type: 'string',
        default: 'diagnosis',
        describe: "supcon's class column (also the column the validation split is stratified by)",
      })
      .option('drop-unlabelled', {
        type: 'boolean',
        default: false,
        describe: 'supcon: train on the labelled scans only, instead of refusing unlabelled ones',
      })
      .option('temperature', { type: 'number', describe: 'simclr / supcon: softmax temperature (default 0.5 / 0.07)' })
      .option('momentum-base', {
        type: 'number',
        describe: 'byol / directpred: base EMA momentum of the target network (default 0.996)',
      })
      .option('validation', { type: 'number', default: 0.2, describe: 'share of subjects held out for validation' })
      .option('patience', { type: 'number', describe: 'epochs without improvement before LR ×0.1 (default 5)' })
      .option('early-stop', { type: 'number', default: 10, describe: 'epochs without improvement before stopping' })
      .option('cache', { type: 'string', describe: 'preprocessed cache folder (default $LSSL_CACHE or ./.lssl-cache)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the result as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    const backend = await startBackend(args);
    const resumed = args.resume ? await resumePlan(args.out, { method: args.method, epochs: args.epochs }) : undefined;
    if (resumed)
      checkResumeArgs(resumed.config, args as unknown as Record<string, unknown>, join(args.out, 'config.json'));
    // a preset fills what was not given explicitly (its values, not the methods' defaults)
    const preset = args.preset === undefined ? undefined : trainingPreset(args.preset, args.method);
    const method =
      resumed?.method ??
      createMethod(args.method, {
        network: {
          inputShape: args.shape ?? preset?.shape ?? 64,
          latentSize: args.latent !== undefined ? parseLatent(args.latent) : (preset?.latentSize ?? 512),
          // only what was asked for: each method has its own defaults (src/lssl, src/contrastive)
          ...((args['latent-activation'] ?? preset?.latentActivation) !== undefined && {
            latentActivation: args['latent-activation'] ?? preset?.latentActivation,
          }),
          ...(args.norm !== undefined && { norm: args.norm }),
          init: args.init,
          seed: args.seed,
        },
        // Only what was given: createMethod refuses an option the method does not take.
        positives: args.positives,
        temperature: args.temperature,
        momentumBase: args['momentum-base'],
        lambdaDir: args['lambda-dir'] ?? (args.method === 'lssl' ? preset?.lambdaDir : undefined),
        lambdaRecon: args['lambda-recon'] ?? preset?.lambdaRecon,
        beta: args.beta ?? (args.method === 'vae' ? preset?.beta : undefined),
      });
    const options: TrainOptions = resumed?.options ?? {
      epochs: args.epochs ?? preset?.epochs,
      batchSize: args.batch ?? preset?.batch,
      learningRate: args.lr ?? preset?.learningRate,
      weightDecay: args['weight-decay'] ?? preset?.weightDecay,
      seed: args.seed,
      plateau: { patience: args.patience ?? preset?.patience ?? 5, earlyStopPatience: args['early-stop'] },
    };
    const augment = resumed ? resumed.augment : (args.augment ?? method.augmentation.byDefault);
    const cohort = await loadCohortFromArgs(args);
    const [shape] = method.inputShape;
    // a resumed run keeps the preprocessing it started with; a given option may only repeat it
    const preprocess = resumed
      ? settingsForRun(resumed.config.cohort.preprocessing, preprocessOptionsOf(args), join(args.out, 'config.json'))
      : preprocessOptionsOf(args);
    // and its registration; the cohort gives each scan's reference
    const asked = registrationOf(args);
    const register = resumed
      ? registrationForRun(resumed.config.cohort.registration, asked, cohort, `${args.out}/config.json`)
      : asked && withSubjectReferences(cohort, asked);
    let data = cohortTrainingData(cohort, {
      shape,
      cacheDir: args.cache,
      cache: { preprocess, register },
      validationFraction: args.validation,
      seed: options.seed ?? 0,
      stratifyBy: args.label,
    });
    if (args['drop-unlabelled']) {
      const kept = dropUnlabelled(data, args.label);
      if (kept.dropped.length > 0)
        process.stderr.write(`note: left out ${kept.dropped.length} scans without a '${args.label}' label\n`);
      data = kept.data;
    }
    const interrupt = interruptOnSigint(() =>
      process.stderr.write('\nstopping after this step (Ctrl-C again to quit now)\n'),
    );
    try {
      const result = await train({
        method,
        data,
        options,
        runDir: args.out,
        resume: args.resume,
        force: args.force,
        augment: augment ? volumeAugmenter(method.augmentation.options) : undefined,
        signal: interrupt.signal,
        onProgress: createProgressPrinter(process.stderr),
        backend: backend.name,
      });
      if (args.json) printJson({ run: args.out, ...result, history: undefined });
      else if (!result.interrupted) {
        process.stdout.write(
          `trained ${method.name}: ${result.epochsFinished} epochs, best epoch ${result.bestEpoch} (loss ${result.bestLoss?.toPrecision(5) ?? 'n/a'}) → ${args.out}\n`,
        );
      }
      if (result.interrupted) process.exitCode = 130;
    } finally {
      interrupt.dispose();
      method.dispose();
    }
  },
};
