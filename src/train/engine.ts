/**
 * The one training loop every method uses (docs/design.md): seeded shuffled batches, AdamW,
 * LR ×0.1 on a validation plateau, early stopping, the best checkpoint kept, validation
 * each epoch, a checkpoint each finished epoch, resume, and clean interruption. What it
 * reads and writes in the run folder goes through run-writer.ts; the loop does no file I/O.
 *
 * Determinism: every random draw comes from a generator derived from the seed and its
 * place in the run — `shuffle:<epoch>` orders the epoch, `step:<epoch>:<step>` feeds the
 * step's augmentation and the method (e.g. VAE noise), `validation:<batch>` the validation
 * pass — so a run resumed after epoch e draws exactly what an uninterrupted run draws.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError, runtimeError } from '../errors.js';
import { createRng } from '../rng.js';
import { AdamW } from './adamw.js';
import { assembleBatch, batchTensors, itemsOf, planBatches, type VolumeAugmenter } from './batches.js';
import { overlappingSubjects, type SplitData, type TrainingData } from './data.js';
import type { HistoryRow } from './history.js';
import type { Method, StepContext } from './method.js';
import { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import type { ProgressEvent } from './progress.js';
import type { CheckpointState } from './run.js';
import { RunWriter, runConfig } from './run-writer.js';
import { initialPlateauState, stepPlateau } from './schedule.js';

export interface TrainRequest {
  method: Method;
  data: TrainingData;
  options?: TrainOptions;
  /** where the run is written; without it training happens in memory only */
  runDir?: string;
  /** continue the run in runDir from its last finished epoch */
  resume?: boolean;
  /** replace an existing run in runDir */
  force?: boolean;
  augment?: VolumeAugmenter;
  /** aborting finishes the current step and returns; the last epoch's checkpoint stays */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** backend name for config.json (default: tf.getBackend()) */
  backend?: string;
}

export interface TrainResult {
  history: HistoryRow[];
  /** number of the last finished epoch */
  epochsFinished: number;
  bestEpoch: number;
  bestLoss: number | null;
  interrupted: boolean;
  stoppedEarly: boolean;
  options: ResolvedTrainOptions;
}

/**
 * Lets pending events run (a SIGINT handler above all): the loop's awaits resolve as
 * microtasks, which never give the event loop a turn, so without this Ctrl-C was seen only
 * at the end-of-epoch file writes.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface SplitMeans {
  loss: number;
  parts: Record<string, number>;
}

function checkData(method: Method, data: TrainingData, augment: VolumeAugmenter | undefined): void {
  const [nx, ny, nz] = data.volumeShape;
  const [d, h, w] = method.inputShape;
  if (nz !== d || ny !== h || nx !== w) {
    throw inputError(
      `the cohort's volumes are ${nx}×${ny}×${nz} (x×y×z) but the network takes ${w}×${h}×${d}; preprocess with --shape to match`,
    );
  }
  const leaked = overlappingSubjects(data);
  if (leaked.length > 0)
    throw inputError(
      `subjects in both training and validation: ${leaked.slice(0, 5).join(', ')}${leaked.length > 5 ? ', …' : ''}`,
    );
  if (!method.trains) return;
  if (method.batchKind === 'pairs' && data.train.pairs.length === 0) {
    throw inputError(
      `method ${method.name} trains on pairs of visits, and the training subjects have none (each needs ≥ 2 scans)`,
    );
  }
  if (method.batchKind !== 'pairs' && data.train.scans.length === 0)
    throw inputError('the training split has no scans');
  if (method.batchKind === 'views' && !augment)
    throw inputError(`method ${method.name} trains on augmented views and needs an augmentation (--augment)`);
}

/**
 * Mean loss and parts of a split in inference mode (validation); null if aborted. View
 * methods need their augmentation here too (two views must differ); it draws from the
 * `validation:<batch>` stream, so every epoch sees the same validation views.
 */
