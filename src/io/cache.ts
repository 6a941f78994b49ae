/**
 * The preprocessed cache: every scan read once, preprocessed (RAS+, resample, crop/pad,
 * normalise; see transforms.ts) and stored as float32 (or float16) with its metadata, keyed
 * by the source's content and the canonical settings (layout in cache-store.ts).
 *
 * `preprocessCohort` fills it, streaming scan by scan (or `jobs` worker threads, one scan
 * each) so memory stays bounded on any cohort size; `shard` takes the i-th of n disjoint
 * slices so the tasks of an HPC job array fill one shared cache together; an interrupted
 * run resumes, since finished entries are found again and half-written ones never exist.
 * Training then reads entries with `readCachedVolume` (synchronous, about a millisecond
 * for 64³) or `loadPreprocessed` (builds what is missing).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError, LsslError, runtimeError } from '../errors.js';
import type { Cohort, Scan } from './cohort.js';
import { compareIds } from './ids.js';
import { ensureEntry, niftiPreprocessor, sourceFiles, cacheSettings, type ScanPreprocessor } from './cache-pipeline.js';
import { runPool } from './cache-pool.js';
import {
  entryKey,
  fileSignature,
  readEntry,
  rememberContentHash,
  rememberedContentHash,
  sha256,
  type CacheDtype,
} from './cache-store.js';
import type { PreprocessOptions } from './transforms.js';
import {
  planRegistration,
  referenceOf,
  registeredPreprocessorFor,
  withSubjectReferences,
  type CacheRegistration,
  type RegistrationPlan,
} from './cache-register.js';
import type { Volume } from './volume.js';

export type { CacheDtype, CacheEntryMeta } from './cache-store.js';
export type { ScanPreprocessor } from './cache-pipeline.js';
export { niftiPreprocessor } from './cache-pipeline.js';
export { subjectReferences, withSubjectReferences, type CacheRegistration } from './cache-register.js';

/** `.lssl-cache` in the current folder, or `$LSSL_CACHE` when set. */
export function defaultCacheDir(): string {
  return resolve(process.env.LSSL_CACHE || '.lssl-cache');
}

export interface CacheOptions {
  /** default: defaultCacheDir() */
  cacheDir?: string;
  /** output voxels per axis (default 64); overrides preprocess.shape */
  shape?: number | readonly number[];
  /** the rest of the chain's settings (spacing, normalize, mask, percentiles) */
  preprocess?: PreprocessOptions;
  /** storage type (default float32); float16 halves the cache, to within ~1e-3 relative */
  dtype?: CacheDtype;
  /** register every scan first, to its subject's first visit or to a template (cache-register.ts) */
  register?: CacheRegistration;
}

/** 0-based slice `index` of `count` (the CLI's `--shard i/n` is 1-based: i = index + 1). */
export interface Shard {
  index: number;
  count: number;
}

export interface CacheProgress {
  done: number;
  total: number;
  scan: Scan;
  status: 'cached' | 'built' | 'rebuilt' | 'failed';
  seconds: number;
  /** the reason for a rebuild, what was repaired in the source, or the error of a failure */
  message?: string;
}

export interface CacheFailure {
  subject: string;
  session: string;
  path: string;
  message: string;
}

export interface CacheReport {
  cacheDir: string;
  shard: Shard;
  /** scans of the whole cohort, and of this shard */
  cohortScans: number;
  scans: number;
  cached: number;
  built: number;
  rebuilt: number;
  failed: CacheFailure[];
  /** scans cached after a repair (e.g. a few NaN voxels set to 0), with what was done */
  warnings: CacheFailure[];
  seconds: number;
}

export interface PreprocessCohortOptions extends CacheOptions {
  /** worker threads (default 1: the calling thread) */
  jobs?: number;
  shard?: Shard;
  onProgress?: (progress: CacheProgress) => void;
  /** a custom chain (tests, experiments); only with jobs = 1, as functions cannot go to workers */
  pipeline?: ScanPreprocessor;
}

function preprocessOptionsOf(options: CacheOptions): PreprocessOptions {
  return { ...options.preprocess, shape: options.shape ?? options.preprocess?.shape ?? 64 };
}

