/**
 * `lssl finetune`: the encoder of a pretraining run plus a small head, trained end to end
 * per subject fold, with the validation and test metrics of every epoch — the convergence
 * comparison of the LSSL paper (Zhao et al., MedIA 71:102051, 2021, §4.3, Fig. 6: LSSL
 * pretraining reaches a given balanced accuracy in fewer fine-tuning epochs than an
 * autoencoder or no pretraining). A `none` run gives the random-initialisation floor.
 *
 * Protocol, per fold of io/pairs.ts subjectFolds (stratified by class): the training
 * subjects minus a validation split train the network through the engine (train/engine.ts,
 * the same loop as pretraining, with FinetuneMethod as the plug-in); after every epoch the
 * validation and the held-out test scans are predicted. The fold's reported result is the
 * test metric at the epoch with the lowest validation loss (model selection never sees the
 * test subjects). Early stopping on the validation loss is off unless `patience` is given,
 * so every fold contributes a full curve.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inputError, runtimeError } from '../../errors.js';
import { loadPreprocessed, type CacheOptions } from '../../io/cache.js';
import type { Cohort, Scan } from '../../io/cohort.js';
import { volumesToTensor } from '../../nn/autoencoder.js';
import { train } from '../../train/engine.js';
import type { ProgressEvent } from '../../train/progress.js';
import { createMethod } from '../../methods.js';
import { assignVariables, readRunConfig } from '../../train/run.js';
import { readWeights } from '../../train/weights.js';
import { finetuneFolds, foldSplit, resolveTarget, scanKey, type LabelledScan, type ResolvedTarget } from './data.js';
import { FinetuneMethod, type FinetuneTarget } from './method.js';
import {
  classMetrics,
  convergenceSummary,
  numericMetrics,
  type ConvergenceSummary,
  type SplitMetrics,
} from './metrics.js';
import type { TargetKind } from '../probe/probe.js';

export interface FinetuneOptions {
  /** column to predict: a covariate such as `diagnosis`, or `age` */
  target: string;
  kind?: TargetKind | 'auto';
  /** folds by subject (default 5) */
  folds?: number;
  /** epochs per fold (default 15) */
  epochs?: number;
  /** default 1e-3 */
  learningRate?: number;
  /** scans per batch (default 8) */
  batchSize?: number;
  /** seed of the folds, the head's initialisation and the batch order (default 0) */
  seed?: number;
  /** share of each fold's training subjects held out for model selection (default 0.2) */
  validationFraction?: number;
  /** stop a fold after this many epochs without a lower validation loss (default: never) */
  patience?: number;
  /** hidden width of the head (default 64) */
  hidden?: number;
  /** the balanced accuracy (classes, default 0.7) or MAE (numeric, default none) to reach */
  threshold?: number;
  cacheDir?: string;
  cache?: Omit<CacheOptions, 'shape' | 'cacheDir'>;
  /** voxels of a scan (x-fastest, the run's shape); default: the preprocessed cache */
  loadVolume?: (scan: Scan) => Float32Array | Promise<Float32Array>;
  /** the engine's events (steps, epochs) of fold `fold` (1-based) */
  onProgress?: (fold: number, folds: number, event: ProgressEvent) => void;
  /** each history row as soon as its epoch is scored */
  onEpoch?: (row: FinetuneEpoch, folds: number) => void;
  signal?: AbortSignal;
}

/** One fold × epoch: the training loss and the validation and test metrics after the epoch. */
export interface FinetuneEpoch {
  /** 1-based */
  fold: number;
  epoch: number;
  train_loss: number;
  learning_rate: number;
  seconds: number;
  validation: SplitMetrics;
  test: SplitMetrics;
}

