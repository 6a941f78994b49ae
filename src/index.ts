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
export { simulateTemplateCohort } from './sim/template-simulate.js';
export type { TemplateSimulateOptions, TemplateSimulationReport } from './sim/template-simulate.js';
export { initBackend, activeBackend, BACKENDS } from './backend/select.js';
export type { BackendName, BackendInfo } from './backend/select.js';
export { ntXentLoss } from './contrastive/ntxent.js';
export { supConLoss } from './contrastive/supcon.js';
export type { SupConOptions } from './contrastive/supcon.js';
export { simSiamLoss } from './contrastive/simsiam.js';
export { byolLoss, byolSymmetricLoss } from './contrastive/byol.js';
export { emaUpdate, cosineMomentum } from './contrastive/momentum.js';
export { directPredPredictor, directPredGains, updateCorrelation } from './contrastive/directpred.js';
export type { DirectPredOptions } from './contrastive/directpred.js';
export { symmetricEigen } from './contrastive/eigen.js';
export { jacobiEigen } from './contrastive/jacobi-eigen.js';
export type { SymmetricEigen } from './contrastive/eigen.js';
export { stopGradient } from './contrastive/stop-gradient.js';
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
export { confusionMatrix, perClassRecall, balancedAccuracy, sensitivity, specificity, rocAuc, binaryRocAuc, midranks, mae, pearsonR, r2, brainAgeGap } from './eval/metrics.js';
export { fitRidge, fitRidgePath, ridgeConjugateGradient, rowSpaceProjector, fitStandardizer, applyStandardizer, matrixFromRows, predictLinear } from './eval/linear.js';
export type { Matrix, Standardizer, LinearModel, RowSpaceProjector } from './eval/linear.js';
export { fitLogistic, predictProba } from './eval/logistic.js';
export type { LogisticModel, LogisticOptions } from './eval/logistic.js';
export { minimizeLbfgs } from './eval/lbfgs.js';
export { readEmbeddingsCsv, parseEmbeddingsCsv } from './eval/embeddings-csv.js';
export type { EmbeddingsTable, EmbeddingRow } from './eval/embeddings-csv.js';
export { probe, choosePositive } from './eval/probe.js';
export type { ProbeOptions, ProbeResult, ClassProbeResult, NumericProbeResult } from './eval/probe.js';
export { probeDesign, consecutivePairs } from './eval/probe-design.js';
export type { ProbeFeatures } from './eval/probe-design.js';
export { probeResultCsv } from './eval/probe-csv.js';
export { brainAgeAxis } from './eval/ageaxis.js';
export type { AgeAxisOptions, AgeAxisResult, LabelSummary, RateTest } from './eval/ageaxis.js';
export { welchTTest, studentTCdf, studentTTwoSidedP, regularizedIncompleteBeta, logGamma } from './eval/stats.js';
export type { WelchTTest } from './eval/stats.js';
export { writeReport, buildReport } from './eval/report.js';
export type { ReportOptions, ReportResult } from './eval/report.js';
export { decoderSlices, cohortSlices, decodeScan } from './eval/report-decoder.js';
export type { DecoderScan, CohortSlicesOptions } from './eval/report-decoder.js';
export { finetune } from './eval/finetune.js';
export type { FinetuneOptions, FinetuneResult, FinetuneEpoch } from './eval/finetune.js';
export { FinetuneMethod } from './eval/finetune-method.js';
export { finetuneHistoryCsv, finetuneCsvName } from './eval/finetune-csv.js';
export { Autoencoder, createAutoencoder, volumesToTensor, volumeToNetworkShape } from './nn/autoencoder.js';
export { resolveAutoencoderOptions, featureSize, latentSizeOf } from './nn/options.js';
export type { AutoencoderOptions, AutoencoderConfig, Norm, LatentActivation } from './nn/options.js';
export { upsample3d } from './nn/upsample.js';
export type { NamedVariable } from './nn/params.js';
export { meanSquaredError, cosineDirectionLoss, gaussianKl, reparameterize, projectOnDirection } from './lssl/losses.js';
export { LsslMethod } from './lssl/lssl.js';
export type { LsslMethodOptions } from './lssl/lssl.js';
export { AeMethod } from './lssl/ae.js';
export type { AeMethodOptions } from './lssl/ae.js';
export { VaeMethod } from './lssl/vae.js';
export type { VaeMethodOptions } from './lssl/vae.js';
export { NoneMethod } from './lssl/none.js';
export { SimClrMethod } from './contrastive/simclr-method.js';
export { SupConMethod } from './contrastive/supcon-method.js';
export { SimSiamMethod } from './contrastive/simsiam-method.js';
export { ByolMethod } from './contrastive/byol-method.js';
export { DirectPredMethod } from './contrastive/directpred-method.js';
export { CONTRASTIVE_METHOD_FACTORIES } from './contrastive/methods.js';
export { contrastiveNetwork } from './contrastive/view-method.js';
export { dropUnlabelled, hasLabel } from './contrastive/labels.js';
export type { ViewMethodOptions, Positives } from './contrastive/view-method.js';
export type { SimClrMethodOptions } from './contrastive/simclr-method.js';
export type { SupConMethodOptions } from './contrastive/supcon-method.js';
export type { SimSiamMethodOptions } from './contrastive/simsiam-method.js';
export type { ByolMethodOptions } from './contrastive/byol-method.js';
export type { DirectPredMethodOptions } from './contrastive/directpred-method.js';
export { createMethod, METHOD_NAMES, METHOD_FACTORIES } from './train/registry.js';
export type { MethodName, MethodOptions } from './train/registry.js';
export type { Method, BatchKind, Batch, PairsBatch, ScansBatch, ViewsBatch, LossResult, StepContext } from './train/method.js';
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
export { openRun, methodForRun } from './train/open-run.js';
export type { TrainedRun } from './train/open-run.js';
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
export { volumeAugmenter, defaultAugmenter, LSSL_PAIR_AUGMENTATION } from './train/augmenter.js';
export { embedCohort, embeddingsToCsv } from './eval/embed.js';
export type { EmbeddingRecord, EmbedOptions } from './eval/embed.js';