function dtypeOf(options: CacheOptions): CacheDtype {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float16')
    throw inputError(`cache dtype must be float32 or float16, not ${JSON.stringify(dtype)}`);
  return dtype;
}

/** Parses the CLI's `i/n` (1 ≤ i ≤ n) into a 0-based Shard. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = match ? Number(match[1]) : NaN;
  const n = match ? Number(match[2]) : NaN;
  if (!(n >= 1 && i >= 1 && i <= n)) throw inputError(`shard must be i/n with 1 ≤ i ≤ n (e.g. 1/8), not '${text}'`);
  return { index: i - 1, count: n };
}

/**
 * The scans of one shard: all scans in a stable order (subject, session, path), dealt
 * round-robin, so the n shards are disjoint, cover the cohort and differ by at most one scan.
 */
export function shardScans(scans: readonly Scan[], shard: Shard): Scan[] {
  if (
    !Number.isInteger(shard.count) ||
    shard.count < 1 ||
    !Number.isInteger(shard.index) ||
    shard.index < 0 ||
    shard.index >= shard.count
  ) {
    throw inputError(`shard index must be an integer in [0, ${shard.count}), not ${shard.index}`);
  }
  const ordered = scans
    .slice()
    .sort((a, b) => compareIds(a.subject, b.subject) || compareIds(a.session, b.session) || compareIds(a.path, b.path));
  return ordered.filter((_, i) => i % shard.count === shard.index);
}

type Outcome =
  | { status: 'cached' | 'built' | 'rebuilt'; reason?: string; warnings?: string[]; seconds: number; error?: undefined }
  | { status?: undefined; error: string; seconds: number };

