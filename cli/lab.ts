/** `lssl lab`: the theory papers' synthetic experiments (identifiability, decoupling, hltm). */
import type { CommandModule } from 'yargs';
import { runIdentifiabilityLab, type IdentifiabilityResult } from '../src/labs/identifiability.js';
import { runDecouplingLab, type DecouplingResult } from '../src/labs/decoupling.js';
import { runHltmLab, type HltmResult } from '../src/labs/hltm.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

const LABS = ['identifiability', 'decoupling', 'hltm'] as const;
type LabName = (typeof LABS)[number];

interface Args extends GlobalArgs {
  name: LabName;
  json: boolean;
  seed: number;
  steps?: number;
}

const f3 = (v: number): string => v.toFixed(3);

export function formatIdentifiability(r: IdentifiabilityResult): string {
  return [
    `identifiability (Zimmermann et al. 2021): n = ${r.settings.latent_dim} latents on the sphere, vMF positives κ = ${r.settings.kappa}, InfoNCE τ = ${r.settings.temperature}`,
    `  linear R² h(x) → z   trained ${f3(r.r2)}   untrained ${f3(r.r2_untrained)}`,
    `  MCC (Hungarian)      trained ${f3(r.mcc)}   untrained ${f3(r.mcc_untrained)}`,
    `  ${r.settings.steps} steps of ${r.settings.batch_size} pairs, final loss ${f3(r.final_loss)}, ${r.seconds} s`,
  ].join('\n');
}

export function formatDecoupling(r: DecouplingResult): string {
  return [
    `decoupling (Wen & Li 2021): ${r.settings.features} sparse features, ${r.settings.noise_coords} dense noise coordinates, ${r.settings.neurons} ReLU neurons`,
    `  alignment with M (mean best |cos|)   masking ${f3(r.alignment_with_masking)}   no masking ${f3(r.alignment_without_masking)}   init ${f3(r.alignment_at_init)}`,
    `  alignment with the dense subspace    masking ${f3(r.dense_alignment_with_masking)}   no masking ${f3(r.dense_alignment_without_masking)}   init ${f3(r.dense_alignment_at_init)}`,
    `  ${r.settings.steps} steps of ${r.settings.batch_size} pairs per run, ${r.seconds} s`,
  ].join('\n');
}

export function formatHltm(r: HltmResult): string {
  return [
    `hltm (Tian et al. 2020): binary latent tree of depth ${r.settings.depth}, ${r.settings.units_per_node} units per node`,
    '  level  best |corr| trained  at init  ceiling',
    ...r.levels.map(
      (l) =>
        `  ${String(l.level).padStart(5)}  ${f3(l.corr_trained).padStart(19)}  ${f3(l.corr_init).padStart(7)}  ${f3(l.corr_ceiling).padStart(7)}`,
    ),
    `  ${r.settings.steps} steps of ${r.settings.batch_size} pairs, final loss ${f3(r.final_loss)}, ${r.seconds} s`,
  ].join('\n');
}

export const labCommand: CommandModule<GlobalArgs, Args> = {
  command: 'lab <name>',
  describe: 'run a theory lab on synthetic data (identifiability, decoupling, hltm)',
  builder: (y) =>
    y
      .positional('name', { choices: LABS, describe: 'which lab', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of every random draw' })
      .option('steps', { type: 'number', describe: 'training steps (default: the lab’s own)' }) as never,
  handler: async (args) => {
    await startBackend(args, args.json);
    const options = { seed: args.seed, steps: args.steps };
    if (args.name === 'identifiability') {
      const result = runIdentifiabilityLab(options);
      return args.json ? printJson(result) : void process.stdout.write(`${formatIdentifiability(result)}\n`);
    }
    if (args.name === 'decoupling') {
      const result = runDecouplingLab(options);
      return args.json ? printJson(result) : void process.stdout.write(`${formatDecoupling(result)}\n`);
    }
    const result = runHltmLab(options);
    return args.json ? printJson(result) : void process.stdout.write(`${formatHltm(result)}\n`);
  },
};
