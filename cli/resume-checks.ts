/**
 * `train --resume` continues a run with the run's own settings; a setting given beside it
 * that differs from the run's used to be ignored without a word (`--resume --shape 32` on a
 * 16³ run trained on at 16³). Now it is refused, naming the option and both values. Options
 * with a command-line default (--seed 0, --init pytorch, --early-stop 10) can only be told
 * apart from "not given" when they differ from that default, so only then are they compared.
 */
import { inputError } from '../src/errors.js';
import type { RunConfig } from '../src/train/run.js';

type Read = (config: RunConfig) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: config.json's method and training sections differ by method
const network = (c: RunConfig) => (c.methodOptions as any).network ?? {};
// biome-ignore lint/suspicious/noExplicitAny: as above
const training = (c: RunConfig) => c.training as any;

/** CLI option → where the run keeps it, and the option's command-line default if any. */
const SETTINGS: [option: string, read: Read, cliDefault?: unknown][] = [
  ['shape', (c) => network(c).inputShape?.[0]],
  ['batch', (c) => training(c).batchSize],
  ['lr', (c) => training(c).learningRate],
  ['weight-decay', (c) => training(c).weightDecay],
  ['seed', (c) => training(c).seed, 0],
  ['latent', (c) => (network(c).latentSize === null ? 'none' : String(network(c).latentSize))],
  ['latent-activation', (c) => network(c).latentActivation],
  ['norm', (c) => network(c).norm],
  ['init', (c) => network(c).init, 'pytorch'],
  ['lambda-dir', (c) => c.methodOptions.lambdaDir],
  ['lambda-recon', (c) => c.methodOptions.lambdaRecon],
  ['beta', (c) => c.methodOptions.beta],
  ['temperature', (c) => c.methodOptions.temperature],
  ['momentum-base', (c) => c.methodOptions.momentumBase],
  ['positives', (c) => c.methodOptions.positives],
  ['patience', (c) => training(c).plateau?.patience],
  ['early-stop', (c) => training(c).plateau?.earlyStopPatience, 10],
  ['augment', (c) => training(c).augment === true],
];

/** Refuses `--resume` with a setting that differs from the run's (exit 2, naming config.json). */
export function checkResumeArgs(config: RunConfig, args: Record<string, unknown>, configFile: string): void {
  for (const [option, read, cliDefault] of SETTINGS) {
    const given = args[option];
    if (given === undefined || (cliDefault !== undefined && given === cliDefault)) continue;
    const saved = read(config);
    if (saved === undefined || given === saved) continue;
    throw inputError(
      `--resume continues the run with its own settings, and --${option} ${String(given)} differs from the run's ${String(saved)}; drop --${option}, or start a new run`,
      configFile,
    );
  }
}