async function evaluate(
  method: Method,
  data: TrainingData,
  split: SplitData,
  options: ResolvedTrainOptions,
  augment: VolumeAugmenter | undefined,
  signal?: AbortSignal,
): Promise<SplitMeans | null> {
  const items = itemsOf(method.batchKind, split);
  const batches = planBatches(items, options.batchSize);
  const sums = new Array(method.partNames.length + 1).fill(0);
  for (const [i, refs] of batches.entries()) {
    await yieldToEventLoop();
    if (signal?.aborted) return null;
    const rng = createRng(options.seed).fork(`validation:${i}`);
    const batch = await assembleBatch(method.batchKind, refs, data, {
      rng,
      augment: method.batchKind === 'views' ? augment : undefined,
    });
    const ctx: StepContext = {
      training: false,
      epoch: 0,
      step: i,
      stepsPerEpoch: batches.length,
      globalStep: 0,
      totalSteps: 0,
      rng,
    };
    const values = tf.tidy(() => {
      const r = method.loss(batch, ctx);
      return tf.stack([r.total, ...method.partNames.map((p) => r.parts[p])]).dataSync();
    });
    tf.dispose(batchTensors(batch));
    values.forEach((v, k) => (sums[k] += v * refs.length));
  }
  return {
    loss: sums[0] / items.length,
    parts: Object.fromEntries(method.partNames.map((p, k) => [p, sums[k + 1] / items.length])),
  };
}

