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

/** True when `record` is what preprocess does with no options (runs made before the record existed). */
export function isDefaultPreprocessing(record: PreprocessingRecord): boolean {
  return JSON.stringify(record) === JSON.stringify(preprocessingRecord());
}

/**
 * The settings to prepare scans for a run with: the run's recorded ones (the defaults for a
 * run that recorded none), where `explicit` may only repeat them. `explicit` holds what
 * the user gave (undefined fields were not given).
 */
export function settingsForRun(
  recorded: PreprocessingRecord | undefined,
  explicit: PreprocessOptions = {},
  runFile?: string,
): PreprocessingRecord {
  const run = recorded ?? preprocessingRecord();
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
