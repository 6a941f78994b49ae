/** Every `lssl` command, one module each; add new commands here. */
import type { CommandModule } from 'yargs';
import { backendCommand } from './backend.js';
import { demoCommand } from './demo.js';
import { simulateCommand } from './simulate.js';
import { benchCommand } from './bench.js';
import { validateCommand } from './validate.js';
import { cohortCommand } from './cohort.js';
import { preprocessCommand } from './preprocess.js';
import { infoCommand } from './info.js';
import { probeCommand } from './probe.js';
import { labCommand } from './lab.js';
import { trainCommand } from './train.js';
import { tuneCommand } from './tune.js';
import { embedCommand } from './embed.js';
import { reportCommand } from './report.js';
import { compareCommand } from './compare.js';
import { finetuneCommand } from './finetune.js';
import { withHelpConventions } from './help.js';
import { registerCommand } from './register.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own argument shape; a list of them has none in common
const modules: CommandModule<any, any>[] = [
  backendCommand,
  demoCommand,
  simulateCommand,
  benchCommand,
  validateCommand,
  cohortCommand,
  preprocessCommand,
  registerCommand,
  infoCommand,
  probeCommand,
  trainCommand,
  tuneCommand,
  embedCommand,
  reportCommand,
  compareCommand,
  labCommand,
  finetuneCommand,
];

/** Every command with the help conventions of help.ts ([default: …], an example at the end). */
// biome-ignore lint/suspicious/noExplicitAny: as above
export const commands: CommandModule<any, any>[] = modules.map((command) => withHelpConventions(command));
