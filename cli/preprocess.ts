/**
 * `lssl preprocess SOURCE`: every scan read once, preprocessed and stored in the cache.
 * `--jobs N` runs N worker threads; `--shard i/n` does the i-th of n disjoint slices, so
 * that the tasks of an HPC job array fill one shared cache (docs/preprocess.md).
 */
import type { Argv, CommandModule } from 'yargs';
import { LsslError } from '../src/errors.js';
import { registrationOf, withRegisterOptions, type RegisterArgs } from './register-options.js';
import {
  defaultCacheDir,
  parseShard,
  preprocessCohort,
  type CacheProgress,
  type CacheReport,
} from '../src/io/cache.js';
import { loadCohortFromArgs, withCohortSource, type CohortSourceArgs } from './cohort.js';
import { printJson, type GlobalArgs } from './common.js';
import { preprocessOptionsOf, withPreprocessOptions, type PreprocessArgs } from './preprocess-options.js';

interface Args extends CohortSourceArgs, PreprocessArgs, RegisterArgs {
  cache?: string;
  shape: number;
  jobs: number;
  shard: string;
  float16: boolean;
  json: boolean;
}

export const preprocessCommand: CommandModule<GlobalArgs, Args> = {
  command: 'preprocess <source>',
  describe: 'preprocess every scan once into the cache (RAS+, resample, crop/pad, normalise)',
  builder: (y) =>
    withRegisterOptions(withPreprocessOptions(withCohortSource(y)))
      .option('cache', { type: 'string', describe: 'cache folder (default $LSSL_CACHE or ./.lssl-cache)' })
      .option('shape', { type: 'number', default: 64, describe: 'voxels per axis of the preprocessed volume' })
      .option('jobs', { type: 'number', default: 1, describe: 'worker threads' })
      .option('shard', {
        type: 'string',
        default: '1/1',
        describe: 'do only the i-th of n disjoint slices of the scans (1 ≤ i ≤ n), e.g. for a job array',
      })
      .option('float16', {
        type: 'boolean',
        default: false,
        describe: 'store half precision (half the disk, ~1e-3 relative error)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the report as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    const shard = parseShard(args.shard);
    const register = registrationOf(args);
    const cohort = await loadCohortFromArgs(args);
    const progress = progressPrinter(process.stderr);
    const report = await preprocessCohort(cohort, {
      cacheDir: args.cache ?? defaultCacheDir(),
      shape: args.shape,
      preprocess: preprocessOptionsOf(args),
      jobs: args.jobs,
      shard,
      dtype: args.float16 ? 'float16' : 'float32',
      register,
      onProgress: progress.update,
    });
    progress.finish();
    if (args.json) printJson(report);
    else process.stdout.write(`${formatReport(report)}\n`);
    for (const w of report.warnings)
      process.stderr.write(`warning: ${w.subject}/${w.session}: ${w.message} (${w.path})\n`);
    if (report.failed.length > 0) {
      for (const f of report.failed) process.stderr.write(`failed ${f.subject}/${f.session}: ${f.message}\n`);
      throw new LsslError(
        `${report.failed.length} of ${report.scans} scans could not be preprocessed (listed above); the others are cached`,
        { exitCode: 2 },
      );
    }
  },
};

export function formatReport(r: CacheReport): string {
  const shard = r.shard.count > 1 ? ` (shard ${r.shard.index + 1}/${r.shard.count} of ${r.cohortScans})` : '';
  return (
    `preprocessed ${r.scans} scans${shard} into ${r.cacheDir}: ${r.built} built, ${r.rebuilt} rebuilt, ` +
    `${r.cached} already cached, ${r.failed.length} failed, in ${r.seconds.toFixed(1)} s`
  );
}

/**
 * A progress bar redrawn in place on a terminal; one plain line per scan otherwise (batch
 * logs, CI), so a job array's log says what each task did.
 */
export function progressPrinter(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;
  const started = performance.now();
  return {
    update: (p: CacheProgress) => {
      if (!tty) {
        const note = p.message ? ` (${p.message})` : '';
        stream.write(
          `[${p.done}/${p.total}] ${p.status} ${p.scan.subject}/${p.scan.session} ${p.seconds.toFixed(2)} s${note}\n`,
        );
        return;
      }
      const now = performance.now();
      if (now - lastDraw < 100 && p.done < p.total) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * p.done) / Math.max(1, p.total));
      const rate = p.done / Math.max(1e-3, (now - started) / 1000);
      const eta = (p.total - p.done) / Math.max(rate, 1e-9);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${rate.toFixed(1)} scans/s, ${eta.toFixed(0)} s left `,
      );
    },
    finish: () => {
      if (tty) stream.write('\n');
    },
  };
}
