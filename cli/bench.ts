/**
 * `lssl bench <what>`: timing benchmarks, one subcommand module each under cli/bench/ (the
 * timing logic lives in src/bench/; what a method learns is checked by `lssl validate`). Never
 * part of `npm test`; `npm run bench` runs them.
 */
import type { CommandModule } from 'yargs';
import { withHelpConventions } from './help.js';
import type { GlobalArgs } from './common.js';
import { benchPreprocessCommand } from './bench/preprocess.js';
import { benchCacheCommand } from './bench/cache.js';
import { benchTrainCommand } from './bench/train.js';
import { benchStartupCommand } from './bench/startup.js';
import { benchAllCommand } from './bench/all.js';
import { benchMethodsCommand } from './bench/methods.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own argument shape; a list of them has none in common
const benchmarks: CommandModule<GlobalArgs, any>[] = [
  benchTrainCommand,
  benchMethodsCommand,
  benchPreprocessCommand,
  benchCacheCommand,
  benchStartupCommand,
];

/** Every benchmark, then `all`, which runs each of them in its own process. */
// biome-ignore lint/suspicious/noExplicitAny: as above
export const benchSubcommands: CommandModule<GlobalArgs, any>[] = [
  ...benchmarks,
  benchAllCommand(benchmarks.map((b) => String(b.command).split(' ')[0])),
];

export const benchCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'bench',
  describe: 'benchmarks: train, methods, preprocess, cache, startup, or all of them',
  builder: (y) => {
    let parser = y;
    for (const sub of benchSubcommands) parser = parser.command(withHelpConventions(sub, `bench ${sub.command}`));
    return parser.demandCommand(1, 'name a benchmark (lssl bench --help lists them)');
  },
  handler: () => {
    // yargs runs the chosen subcommand's handler; nothing to do here.
  },
};
