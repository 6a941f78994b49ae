/** `lssl bench train`: pairs/s of the LSSL training step, beside PyTorch CPU (src/bench/train-step.ts). */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import { benchTrainStep, IDLE_OTHERS_CORES } from '../../src/bench/train-step.js';
import { printJson, startBackend, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  shape: number;
  batch: number;
  steps: number;
  latent: string;
  torch: boolean;
  'torch-threads': number;
  embed: boolean;
  rounds: number;
  json: boolean;
}

export const benchTrainCommand: CommandModule<GlobalArgs, Args> = {
  command: 'train',
  describe: 'pairs/s of the LSSL step (forward, backward, AdamW) on the backend, beside PyTorch CPU',
  builder: (y) =>
    y
      .option('shape', { type: 'number', default: 64, describe: 'voxels per side (multiple of 16)' })
      .option('batch', { type: 'number', default: 4, describe: 'pairs per step' })
      .option('steps', { type: 'number', default: 3, describe: 'timed steps (after one warm-up step)' })
      .option('latent', {
        type: 'string',
        default: 'none',
        describe: 'dense latent size, or none (flattened features, as the PyTorch reference)',
      })
      .option('torch', {
        type: 'boolean',
        default: true,
        describe: 'also time the same step in PyTorch (/usr/bin/python3, python3-torch)',
      })
      .option('torch-threads', { type: 'number', default: 2, describe: 'threads PyTorch may use' })
      .option('rounds', {
        type: 'number',
        default: 3,
        describe: 'alternate lssl and PyTorch this many times; report medians (fairer on a shared machine)',
      })
      .option('embed', {
        type: 'boolean',
        default: false,
        describe: 'also time the encoder forward alone (lssl embed), scans/s',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as never,
  handler: async (args) => {
    // --shape, --batch, --steps and --rounds are checked for every command (option-checks.ts)
    const latent = args.latent === 'none' ? null : Number(args.latent);
    if (latent !== null && !(Number.isInteger(latent) && latent > 0))
      throw inputError(`--latent must be a positive integer or none, not ${args.latent}`);
    await startBackend(args, args.json);
    const r = await benchTrainStep({
      shape: args.shape,
      batch: args.batch,
      steps: args.steps,
      latent,
      torchThreads: args.torch ? args['torch-threads'] : 0,
      embed: args.embed,
      rounds: args.rounds,
    });
    if (args.json) return printJson(r);
    const lines = [
      `LSSL step at ${r.shape}³, batch ${r.batch} pairs, ${r.steps} steps after a warm-up${r.rounds.length > 1 ? `, ${r.rounds.length} alternating rounds (medians)` : ''}`,
      `conv kernels: ${r.kernels}; load average ${r.load_average.toFixed(2)} at the start`,
      `lssl (${r.backend})     ${r.pairs_per_s.toFixed(3)} pairs/s   ${r.step_s.toFixed(2)} s/step   ${r.cpu_s_per_step.toFixed(2)} CPU-s/step   peak RSS ${r.max_rss_mib.toFixed(0)} MiB`,
    ];
    if (r.embed_scans_per_s !== undefined)
      lines.push(
        `encoder forward (lssl embed): ${r.embed_scans_per_s.toFixed(2)} scans/s at ${2 * r.batch} scans per pass`,
      );
    if (r.torch) {
      lines.push(
        `PyTorch ${r.torch.torch} (${r.torch.threads} threads)  ${r.torch.pairs_per_s.toFixed(3)} pairs/s   ${r.torch.step_s.toFixed(2)} s/step   ${r.torch.cpu_s_per_step.toFixed(2)} CPU-s/step   peak RSS ${r.torch.max_rss_mib.toFixed(0)} MiB`,
      );
      const cores = (c: number | undefined): string => (c === undefined ? '' : ` (others ${c.toFixed(2)} cores)`);
      r.rounds.forEach((x, i) =>
        lines.push(
          `round ${i + 1}: lssl ${x.pairs_per_s.toFixed(2)}${cores(x.others_cores)}, PyTorch ${x.torch_pairs_per_s!.toFixed(2)}${cores(x.torch_others_cores)}: ${x.ratio!.toFixed(2)}×`,
        ),
      );
      lines.push(`ratio lssl / PyTorch: ${r.ratio_to_torch!.toFixed(2)}× (same run)`);
      const busiest = Math.max(0, ...r.rounds.flatMap((x) => [x.others_cores ?? 0, x.torch_others_cores ?? 0]));
      if (busiest > IDLE_OTHERS_CORES) {
        lines.push(
          `not an idle machine: other processes kept up to ${busiest.toFixed(2)} cores busy while a side was timed; the ratio is this load's, not the idle one`,
        );
        if (r.idle_ratio)
          lines.push(
            `ratio over the ${r.idle_ratio.rounds} idle round${r.idle_ratio.rounds > 1 ? 's' : ''} (others ≤ ${IDLE_OTHERS_CORES} cores on both sides): ${r.idle_ratio.ratio.toFixed(2)}×`,
          );
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
