/** lssl's public API: named exports only. */
export { LsslError } from './errors.js';
export type { Volume, Affine, SourceVolume, VoxelValues } from './io/volume.js';
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
export type {
  PreprocessOptions,
  PreprocessSettings,
  Orientation,
  Interpolation,
  MaskMethod,
  NormalizeMethod,
} from './io/transforms.js';
export { loadCohort } from './io/cohort.js';
export type {
  Cohort,
  Subject,
  Scan,
  CohortWarning,
  CovariateValue,
  LoadCohortOptions,
  RunChoice,
} from './io/cohort.js';
export { summarizeCohort } from './io/cohort-summary.js';
export type { CohortSummary, CovariateSummary } from './io/cohort-summary.js';
export { makePairs } from './io/pairs.js';
export type { Pair, PairOptions } from './io/pairs.js';
export { subjectFolds, trainValidationSplit } from './io/splits.js';
export type { Fold, FoldOptions, SplitOptions } from './io/splits.js';
export {
  preprocessCohort,
  loadPreprocessed,
  readCachedVolume,
  defaultCacheDir,
  parseShard,
  shardScans,
  niftiPreprocessor,
  subjectReferences,
  withSubjectReferences,
} from './io/cache.js';
export { registerVolumes, registerFiles, estimateTransform, resampleOnto } from './io/register.js';
export type { RegisterOptions, Registration, TransformEstimate, TransformKind, Grid } from './io/register.js';
export { checkImages, checkImage, readNiftiHeader } from './io/image-check.js';
export type { ImageCheck, ImageCheckReport } from './io/image-check.js';
export type {
  CacheOptions,
  CacheReport,
  CacheProgress,
  CacheFailure,
  Shard,
  PreprocessCohortOptions,
  CacheDtype,
  CacheEntryMeta,
  ScanPreprocessor,
  CacheRegistration,
} from './io/cache.js';
export { simulateCohort } from './sim/simulate.js';
export type { SimulateOptions, SimulationReport, GroundTruthRow } from './sim/simulate.js';
export { simulateTemplateCohort } from './sim/template-simulate.js';
export type { TemplateSimulateOptions, TemplateSimulationReport } from './sim/template-simulate.js';
export { initBackend, activeBackend, BACKENDS } from './backend/select.js';
export type { BackendName, BackendInfo } from './backend/select.js';
export { ntXentLoss } from './contrastive/losses/ntxent.js';
export { supConLoss } from './contrastive/losses/supcon.js';
export type { SupConOptions } from './contrastive/losses/supcon.js';
export { simSiamLoss } from './contrastive/losses/simsiam.js';
export { byolLoss, byolSymmetricLoss } from './contrastive/losses/byol.js';
export { emaUpdate, cosineMomentum } from './train/momentum.js';
export { MomentumTarget } from './train/momentum-method.js';
export { MlpHead, MLP_HEAD_PRESETS } from './nn/mlp-head.js';
export type { MlpHeadSpec, MlpHeadPreset } from './nn/mlp-head.js';
export type { MethodAugmentation } from './train/method.js';
export { directPredPredictor, directPredGains, updateCorrelation } from './contrastive/losses/directpred.js';
export type { DirectPredOptions } from './contrastive/losses/directpred.js';
export { symmetricEigen } from './math/eigen.js';
export { jacobiEigen } from './math/jacobi-eigen.js';
export type { SymmetricEigen } from './math/eigen.js';
export { stopGradient } from './nn/stop-gradient.js';
export {
  DEFAULT_VIEW_AUGMENTATION,
  augmentSubject,
  augmentViews,
  drawSpatial,
  applySpatial,
  parseSpatialOptions,
  identitySpatialParams,
  drawIntensity,
  applyIntensity,
  parseIntensityOptions,
  identityIntensityParams,
  drawCoordinateMask,
  applyCoordinateMask,
  gaussianBlur,
  biasField,
} from './train/augment.js';
export type {
  AugmentOptions,
  SubjectAugmentation,
  SpatialOptions,
  SpatialConfig,
  SpatialParams,
  IntensityOptions,
  IntensityConfig,
  IntensityParams,
  CoordinateMaskOptions,
  CoordinateMaskParams,
} from './train/augment.js';
export {
  confusionMatrix,
  perClassRecall,
  balancedAccuracy,
  sensitivity,
  specificity,
  rocAuc,
  binaryRocAuc,
  midranks,
  mae,
  pearsonR,
  r2,
  brainAgeGap,
} from './eval/metrics.js';
export {
  fitRidge,
  fitRidgePath,
  ridgeConjugateGradient,
  rowSpaceProjector,
  fitStandardizer,
  applyStandardizer,
  matrixFromRows,
  predictLinear,
} from './math/linear.js';
export type { Matrix, Standardizer, LinearModel, RowSpaceProjector } from './math/linear.js';
export { fitLogistic, predictProba } from './eval/probe/logistic.js';
export type { LogisticModel, LogisticOptions } from './eval/probe/logistic.js';
export { minimizeLbfgs } from './math/lbfgs.js';
export { readEmbeddingsCsv, parseEmbeddingsCsv } from './eval/embeddings-csv.js';
export type { EmbeddingsTable, EmbeddingRow } from './eval/embeddings-csv.js';
export { embeddingsTable } from './eval/embeddings-table.js';
export type { EmbeddedScan, EmbeddingsTableOptions } from './eval/embeddings-table.js';
export { probe, choosePositive } from './eval/probe/probe.js';
export type { ProbeOptions, ProbeResult, ClassProbeResult, NumericProbeResult } from './eval/probe/probe.js';
export { probeDesign, consecutivePairs } from './eval/probe/design.js';
export type { ProbeFeatures } from './eval/probe/design.js';
export { probeResultCsv } from './eval/probe/csv.js';
export { brainAgeAxis } from './eval/ageaxis.js';
export type { AgeAxisOptions, AgeAxisResult, LabelSummary, RateTest } from './eval/ageaxis.js';
export { welchTTest, studentTCdf, studentTTwoSidedP, regularizedIncompleteBeta, logGamma } from './math/stats.js';
export type { WelchTTest } from './math/stats.js';
export { writeReport, buildReport } from './eval/report/report.js';
export type { ReportOptions, ReportResult } from './eval/report/report.js';
export { compareEmbeddings } from './eval/compare/compare-embeddings.js';
export type { EmbeddingsRun, EmbeddingsComparison } from './eval/compare/compare-embeddings.js';
export { compareMethods } from './eval/compare/compare.js';
export type {
  Comparison,
  CompareOptions,
  CompareMetric,
  MethodMetric,
  MethodDifference,
} from './eval/compare/compare.js';
export { verdictRows, formatP } from './eval/compare/verdict.js';
export type { VerdictRow, VerdictOptions } from './eval/compare/verdict.js';
export { compareCsv } from './eval/compare/compare-csv.js';
export { progressionRates } from './eval/compare/progression.js';
export type { ProgressionRates, SubjectRate, GroupRate } from './eval/compare/progression.js';
export { loadCompareInputs } from './eval/compare/compare-inputs.js';
export { runDemo, demoMethods, DEMO_METHODS, ALL_DEMO_METHODS } from './demo.js';
export { decoderSlices, cohortSlices, decodeScan } from './eval/report/decoder.js';
export type { DecoderScan, CohortSlicesOptions } from './eval/report/decoder.js';
export { finetune } from './eval/finetune/finetune.js';
export type { FinetuneOptions, FinetuneResult, FinetuneEpoch } from './eval/finetune/finetune.js';
export { FinetuneMethod } from './eval/finetune/method.js';
export { finetuneHistoryCsv, finetuneCsvName } from './eval/finetune/csv.js';
export { Autoencoder, createAutoencoder, volumesToTensor, volumeToNetworkShape } from './nn/autoencoder.js';
export { resolveAutoencoderOptions, featureSize, latentSizeOf } from './nn/options.js';
export type { AutoencoderOptions, AutoencoderConfig, Norm, LatentActivation } from './nn/options.js';
export { upsample3d } from './nn/upsample.js';
export type { NamedVariable } from './nn/params.js';
export { meanSquaredError } from './lssl/losses/reconstruction.js';
export { cosineDirectionLoss, projectOnDirection } from './lssl/losses/direction.js';
export { gaussianKl, reparameterize } from './lssl/losses/kl.js';
export { LsslMethod } from './lssl/lssl.js';
export type { LsslMethodOptions } from './lssl/lssl.js';
export { AeMethod } from './lssl/ae.js';
export type { AeMethodOptions } from './lssl/ae.js';
export { VaeMethod } from './lssl/vae.js';
export type { VaeMethodOptions } from './lssl/vae.js';
export { NoneMethod } from './lssl/none.js';
export { SimClrMethod } from './contrastive/simclr.js';
export { SupConMethod } from './contrastive/supcon.js';
export { SimSiamMethod } from './contrastive/simsiam.js';
export { ByolMethod } from './contrastive/byol.js';
export { DirectPredMethod } from './contrastive/directpred.js';
export { CONTRASTIVE_METHOD_FACTORIES } from './methods.js';
export { contrastiveNetwork } from './contrastive/view-method.js';
export { dropUnlabelled, hasLabel } from './contrastive/labels.js';
export type { ViewMethodOptions, Positives } from './contrastive/view-method.js';
export type { SimClrMethodOptions } from './contrastive/simclr.js';
export type { SupConMethodOptions } from './contrastive/supcon.js';
export type { SimSiamMethodOptions } from './contrastive/simsiam.js';
export type { ByolMethodOptions } from './contrastive/byol.js';
export type { DirectPredMethodOptions } from './contrastive/directpred.js';
export { createMethod, METHOD_NAMES, METHOD_FACTORIES, METHOD_OPTION_KEYS } from './methods.js';
export type { MethodName, MethodOptions } from './methods.js';
export type {
  Method,
  BatchKind,
  Batch,
  PairsBatch,
  ScansBatch,
  ViewsBatch,
  LossResult,
  StepContext,
} from './train/method.js';
export { inMemoryData } from './train/data.js';
export type { TrainingData, SplitData, ScanRef, PairRef } from './train/data.js';
export type { VolumeAugmenter } from './train/batches.js';
export { train } from './train/engine.js';
export type { TrainRequest, TrainResult } from './train/engine.js';
export { resolveTrainOptions } from './train/options.js';
export type { TrainOptions, ResolvedTrainOptions } from './train/options.js';
export { AdamW } from './train/adamw.js';
export { stepPlateau, initialPlateauState, DEFAULT_PLATEAU } from './train/schedule.js';
export type { PlateauOptions, PlateauState } from './train/schedule.js';
export { createProgressPrinter } from './train/progress.js';
export type { ProgressEvent } from './train/progress.js';
export type { HistoryRow } from './train/history.js';
export { writeWeights, readWeights } from './train/weights.js';
export { readRunConfig, prepareRunDirectory, readLatestCheckpoint } from './train/run.js';
export type { RunConfig, CheckpointState } from './train/run.js';
export { openRun, methodForRun, resumePlan } from './runs.js';
export type { TrainedRun, ResumePlan } from './runs.js';
export { interruptOnSigint } from './train/interrupt.js';
export { runIdentifiabilityLab } from './labs/identifiability.js';
export type { IdentifiabilityOptions, IdentifiabilityResult } from './labs/identifiability.js';
export { runDecouplingLab } from './labs/decoupling.js';
export type { DecouplingOptions, DecouplingResult } from './labs/decoupling.js';
export { runHltmLab } from './labs/hltm.js';
export type { HltmOptions, HltmResult, HltmLevel } from './labs/hltm.js';
export { sampleVonMisesFisher, sampleUniformSphere } from './labs/vmf.js';
export { minCostAssignment, maxWeightAssignment } from './labs/hungarian.js';
export type { Assignment } from './labs/hungarian.js';
export { conv3dSame, maxPool3dBy2 } from './nn/ops.js';
export { cohortTrainingData } from './train/cohort-data.js';
export type { CohortDataOptions } from './train/cohort-data.js';
export { volumeAugmenter, LSSL_PAIR_AUGMENTATION } from './train/augmenter.js';
export { embedCohort, embeddingsToCsv } from './eval/embed.js';
export type { EmbeddingRecord, EmbedOptions } from './eval/embed.js';
