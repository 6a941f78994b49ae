/**
 * The preprocessing a run was trained on, as recorded in its config.json: the volumes of
 * any later cohort must be made the same way, or the encoder sees inputs it never learned
 * (a whole-volume z-score where it learned a masked one shifts every voxel). `embed` and
 * `train --resume` take the recorded settings and refuse an explicit one that differs.
 */
import { inputError } from '../errors.js';
import { canonicalPreprocessOptions, type PreprocessOptions, type PreprocessSettings } from './transforms.js';

/** PreprocessSettings without the shape (a run records that as cohort.volumeShape). */
export type PreprocessingRecord = Omit<PreprocessSettings, 'shape'>;

/** The complete settings `options` stand for, without the shape. */
export function preprocessingRecord(options: PreprocessOptions = {}): PreprocessingRecord {
  const { shape: _shape, ...rest } = canonicalPreprocessOptions(options);
  return rest;
}

/**
 * What preprocess did with no options before runs recorded their settings (the foreground
 * was the default region then): a run without a record was trained on this. Cohort
 * fingerprints leave it out, so those runs and the ones trained on it since keep theirs.
 */
export const UNRECORDED_PREPROCESSING: PreprocessingRecord = Object.freeze(preprocessingRecord({ mask: 'otsu' }));

/** True when `record` is UNRECORDED_PREPROCESSING. */
export function isUnrecordedPreprocessing(record: PreprocessingRecord): boolean {
  return JSON.stringify(record) === JSON.stringify(UNRECORDED_PREPROCESSING);
}

/**
 * The settings to prepare scans for a run with: the run's recorded ones (for a run that
 * recorded none, UNRECORDED_PREPROCESSING), where `explicit` may only repeat them.
 * `explicit` holds what the user gave (undefined fields were not given).
 */
export function settingsForRun(
  recorded: PreprocessingRecord | undefined,
  explicit: PreprocessOptions = {},
  runFile?: string,
): PreprocessingRecord {
  const run = recorded ?? UNRECORDED_PREPROCESSING;
  const asked = preprocessingRecord({ ...run, ...definedOnly(explicit) });
  for (const key of Object.keys(run) as (keyof PreprocessingRecord)[]) {
    if (JSON.stringify(run[key]) !== JSON.stringify(asked[key]))
      throw inputError(
        `the run was trained on volumes preprocessed with ${key} ${show(run[key])}, not ${show(asked[key])}; drop --${key} to use the run's`,
        runFile,
      );
  }
  return run;
}

function definedOnly(options: PreprocessOptions): PreprocessOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as PreprocessOptions;
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
