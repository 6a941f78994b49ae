/** `lssl embed RUN SOURCE --out embeddings.csv`: one row per scan with z and, for LSSL, tau_proj. */
import type { Argv, CommandModule } from 'yargs';
import { embedCohort, embeddingsToCsv } from '../src/eval/embed.js';
import { openRun } from '../src/runs.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { loadCohortFromArgs, withCohortSource, type CohortSourceArgs } from './cohort.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';
import { preprocessOptionsOf, withPreprocessOptions, type PreprocessArgs } from './preprocess-options.js';
import { registrationOf, withRegisterOptions, type RegisterArgs } from './register-options.js';

interface Args extends CohortSourceArgs, PreprocessArgs, RegisterArgs {
  out: string;
  batch: number;
  cache?: string;
  json: boolean;
}

export const embedCommand: CommandModule<GlobalArgs, Args> = {
  command: 'embed <run-dir> <source>',
  describe: "embed every scan of a cohort with a trained run's encoder (embeddings.csv)",
  builder: (y) =>
    withRegisterOptions(
      withPreprocessOptions(
        withCohortSource(
          y.positional('run-dir', { type: 'string', demandOption: true, describe: 'run folder written by lssl train' }),
        ),
        'run',
      ),
      true,
    )
      .option('out', { type: 'string', demandOption: true, describe: 'embeddings CSV to write' })
      .option('batch', { type: 'number', default: 8, describe: 'scans per forward pass' })
      .option('cache', { type: 'string', describe: 'preprocessed cache folder (default $LSSL_CACHE or ./.lssl-cache)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print a summary as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    await startBackend(args, args.json);
    const runDir = (args as unknown as Record<string, string>)['run-dir'];
    const run = await openRun(runDir);
    try {
      const cohort = await loadCohortFromArgs(args);
      const records = await embedCohort(run, cohort, {
        cacheDir: args.cache,
        cache: { preprocess: preprocessOptionsOf(args), register: registrationOf(args) },
        batchSize: args.batch,
      });
      await writeFileAtomic(args.out, embeddingsToCsv(records));
      const summary = {
        run: runDir,
        out: args.out,
        scans: records.length,
        dim: run.method.embeddingSize,
        tauProj: run.direction !== undefined,
      };
      if (args.json) printJson(summary);
      else
        process.stdout.write(
          `embedded ${records.length} scans (z${summary.tauProj ? ' + tau_proj' : ''}, ${summary.dim} dims) → ${args.out}\n`,
        );
    } finally {
      run.dispose();
    }
  },
};