/** Trains `method` on `data`; see the module comment. */
export async function train(request: TrainRequest): Promise<TrainResult> {
  const { method, data, runDir, signal, augment } = request;
  const emit = request.onProgress ?? (() => undefined);
  const options = resolveTrainOptions(request.options);
  checkData(method, data, augment);
  const config = runConfig(method, data, options, augment !== undefined, request.backend ?? tf.getBackend());
  const writer = runDir ? new RunWriter(runDir) : undefined;

  let history: HistoryRow[] = [];
  let plateau = initialPlateauState(options.learningRate);
  let startEpoch = 0;
  let stoppedEarly = false;
  const trainable = method.variables().filter((v) => v.trainable);
  const optimizer = new AdamW(trainable, { weightDecay: options.weightDecay });
  const result = (interrupted: boolean, epochsFinished: number): TrainResult => ({
    history,
    epochsFinished,
    bestEpoch: plateau.bestEpoch,
    bestLoss: plateau.best,
    interrupted,
    stoppedEarly,
    options,
  });

  try {
    if (writer) {
      const resumed = await writer.start(config, method, optimizer, { resume: request.resume, force: request.force });
      if (resumed) {
        ({ history, plateau, stoppedEarly } = resumed);
        startEpoch = resumed.epoch;
        emit({ type: 'resume', fromEpoch: startEpoch });
      }
      if (!method.trains) {
        await writer.saveUntrained(method);
        return result(false, 0);
      }
    }
    if (!method.trains || stoppedEarly) return result(false, startEpoch);

    if (itemsOf(method.batchKind, data.validation).length === 0) {
      const items = method.batchKind === 'pairs' ? 'pairs of visits' : 'scans';
      emit({
        type: 'note',
        message: `the validation subjects have no ${items}: the best epoch, the LR schedule and early stopping follow the training loss`,
      });
    }
    const trainItems = itemsOf(method.batchKind, data.train);
    const stepsPerEpoch = Math.ceil(trainItems.length / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    emit({ type: 'start', fromEpoch: startEpoch, epochs: options.epochs, stepsPerEpoch });
    const started = performance.now();
    let stepsRun = 0;
    for (let epoch = startEpoch + 1; epoch <= options.epochs; epoch++) {
      const learningRate = plateau.learningRate;
      const epochStart = performance.now();
      const batches = planBatches(trainItems, options.batchSize, createRng(options.seed).fork(`shuffle:${epoch}`));
      const sums = new Array(method.partNames.length + 1).fill(0);
      for (const [step, refs] of batches.entries()) {
        await yieldToEventLoop();
        if (signal?.aborted) {
          emit({ type: 'interrupted', epoch, step: step + 1 });
          return result(true, epoch - 1);
        }
        const rng = createRng(options.seed).fork(`step:${epoch}:${step}`);
        const batch = await assembleBatch(method.batchKind, refs, data, { augment, rng: rng.fork('augment') });
        const globalStep = (epoch - 1) * stepsPerEpoch + step;
        const ctx: StepContext = {
          training: true,
          epoch: epoch - 1,
          step,
          stepsPerEpoch,
          globalStep,
          totalSteps,
          rng: rng.fork('method'),
        };
        let kept: tf.Tensor[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const r = method.loss(batch, ctx);
          kept = method.partNames.map((p) => tf.keep(r.parts[p]));
          return r.total;
        }, method.trainableVariables());
        const values = tf.tidy(() => tf.stack([value, ...kept]).dataSync());
        tf.dispose([value, ...kept, ...batchTensors(batch)]);
        if (!values.every(Number.isFinite)) {
          tf.dispose(Object.values(grads));
          throw runtimeError(`the loss became ${values[0]} in epoch ${epoch}, step ${step + 1}; try a lower --lr`);
        }
        optimizer.apply(grads, learningRate);
        tf.dispose(Object.values(grads));
        method.afterStep?.(ctx);
        values.forEach((v, k) => (sums[k] += v * refs.length));
        stepsRun++;
        const elapsedSeconds = (performance.now() - started) / 1000;
        emit({
          type: 'step',
          epoch,
          epochs: options.epochs,
          step: step + 1,
          steps: batches.length,
          loss: values[0],
          parts: Object.fromEntries(method.partNames.map((p, k) => [p, values[k + 1]])),
          learningRate,
          elapsedSeconds,
          etaSeconds: (elapsedSeconds / stepsRun) * (totalSteps - globalStep - 1),
        });
      }
      const trainRow: HistoryRow = {
        epoch,
        split: 'train',
        loss: sums[0] / trainItems.length,
        parts: Object.fromEntries(method.partNames.map((p, k) => [p, sums[k + 1] / trainItems.length])),
        learningRate,
        seconds: (performance.now() - epochStart) / 1000,
      };
      await yieldToEventLoop();
      if (signal?.aborted) {
        // the epoch's steps are done but not validated: it is not kept, and no validation runs
        emit({ type: 'interrupted', epoch, step: batches.length });
        return result(true, epoch - 1);
      }
      const rows = [trainRow];
      let monitored = trainRow.loss;
      if (itemsOf(method.batchKind, data.validation).length > 0) {
        const validationStart = performance.now();
        const means = await evaluate(method, data, data.validation, options, augment, signal);
        if (!means) {
          emit({ type: 'interrupted', epoch, step: batches.length });
          return result(true, epoch - 1);
        }
        rows.push({
          epoch,
          split: 'validation',
          ...means,
          learningRate,
          seconds: (performance.now() - validationStart) / 1000,
        });
        monitored = means.loss;
      }
      const decision = stepPlateau(plateau, monitored, epoch, options.plateau);
      plateau = decision.state;
      stoppedEarly = decision.stop;
      history = [...history, ...rows];
      if (writer) {
        const state: CheckpointState = { epoch, plateau, optimizerStep: optimizer.step, history, stoppedEarly };
        await writer.saveEpoch(method, optimizer, state, decision.improved ? { loss: monitored } : undefined);
      }
      emit({ type: 'epoch', epoch, epochs: options.epochs, rows, improved: decision.improved, stop: decision.stop });
      if (decision.stop) return result(false, epoch);
    }
    return result(false, options.epochs);
  } finally {
    optimizer.dispose();
  }
}
