/** `lssl validate phantom`: LSSL (and baselines) against the phantom's ground truth and a reference written from the paper. */
import type { CommandModule } from 'yargs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  phantomCheck,
  type DirectionScores,
  type MethodScores,
  type PhantomBaseline,
  type PhantomCheckResult,
} from '../../src/validate/phantom.js';
import { createProgressPrinter } from '../../src/train/progress.js';
import { inputError } from '../../src/errors.js';
import { printJson, startBackend, type GlobalArgs } from '../common.js';
import { preprocessOptionsOf, withPreprocessOptions, type PreprocessArgs } from '../preprocess-options.js';

interface Args extends GlobalArgs, PreprocessArgs {
  out?: string;
  subjects: number;
  'test-subjects': number;
  shape: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  template?: string;
  atlas?: string;
  voxel: number;
  latent?: string;
  'latent-activation'?: 'tanh' | 'linear';
  init?: 'pytorch' | 'he';
  'lambda-recon'?: number;
  'lambda-dir'?: number;
  baselines: string;
  reference: boolean;
  torch: boolean;
  augment: boolean;
  nuisance: number;
  misregistration: number;
  register?: 'subject';
  json: boolean;
}

const BASELINES: readonly PhantomBaseline[] = ['ae', 'vae', 'none'];

function parseBaselines(text: string): PhantomBaseline[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) {
    if (!(BASELINES as readonly string[]).includes(n)) {
      throw inputError(`--baselines takes ${BASELINES.join(', ')}, not ${JSON.stringify(n)}`);
    }
  }
  return names as PhantomBaseline[];
}

function parseLatent(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw inputError(`--latent must be a positive integer or none, not ${text}`);
  return n;
}

