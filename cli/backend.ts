/** `lssl backend`: which TensorFlow.js backend runs here, and why others were skipped. */
import type { CommandModule } from 'yargs';
import { startBackend, printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  json: boolean;
}

export const backendCommand: CommandModule<GlobalArgs, Args> = {
  command: 'backend',
  describe: 'show the TensorFlow.js backend that runs here',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    const info = await startBackend(args, true);
    if (args.json) return printJson(info);
    process.stdout.write(`backend: ${info.name} (tfjs ${info.tfjsVersion})\n`);
    for (const s of info.skipped) process.stdout.write(`skipped ${s.name}: ${s.reason}\n`);
  },
};