export interface FinetuneResult {
  target: string;
  kind: TargetKind;
  classes: string[];
  run: string;
  method: string;
  folds: number;
  epochs: number;
  seed: number;
  n_scans: number;
  n_subjects: number;
  n_missing: number;
  /** how the epoch whose test metrics are reported is chosen */
  selection: 'lowest validation loss';
  /** mean over folds of the test metric at the selected epoch */
  balanced_accuracy?: number | null;
  auc?: number | null;
  mae?: number | null;
  r?: number | null;
  per_fold: Record<string, (number | null)[]>;
  convergence: { metric: string; threshold: number | null; validation: ConvergenceSummary; test: ConvergenceSummary };
  history: FinetuneEpoch[];
}

const mean = (values: (number | null)[]): number | null => {
  const d = values.filter((v): v is number => v !== null);
  return d.length === 0 ? null : d.reduce((s, v) => s + v, 0) / d.length;
};

/** Every labelled scan's voxels, loaded once for all folds and checked against the run's shape. */
async function loadVolumes(
  scans: readonly LabelledScan[],
  shape: [number, number, number],
  options: FinetuneOptions,
): Promise<Map<string, Float32Array>> {
  const size = shape[0] * shape[1] * shape[2];
  const load =
    options.loadVolume ??
    (async (scan: Scan) =>
      (await loadPreprocessed(scan, { ...options.cache, cacheDir: options.cacheDir, shape: [...shape] })).data);
  const volumes = new Map<string, Float32Array>();
  for (const { scan } of scans) {
    const data = await load(scan);
    if (data.length !== size)
      throw inputError(
        `the scan has ${data.length} voxels, the run was trained at ${shape.join('×')} = ${size}`,
        scan.path,
      );
    volumes.set(scanKey(scan), data);
  }
  return volumes;
}

function headTarget(resolved: ResolvedTarget, trainLabels: number[]): FinetuneTarget {
  if (resolved.kind === 'class') return { kind: 'class', classes: resolved.classes };
  const m = trainLabels.reduce((s, v) => s + v, 0) / trainLabels.length;
  const sd = Math.sqrt(trainLabels.reduce((s, v) => s + (v - m) ** 2, 0) / trainLabels.length);
  return { kind: 'numeric', mean: m, sd: sd > 0 ? sd : 1 };
}

/** Predicts `refs` in batches and scores them; no tensors are left behind. */
function scoreSplit(
  method: FinetuneMethod,
  refs: readonly LabelledScan['ref'][],
  volumes: ReadonlyMap<string, Float32Array>,
  shape: [number, number, number],
  batchSize: number,
): SplitMetrics {
  const predictions: Float32Array[] = [];
  for (let i = 0; i < refs.length; i += batchSize) {
    const x = volumesToTensor(
      refs.slice(i, i + batchSize).map((r) => volumes.get(r.key)!),
      shape,
    );
    try {
      predictions.push(...method.predict(x));
    } finally {
      x.dispose();
    }
  }
  const target = method.target;
  if (target.kind === 'class')
    return classMetrics(
      refs.map((r) => method.classOf(r)),
      predictions,
    );
  return numericMetrics(
    refs.map((r) => Number(r.label)),
    predictions.map((p) => p[0]),
    target.sd,
  );
}

