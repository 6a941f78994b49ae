/**
 * `lssl validate contrastive-phantom`: every contrastive method next to LSSL, AE and `none` on
 * one phantom cohort, probed as the report does (src/validate/contrastive-phantom.ts). Prints
 * the Markdown table on stdout; OUT/table.json holds the same rows.
 */
import type { CommandModule } from 'yargs';
import { contrastivePhantom, variantTable } from '../../src/validate/contrastive-phantom.js';
import { startBackend, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  out: string;
  epochs?: number;
  subjects?: number;
  visits?: number;
  shape?: number;
  seed?: number;
  reuse: boolean;
  spread: boolean;
  methods?: string;
}

export const validateContrastivePhantomCommand: CommandModule<GlobalArgs, Args> = {
  command: 'contrastive-phantom',
  describe: 'pretrain and probe every method (and variants) on one phantom cohort; print the comparison table',
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'folder for the cohort, cache, runs/, report/ and table.json',
      })
      .option('epochs', { type: 'number', describe: 'epochs per method (default 15)' })
      .option('subjects', { type: 'number', describe: 'phantom subjects (default 24)' })
      .option('visits', { type: 'number', describe: 'visits per subject (default 3)' })
      .option('shape', { type: 'number', describe: 'voxels per side (default 32)' })
      .option('seed', { type: 'number', describe: 'default 0' })
      .option('reuse', { type: 'boolean', default: false, describe: 'keep runs that already have embeddings.csv' })
      .option('spread', {
        type: 'boolean',
        default: false,
        describe: 'first log the spread of views against subjects for three augmentations',
      })
      .option('methods', {
        type: 'string',
        describe: 'comma-separated METHOD[:visits][+option=value], e.g. none,lssl,simclr,simclr:visits',
      }) as never,
  handler: async (args) => {
    await startBackend(args);
    const rows = await contrastivePhantom({
      out: args.out,
      epochs: args.epochs,
      subjects: args.subjects,
      visits: args.visits,
      shape: args.shape,
      seed: args.seed,
      reuse: args.reuse || undefined,
      spread: args.spread || undefined,
      variants: args.methods
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      log: (m) => process.stderr.write(`${m}\n`),
    });
    process.stdout.write(`${variantTable(rows)}\n`);
  },
};