/** Preprocesses every scan of the cohort (or of one shard) into the cache. */
export async function preprocessCohort(cohort: Cohort, options: PreprocessCohortOptions = {}): Promise<CacheReport> {
  const started = performance.now();
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const dtype = dtypeOf(options);
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw inputError(`jobs must be a positive integer, not ${jobs}`);
  if (options.pipeline && jobs > 1) throw inputError('a custom pipeline runs only with jobs = 1');
  const shard = options.shard ?? { index: 0, count: 1 };
  const all = cohort.subjects.flatMap((s) => s.scans);
  const scans = shardScans(all, shard);
  const report: CacheReport = {
    cacheDir,
    shard,
    cohortScans: all.length,
    scans: scans.length,
    cached: 0,
    built: 0,
    rebuilt: 0,
    failed: [],
    warnings: [],
    seconds: 0,
  };
  let done = 0;
  const record = (scan: Scan, reply: Outcome) => {
    done++;
    if (reply.status === undefined) {
      report.failed.push({ subject: scan.subject, session: scan.session, path: scan.path, message: reply.error });
      options.onProgress?.({
        done,
        total: scans.length,
        scan,
        status: 'failed',
        seconds: reply.seconds,
        message: reply.error,
      });
    } else {
      report[reply.status]++;
      const warning = reply.warnings?.join('; ');
      if (warning)
        report.warnings.push({ subject: scan.subject, session: scan.session, path: scan.path, message: warning });
      options.onProgress?.({
        done,
        total: scans.length,
        scan,
        status: reply.status,
        seconds: reply.seconds,
        message: [reply.reason, warning].filter(Boolean).join('; ') || undefined,
      });
    }
  };

  const plan = options.register ? planRegistration(withSubjectReferences(cohort, options.register)) : undefined;
  if (jobs === 1) {
    const shared = options.pipeline ?? niftiPreprocessor(preprocessOptionsOf(options));
    for (const scan of scans) {
      const t0 = performance.now();
      try {
        const pipeline =
          plan && !options.pipeline
            ? registeredPreprocessorFor(cacheDir, preprocessOptionsOf(options), plan, scan.path)
            : shared;
        const result = await ensureEntry(scan.path, pipeline, { cacheDir, dtype, volume: scan.volume });
        record(scan, {
          status: result.status,
          reason: result.reason,
          warnings: result.warnings,
          seconds: (performance.now() - t0) / 1000,
        });
      } catch (error) {
        // A bad scan is reported and skipped so one corrupt file does not stop a 10,000-scan run;
        // a failure that is not the input's fault (disk full, a bug) stops it.
        if (!(error instanceof LsslError) || error.exitCode !== 2) throw error;
        record(scan, { error: error.describe(), seconds: (performance.now() - t0) / 1000 });
      }
    }
  } else {
    const register = plan && { to: plan.to, settings: plan.settings, template: plan.template };
    const setup = { cacheDir, dtype, preprocess: preprocessOptionsOf(options), register };
    niftiPreprocessor(setup.preprocess); // check the settings here, once, before any worker starts
    await runPool(
      scans.map((scan, id) => ({
        id,
        path: scan.path,
        volume: scan.volume,
        reference: plan && referenceOf(plan, scan.path),
      })),
      jobs,
      setup,
      (reply) => {
        if (reply.status === undefined && !reply.inputError) throw runtimeError(reply.error, scans[reply.id].path);
        record(scans[reply.id], reply);
      },
    );
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function pathOf(scanOrPath: Scan | string): string {
  return resolve(typeof scanOrPath === 'string' ? scanOrPath : scanOrPath.path);
}

/** The chain a reader uses for one scan: the given one, the registered one, or the standard one. */
function readerPipeline(path: string, cacheDir: string, options: CacheOptions & { pipeline?: ScanPreprocessor }) {
  if (options.pipeline) return options.pipeline;
  if (options.register) {
    const plan: RegistrationPlan = planRegistration(options.register);
    return registeredPreprocessorFor(cacheDir, preprocessOptionsOf(options), plan, path);
  }
  return niftiPreprocessor(preprocessOptionsOf(options));
}

/** The preprocessed volume of a scan: from the cache, or preprocessed now and stored. */
export async function loadPreprocessed(
  scanOrPath: Scan | string,
  options: CacheOptions & { pipeline?: ScanPreprocessor; onWarning?: (message: string, path: string) => void } = {},
): Promise<Volume> {
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const path = pathOf(scanOrPath);
  const pipeline = readerPipeline(path, cacheDir, options);
  const volume = typeof scanOrPath === 'string' ? undefined : scanOrPath.volume;
  const result = await ensureEntry(path, pipeline, { cacheDir, dtype: dtypeOf(options), load: true, volume });
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message} (${path})\n`));
  for (const warning of result.warnings ?? []) warn(warning, path);
  return result.volume!;
}

/**
 * Reads a cached volume synchronously (the training loop's fast path): no image is decoded,
 * only the entry's metadata and voxels are read, checked by size and (unless `verify: false`)
 * sha256. A scan that is not in the cache under these settings is an error that says to run
 * `lssl preprocess`.
 */
export function readCachedVolume(
  scanOrPath: Scan | string,
  options: CacheOptions & { verify?: boolean; pipeline?: ScanPreprocessor } = {},
): Volume {
  const path = pathOf(scanOrPath);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const settings = cacheSettings(
    readerPipeline(path, cacheDir, options),
    dtypeOf(options),
    typeof scanOrPath === 'string' ? undefined : scanOrPath.volume,
  );
  let signature: string;
  const files = sourceFiles(path);
  try {
    signature = fileSignature(files);
  } catch {
    throw inputError('image not found', path);
  }
  let contentHash = rememberedContentHash(cacheDir, path, signature);
  if (contentHash === undefined) {
    contentHash = sha256(...files.map((f) => readFileSync(f)));
    try {
      rememberContentHash(cacheDir, path, signature, contentHash);
    } catch {
      // a read-only cache still serves reads; the file is hashed again next time
    }
  }
  const entry = readEntry(cacheDir, entryKey(contentHash, settings), { verify: options.verify ?? true });
  if (entry.state === 'ok') return entry.volume!;
  const why = entry.state === 'missing' ? 'is not in the cache' : `has a corrupt cache entry (${entry.reason})`;
  throw runtimeError(
    `this scan ${why} ${cacheDir} for these settings: run lssl preprocess (or use loadPreprocessed)`,
    path,
  );
}
