/**
 * A loaded cohort as the engine's TrainingData: a subject-level train/validation split
 * (io/pairs.ts trainValidationSplit, so no subject is on both sides), LSSL's pairs within
 * each side (makePairs), and volumes from the preprocessed cache, preprocessed on the fly
 * when missing (io/cache.ts loadPreprocessed), kept in memory up to a budget.
 */
import { createHash } from 'node:crypto';
import { loadPreprocessed, type CacheOptions } from '../io/cache.js';
import { isUnrecordedPreprocessing, preprocessingRecord, type PreprocessingRecord } from '../io/preprocess-record.js';
import { registrationRecord, type RegistrationRecord } from '../io/registration-record.js';
import type { Cohort, Scan, Subject } from '../io/cohort.js';
import { makePairs, type PairOptions } from '../io/pairs.js';
import { trainValidationSplit } from '../io/splits.js';
import type { PairRef, ScanRef, SplitData, TrainingData } from './data.js';

export interface CohortDataOptions {
  /** voxels per side of the preprocessed cube (default 64) */
  shape?: number;
  cacheDir?: string;
  /** the cache's other settings (dtype, preprocess chain) */
  cache?: Omit<CacheOptions, 'shape' | 'cacheDir'>;
  /** share of subjects held out for validation (default 0.2) */
  validationFraction?: number;
  /** covariate to stratify the split by, when present (default 'diagnosis') */
  stratifyBy?: string;
  seed?: number;
  pairs?: PairOptions;
  /** bytes of volumes kept in memory between epochs (default 2 GiB) */
  memoryBudget?: number;
}

export const scanKey = (scan: Pick<Scan, 'subject' | 'session'>) => `${scan.subject}/${scan.session}`;

function scanRef(scan: Scan, labelColumn: string | undefined): ScanRef {
  const label = labelColumn ? scan.covariates[labelColumn] : undefined;
  return { key: scanKey(scan), subject: scan.subject, session: scan.session, age: scan.age, label: label ?? undefined };
}

function splitOf(subjects: readonly Subject[], options: CohortDataOptions): SplitData {
  const pairs: PairRef[] = makePairs(subjects, options.pairs).map((p) => ({
    earlier: scanRef(p.earlier, options.stratifyBy),
    later: scanRef(p.later, options.stratifyBy),
  }));
  return { scans: subjects.flatMap((s) => s.scans.map((scan) => scanRef(scan, options.stratifyBy))), pairs };
}

/**
 * sha256 over what defines the data: scans (key, path, age), the split, the shape and the
 * preprocessing (only when not the defaults, so runs made before it was recorded still resume).
 */
function fingerprintOf(
  cohort: Cohort,
  validation: readonly string[],
  shape: number,
  preprocessing: PreprocessingRecord,
  registration: RegistrationRecord | undefined,
): string {
  const hash = createHash('sha256');
  for (const s of cohort.subjects)
    for (const scan of s.scans)
      hash.update(`${scanKey(scan)}\t${scan.path}${scan.volume === undefined ? '' : `#${scan.volume}`}\t${scan.age}\n`);
  hash.update(`validation:${validation.join(',')}\nshape:${shape}\n`);
  if (!isUnrecordedPreprocessing(preprocessing)) hash.update(`preprocessing:${JSON.stringify(preprocessing)}\n`);
  if (registration !== undefined) hash.update(`registration:${JSON.stringify(registration)}\n`);
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}

export function cohortTrainingData(cohort: Cohort, options: CohortDataOptions = {}): TrainingData {
  const shape = options.shape ?? 64;
  const stratifyBy = options.stratifyBy ?? 'diagnosis';
  const stratify: Record<string, string | number | null> = {};
  for (const s of cohort.subjects)
    stratify[s.id] = s.covariates[stratifyBy] ?? s.scans[0]?.covariates[stratifyBy] ?? null;
  const split = trainValidationSplit(
    cohort.subjects.map((s) => s.id),
    { fraction: options.validationFraction ?? 0.2, seed: options.seed ?? 0, stratify },
  );
  const inValidation = new Set(split.validation);
  const byKey = new Map(cohort.subjects.flatMap((s) => s.scans.map((scan) => [scanKey(scan), scan] as const)));
  const memory = new Map<string, Float32Array>();
  const budget = options.memoryBudget ?? 2 ** 31;
  let used = 0;
  const cacheOptions: CacheOptions = { ...options.cache, shape, cacheDir: options.cacheDir };
  const preprocessing = preprocessingRecord(options.cache?.preprocess);
  const registration = registrationRecord(options.cache?.register);
  return {
    volumeShape: [shape, shape, shape],
    train: splitOf(
      cohort.subjects.filter((s) => !inValidation.has(s.id)),
      { ...options, stratifyBy },
    ),
    validation: splitOf(
      cohort.subjects.filter((s) => inValidation.has(s.id)),
      { ...options, stratifyBy },
    ),
    fingerprint: fingerprintOf(cohort, split.validation, shape, preprocessing, registration),
    preprocessing,
    ...(registration !== undefined && { registration }),
    loadVolume: async (ref) => {
      const kept = memory.get(ref.key);
      if (kept) return kept;
      const scan = byKey.get(ref.key);
      if (!scan) throw new Error(`no scan ${ref.key} in the cohort`);
      const { data } = await loadPreprocessed(scan, cacheOptions);
      if (used + data.byteLength <= budget) {
        memory.set(ref.key, data);
        used += data.byteLength;
      }
      return data;
    },
  };
}
