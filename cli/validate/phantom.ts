/** `lssl validate phantom`: LSSL's learned direction against the phantom's ground truth (src/validate/phantom.ts). */
import type { CommandModule } from 'yargs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phantomCheck, type DirectionScores, type PhantomCheckResult } from '../../src/validate/phantom.js';
import { createProgressPrinter } from '../../src/train/progress.js';
import { printJson, startBackend, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  out?: string;
  subjects: number;
  'test-subjects': number;
  shape: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  'latent-activation': 'tanh' | 'linear';
  init: 'pytorch' | 'he';
  torch: boolean;
  augment: boolean;
  nuisance: number;
  json: boolean;
}

export const validatePhantomCommand: CommandModule<GlobalArgs, Args> = {
  command: 'phantom',
  describe: 'train LSSL on a phantom cohort; correlate Δtau_proj of unseen subjects with true atrophy and age',
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        describe: 'keep the cohorts and run here (default: a temporary folder, removed)',
      })
      .option('subjects', { type: 'number', default: 24, describe: 'training subjects' })
      .option('test-subjects', { type: 'number', default: 24, describe: 'held-out subjects (another seed)' })
      .option('shape', { type: 'number', default: 32 })
      .option('epochs', { type: 'number', default: 15 })
      .option('batch', { type: 'number', default: 8 })
      .option('lr', { type: 'number', default: 1e-3 })
      .option('seed', { type: 'number', default: 0 })
      .option('latent-activation', {
        type: 'string',
        choices: ['tanh', 'linear'],
        default: 'tanh',
        describe: 'activation of the dense latent',
      })
      .option('init', {
        type: 'string',
        choices: ['pytorch', 'he'],
        default: 'pytorch',
        describe: "weight initialisation: torch.nn's default or He normal",
      })
      .option('nuisance', {
        type: 'number',
        default: 1,
        describe: "scale of the phantom's per-visit nuisances (0 = noise-free, registered)",
      })
      .option('augment', {
        type: 'boolean',
        default: false,
        describe: 'augment training pairs as lssl train --augment does (lssl only)',
      })
      .option('torch', {
        type: 'boolean',
        default: false,
        describe: 'also train the same network in PyTorch (/usr/bin/python3) on the same volumes and pairs',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as never,
  handler: async (args) => {
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
        latentActivation: args['latent-activation'],
        init: args.init,
        torch: args.torch,
        augment: args.augment,
        nuisance: args.nuisance,
        onProgress: args.json ? undefined : createProgressPrinter(process.stderr),
      });
      if (args.json) return printJson(result);
      process.stdout.write(formatPhantomResult(result));
    } finally {
      if (!args.out) await rm(out, { recursive: true, force: true });
    }
  },
};

const byGroup = (rs: Record<string, number>) =>
  Object.entries(rs)
    .map(([g, r]) => `${g} ${r.toFixed(3)}`)
    .join(', ');

/** The result as lines: lssl's figures, and PyTorch's on the same data when it ran. */
function formatPhantomResult(result: PhantomCheckResult): string {
  const { settings } = result;
  const rows = (label: string, scores: DirectionScores) => [
    `${label}`,
    `  r(Δtau_proj, Δatrophy)            ${scores.r_delta_atrophy.toFixed(3)}   (target ≥ 0.9)`,
    `  r(Δtau_proj, Δage) within groups  ${byGroup(scores.r_delta_age_by_group)}   (target ≥ 0.8)`,
    `  r(Δtau_proj, Δatrophy) in groups  ${byGroup(scores.r_delta_atrophy_by_group)}`,
    `  r(Δtau_proj, Δage) all pairs      ${scores.r_delta_age.toFixed(3)}`,
    `  ${scores.seconds_per_epoch.toFixed(1)} s per epoch`,
  ];
  return (
    [
      `LSSL on the phantom: ${settings.subjects} training subjects, ${result.held_out_pairs} pairs of ${settings.testSubjects} unseen subjects, ${settings.shape}³, ${settings.epochs} epochs, batch ${settings.batch}, lr ${settings.learningRate}, seed ${settings.seed}, nuisance ×${settings.nuisance}${settings.augment ? ', augmented' : ''}`,
      `ceiling of r(Δtau_proj, Δage) within groups = r(Δatrophy, Δage): ${byGroup(result.ceiling_delta_age_by_group)}`,
      ...rows(`lssl (${result.backend})`, result),
      ...(result.torch
        ? rows(`PyTorch ${result.torch.version} (${result.torch.threads} thread), same volumes and pairs`, result.torch)
        : []),
      `${result.seconds_total.toFixed(0)} s in all`,
    ].join('\n') + '\n'
  );
}
