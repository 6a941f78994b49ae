/** `lssl bench cache`: how fast a cached preprocessed volume is read (target: 64³ under 5 ms). */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import { benchCache, type Timing } from '../../src/bench/cache.js';
import { printJson, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  shape: number;
  reads: number;
  float16: boolean;
  json: boolean;
}

const show = (t: Timing) => `median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms`;

export const benchCacheCommand: CommandModule<GlobalArgs, Args> = {
  command: 'cache',
  describe: 'time reading a cached preprocessed volume (readCachedVolume, loadPreprocessed)',
  builder: (y) =>
    y
      .option('shape', { type: 'number', default: 64, describe: 'voxels per axis of the cached volume' })
      .option('reads', { type: 'number', default: 200, describe: 'timed reads' })
      .option('float16', { type: 'boolean', default: false, describe: 'cache in half precision' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    if (!Number.isInteger(args.shape) || args.shape < 1)
      throw inputError(`--shape must be a positive integer, not ${args.shape}`);
    if (!Number.isInteger(args.reads) || args.reads < 1)
      throw inputError(`--reads must be a positive integer, not ${args.reads}`);
    const r = await benchCache({ shape: args.shape, reads: args.reads, dtype: args.float16 ? 'float16' : 'float32' });
    if (args.json) return printJson(r);
    const verdict = r.readVerified.medianMs < r.targetMs ? 'meets' : 'misses';
    process.stdout.write(
      [
        `cache: ${r.shape}³ ${r.dtype} entry (${(r.entryBytes / 1e6).toFixed(2)} MB), first build ${r.firstBuildMs.toFixed(0)} ms, ${r.reads} reads`,
        `readCachedVolume (sha256 checked):  ${show(r.readVerified)}  (${verdict} the ${r.targetMs} ms target)`,
        `readCachedVolume (size check only): ${show(r.readUnverified)}`,
        `loadPreprocessed (found in cache):  ${show(r.loadPreprocessedCached)}`,
      ].join('\n') + '\n',
    );
  },
};
