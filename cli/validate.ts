/**
 * `lssl validate <what>`: experiments that check what a method learns against the phantom's
 * ground truth (not timings: those are `lssl bench`). The logic lives in src/validate/.
 */
import type { CommandModule } from 'yargs';
import { withHelpConventions } from './help.js';
import type { GlobalArgs } from './common.js';
import { validateContrastivePhantomCommand } from './validate/contrastive-phantom.js';
import { validatePhantomCommand } from './validate/phantom.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own argument shape; a list of them has none in common
export const validateSubcommands: CommandModule<GlobalArgs, any>[] = [
  validatePhantomCommand,
  validateContrastivePhantomCommand,
];

export const validateCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'validate',
  describe: 'validation on the phantom: phantom (LSSL against ground truth), contrastive-phantom (all methods)',
  builder: (y) => {
    let parser = y;
    for (const sub of validateSubcommands) parser = parser.command(withHelpConventions(sub, `validate ${sub.command}`));
    return parser.demandCommand(1, 'name a validation (lssl validate --help lists them)');
  },
  handler: () => {
    // yargs runs the chosen subcommand's handler; nothing to do here.
  },
};
