/** `lssl demo`: the main job on the built-in phantom cohort. */
import type { CommandModule } from 'yargs';
import { LsslError } from '../src/errors.js';
import type { GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  out: string;
}

export const demoCommand: CommandModule<GlobalArgs, Args> = {
  command: 'demo',
  describe: 'simulate a phantom cohort, pretrain every method, probe and report',
  builder: (y) => y.option('out', { type: 'string', default: 'lssl-demo', describe: 'output folder' }),
  handler: async () => {
    throw new LsslError('demo is not yet available: it needs the training and report modules', { exitCode: 1 });
  },
};