/** Fine-tunes the encoder of the run in `runDir` on `cohort`; see the module comment. */
export async function finetune(runDir: string, cohort: Cohort, options: FinetuneOptions): Promise<FinetuneResult> {
  const k = options.folds ?? 5;
  const epochs = options.epochs ?? 15;
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 8;
  const resolved = resolveTarget(cohort, options.target, options.kind ?? 'auto');
  const folds = finetuneFolds(resolved, k, { seed, validationFraction: options.validationFraction });
  const config = await readRunConfig(runDir);
  const modelPath = join(runDir, 'model.json');
  if (!(await fs.stat(modelPath).catch(() => null)))
    throw inputError('the run has no model yet (no finished epoch); train it or --resume it', modelPath);
  const shape = config.cohort.volumeShape;
  const isClass = resolved.kind === 'class';
  const threshold = options.threshold ?? (isClass ? 0.7 : null);
  const volumes = await loadVolumes(resolved.scans, shape, options);
  const loadVolume = (ref: { key: string }) => volumes.get(ref.key)!;
  const { tensors } = await readWeights(runDir);
  const history: FinetuneEpoch[] = [];
  const perFold: Record<string, (number | null)[]> = {
    best_epoch: [],
    epochs_run: [],
    n_train: [],
    n_validation: [],
    n_test: [],
  };
  const metricNames = isClass ? ['balanced_accuracy', 'auc'] : ['mae', 'r'];
  for (const name of metricNames) perFold[name] = [];
  try {
    for (const fold of folds) {
      const split = foldSplit(resolved, fold, shape, loadVolume);
      const base = createMethod(config.method, config.methodOptions);
      try {
        assignVariables(base, tensors, modelPath);
      } catch (error) {
        base.dispose();
        throw error;
      }
      const method = new FinetuneMethod(
        base,
        headTarget(
          resolved,
          split.data.train.scans.map((s) => Number(s.label)),
        ),
        { hidden: options.hidden, seed },
      );
      const rows: FinetuneEpoch[] = [];
      try {
        const result = await train({
          method,
          data: split.data,
          options: {
            epochs,
            batchSize,
            learningRate: options.learningRate,
            seed,
            plateau: { earlyStopPatience: options.patience ?? epochs + 1 },
          },
          signal: options.signal,
          onProgress: (event) => {
            options.onProgress?.(fold.index + 1, folds.length, event);
            if (event.type !== 'epoch') return;
            const trainRow = event.rows.find((r) => r.split === 'train')!;
            const validationRow = event.rows.find((r) => r.split === 'validation');
            const validation = scoreSplit(method, split.validation, volumes, shape, batchSize);
            const row: FinetuneEpoch = {
              fold: fold.index + 1,
              epoch: event.epoch,
              train_loss: trainRow.loss,
              learning_rate: trainRow.learningRate,
              seconds: trainRow.seconds + (validationRow?.seconds ?? 0),
              validation: { ...validation, loss: validationRow?.loss ?? validation.loss },
              test: scoreSplit(method, split.test, volumes, shape, batchSize),
            };
            rows.push(row);
            options.onEpoch?.(row, folds.length);
          },
        });
        if (result.interrupted) throw runtimeError(`fine-tuning was interrupted in fold ${fold.index + 1}`);
        const best = rows.find((r) => r.epoch === result.bestEpoch) ?? rows[rows.length - 1];
        perFold.best_epoch.push(best.epoch);
        perFold.epochs_run.push(rows.length);
        perFold.n_train.push(split.data.train.scans.length);
        perFold.n_validation.push(split.validation.length);
        perFold.n_test.push(split.test.length);
        for (const name of metricNames)
          perFold[name].push((best.test[name as keyof SplitMetrics] as number | null | undefined) ?? null);
        history.push(...rows);
      } finally {
        method.dispose();
      }
    }
  } finally {
    tf.dispose([...tensors.values()]);
  }
  const curveMetric = isClass ? 'balanced_accuracy' : 'mae';
  const curves = (part: 'validation' | 'test') =>
    folds.map((f) =>
      history
        .filter((h) => h.fold === f.index + 1)
        .map((h) => (h[part][curveMetric] as number | null | undefined) ?? null),
    );
  return {
    target: resolved.target,
    kind: resolved.kind,
    classes: resolved.classes,
    run: runDir,
    method: config.method,
    folds: folds.length,
    epochs,
    seed,
    n_scans: resolved.scans.length,
    n_subjects: new Set(resolved.scans.map((s) => s.ref.subject)).size,
    n_missing: resolved.missing,
    selection: 'lowest validation loss',
    ...Object.fromEntries(metricNames.map((name) => [name, mean(perFold[name])])),
    per_fold: perFold,
    convergence: {
      metric: curveMetric,
      threshold,
      validation: convergenceSummary(curves('validation'), threshold, isClass),
      test: convergenceSummary(curves('test'), threshold, isClass),
    },
    history,
  };
}
