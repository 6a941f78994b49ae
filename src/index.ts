/** lssl's public API: named exports only. */
export { LsslError } from './errors.js';
export type { Volume, Affine } from './io/volume.js';
export { readNifti, writeNifti, niftiToVolume } from './io/nifti.js';
export type { NiftiImage, NiftiDatatype, WritableImage, WriteNiftiOptions } from './io/nifti.js';
export {
  preprocess,
  canonicalPreprocessOptions,
  toCanonical,
  ioOrientation,
  orientationCode,
  axcodesToOrientation,
  orientationTransform,
  applyOrientation,
  invOrntAff,
  resampleToShape,
  resampleToSpacing,
  cropOrPad,
  foregroundMask,
  otsuThreshold,
  normalize,
} from './io/transforms.js';
export type { PreprocessOptions, PreprocessSettings, Orientation, Interpolation, MaskMethod, NormalizeMethod } from './io/transforms.js';
export { loadCohort } from './io/cohort.js';
export type { Cohort, Subject, Scan, CohortWarning, CovariateValue, LoadCohortOptions, RunChoice } from './io/cohort.js';
export { summarizeCohort } from './io/cohort-summary.js';
export type { CohortSummary, CovariateSummary } from './io/cohort-summary.js';
export { makePairs, subjectFolds, trainValidationSplit } from './io/pairs.js';
export type { Pair, PairOptions, Fold, FoldOptions, SplitOptions } from './io/pairs.js';
export { preprocessCohort, loadPreprocessed, readCachedVolume, defaultCacheDir, parseShard, shardScans, niftiPreprocessor } from './io/cache.js';
export type { CacheOptions, CacheReport, CacheProgress, CacheFailure, Shard, PreprocessCohortOptions, CacheDtype, CacheEntryMeta, ScanPreprocessor } from './io/cache.js';
export { simulateCohort } from './sim/simulate.js';
export type { SimulateOptions, SimulationReport, GroundTruthRow } from './sim/simulate.js';
export { initBackend, activeBackend, BACKENDS } from './backend/select.js';
export type { BackendName, BackendInfo } from './backend/select.js';