export const validatePhantomCommand: CommandModule<GlobalArgs, Args> = {
  command: 'phantom',
  describe:
    'train LSSL (and baselines) on a phantom cohort; score unseen subjects against the ground truth, beside a reference written from the paper',
  builder: (y) =>
    withPreprocessOptions(y)
      .option('out', {
        type: 'string',
        describe: 'folder to keep the cohorts and runs in (default: a temporary folder, removed)',
      })
      .option('subjects', { type: 'number', default: 36, describe: 'training subjects (20 % of them validate)' })
      .option('test-subjects', { type: 'number', default: 24, describe: 'held-out subjects (another seed)' })
      .option('shape', { type: 'number', default: 32 })
      .option('epochs', { type: 'number', default: 15 })
      .option('batch', { type: 'number', default: 8 })
      .option('lr', { type: 'number', default: 1e-3 })
      .option('seed', { type: 'number', default: 0 })
      .option('template', {
        type: 'string',
        describe: 'render both cohorts on this skull-stripped T1 (lssl simulate --template), not procedural heads',
      })
      .option('atlas', { type: 'string', describe: 'with --template: its AAL atlas' })
      .option('voxel', { type: 'number', default: 2, describe: 'with --template: nominal voxel size, mm' })
      .option('latent', { type: 'string', describe: "dense latent size, or none (default: lssl train's)" })
      .option('latent-activation', {
        type: 'string',
        choices: ['tanh', 'linear'],
        describe: "activation of the dense latent (default: lssl train's)",
      })
      .option('init', {
        type: 'string',
        choices: ['pytorch', 'he'],
        describe: "weight initialisation (default: lssl train's, torch.nn's)",
      })
      .option('lambda-recon', {
        type: 'number',
        describe: "lssl: weight of the reconstruction term (default: lssl train's)",
      })
      .option('lambda-dir', { type: 'number', describe: "lssl: weight of the direction term (default: lssl train's)" })
      .option('baselines', {
        type: 'string',
        default: '',
        describe: 'the paper baselines to train and score beside lssl, e.g. ae,vae (also none)',
      })
      .option('reference', {
        type: 'boolean',
        default: false,
        describe: 'also train the reference written from the paper (bench/reference, PyTorch) on the same subjects',
      })
      .option('nuisance', {
        type: 'number',
        default: 1,
        describe: "scale of the phantom's per-visit nuisances (0 = noise-free, registered)",
      })
      .option('misregistration', {
        type: 'number',
        default: 1,
        describe: 'scale of the per-visit misregistration alone, on top of --nuisance (3.3 ≈ ±1° repositioning)',
      })
      .option('register', {
        choices: ['subject'] as const,
        describe:
          "register every visit to its subject's first visit before preprocessing (preprocess --register subject)",
      })
      .option('augment', {
        type: 'boolean',
        default: false,
        describe: 'augment training pairs as lssl train --augment does',
      })
      .option('torch', {
        type: 'boolean',
        default: false,
        describe: "also train lssl's own network mirrored in PyTorch on the same volumes and pairs",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .example('lssl validate phantom --baselines ae,vae --reference', 'lssl, AE, VAE and the paper reference, seed 0')
      .example(
        'lssl validate phantom --template /usr/share/mricron/templates/ch2bet.nii.gz --atlas /usr/share/mricron/templates/aal.nii.gz --reference',
        'the same on the template phantom (real anatomy)',
      ) as never,
  handler: async (args) => {
    const baselines = parseBaselines(args.baselines);
    const latentSize = parseLatent(args.latent);
    if (args.atlas !== undefined && args.template === undefined) throw inputError('--atlas needs --template');
    await startBackend(args, args.json);
    const out = args.out ?? (await mkdtemp(join(tmpdir(), 'lssl-phantom-')));
    try {
      const result = await phantomCheck({
        out,
        subjects: args.subjects,
        testSubjects: args['test-subjects'],
        shape: args.shape,
        epochs: args.epochs,
        batch: args.batch,
        learningRate: args.lr,
        seed: args.seed,
        template: args.template,
        atlas: args.atlas,
        voxelMm: args.voxel,
        preprocess: preprocessOptionsOf(args),
        network: {
          ...(latentSize !== undefined && { latentSize }),
          ...(args['latent-activation'] !== undefined && { latentActivation: args['latent-activation'] }),
          ...(args.init !== undefined && { init: args.init }),
        },
        lambdaRecon: args['lambda-recon'],
        lambdaDir: args['lambda-dir'],
        baselines,
        reference: args.reference,
        torch: args.torch,
        augment: args.augment,
        nuisance: args.nuisance,
        misregistration: args.misregistration,
        register: args.register,
        onProgress: args.json ? undefined : createProgressPrinter(process.stderr),
      });
      if (args.json) return printJson(result);
      process.stdout.write(formatPhantomResult(result));
    } finally {
      if (!args.out) await rm(out, { recursive: true, force: true });
    }
  },
};

const fixed = (x: number | undefined, digits = 3) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const byGroup = (rs: Record<string, number>) =>
  Object.entries(rs)
    .map(([g, r]) => `${g} ${fixed(r, 2)}`)
    .join(', ');

/** The result as a table: one row per method and implementation, the phantom's ceiling above it. */
function formatPhantomResult(result: PhantomCheckResult): string {
  const { settings } = result;
  const row = (label: string, scores: MethodScores & Partial<DirectionScores>) =>
    `${label.padEnd(34)} ${fixed(scores.r_delta_atrophy).padStart(8)}  ${(scores.r_delta_age_by_group ? byGroup(scores.r_delta_age_by_group) : 'n/a').padEnd(28)} ${fixed(scores.delta_balanced_accuracy).padStart(8)}  ${fixed(scores.seconds_per_epoch, 1).padStart(6)}`;
  const phantom = settings.template === null ? 'procedural phantom' : `template phantom (${settings.template})`;
  const reference = result.reference;
  return (
    [
      `${phantom}: ${settings.subjects} training subjects, ${result.held_out_pairs} pairs of ${settings.testSubjects} unseen subjects, ${settings.shape}³, ${settings.epochs} epochs, batch ${settings.batch}, lr ${settings.learningRate}, seed ${settings.seed}, nuisance ×${settings.nuisance}${settings.misregistration === 1 ? '' : `, misregistration ×${settings.misregistration}`}${settings.register ? `, registered to the ${settings.register}` : ''}${settings.augment ? ', augmented' : ''}, normalize ${settings.preprocess.normalize} over ${settings.preprocess.mask === 'none' ? 'the whole volume' : `the ${settings.preprocess.mask} mask`}`,
      `ceiling of r(Δtau_proj, Δage) within groups = r(Δatrophy, Δage): ${byGroup(result.ceiling_delta_age_by_group)}`,
      `${'method'.padEnd(34)} ${'r(Δtau,'.padStart(8)}  ${'r(Δtau, Δage) within groups'.padEnd(28)} ${'Δz bal.'.padStart(8)}  ${'s/epoch'.padStart(6)}`,
      `${''.padEnd(34)} ${'Δatrophy)'.padStart(8)}  ${''.padEnd(28)} ${'accuracy'.padStart(8)}`,
      row(`lssl (${result.backend})`, result),
      ...Object.entries(result.baselines).map(([name, scores]) => row(`${name} (${result.backend})`, scores)),
      ...(reference
        ? [
            row(`lssl, paper reference (${reference.version})`, reference.lssl),
            ...Object.entries(reference.baselines).map(([name, s]) => row(`${name}, paper reference`, s)),
          ]
        : []),
      ...(result.torch
        ? [
            row(`lssl mirrored in PyTorch ${result.torch.version}`, {
              ...result.torch,
              delta_balanced_accuracy: Number.NaN,
            }),
          ]
        : []),
      `${result.seconds_total.toFixed(0)} s in all`,
    ].join('\n') + '\n'
  );
}
