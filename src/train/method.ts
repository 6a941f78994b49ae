/**
 * What a training method is to the engine (docs/design.md: "a method is a plug-in to the engine,
 * not a copy of it"). A method declares the kind of batch it consumes, owns its variables
 * (network, τ, heads, EMA targets), and turns a batch into a loss with named parts; the
 * engine owns everything else: batching, optimizer, schedule, validation, checkpoints.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NamedVariable } from '../nn/params.js';
import type { Rng } from '../rng.js';
import type { AugmentOptions } from './augment.js';
import type { PairRef, ScanRef } from './data.js';

/**
 * - `pairs`: two visits of one subject, earlier and later (LSSL);
 * - `scans`: single scans (AE, VAE, the random-init floor);
 * - `views`: two augmented views of each scan (SimCLR, SupCon, SimSiam, BYOL, DirectPred).
 */
export type BatchKind = 'pairs' | 'scans' | 'views';

/** Volumes are [B, D, H, W, 1] (see nn/autoencoder.ts for the layout). */
export interface PairsBatch {
  kind: 'pairs';
  earlier: tf.Tensor5D;
  later: tf.Tensor5D;
  items: PairRef[];
}
export interface ScansBatch {
  kind: 'scans';
  x: tf.Tensor5D;
  items: ScanRef[];
}
export interface ViewsBatch {
  kind: 'views';
  view1: tf.Tensor5D;
  view2: tf.Tensor5D;
  items: ScanRef[];
}
export type Batch = PairsBatch | ScansBatch | ViewsBatch;

/** A loss and its named parts (`recon`, `cos`, `kl`, `nce`, ...), each a scalar. */
export interface LossResult {
  total: tf.Scalar;
  parts: Record<string, tf.Scalar>;
}

/** How a method's training data is augmented: with what, and whether without being asked. */
export interface MethodAugmentation {
  /** the augmentation the method's batches get when augmented (`lssl train --augment`) */
  options: AugmentOptions;
  /** true when it augments unless told not to (the contrastive methods: two views must differ) */
  byDefault: boolean;
}

export interface StepContext {
  /** true inside an optimizer step, false for validation */
  training: boolean;
  /** 0-based epoch */
  epoch: number;
  /** 0-based step within the epoch */
  step: number;
  stepsPerEpoch: number;
  /** 0-based step over the whole run, and the planned total (for momentum schedules) */
  globalStep: number;
  totalSteps: number;
  /** the step's own seeded generator (derived from seed, epoch, step; see engine.ts) */
  rng: Rng;
}

export interface Method {
  readonly name: string;
  readonly batchKind: BatchKind;
  /** names of the parts `loss` returns, in history-column order */
  readonly partNames: readonly string[];
  /** false for `none`: the engine saves the initial weights as the run and trains nothing */
  readonly trains: boolean;
  /** network input [D, H, W] */
  readonly inputShape: readonly [number, number, number];
  /** size of the embedding `encode` returns */
  readonly embeddingSize: number;
  /** its default augmentation (train/augmenter.ts builds the augmenter from it) */
  readonly augmentation: MethodAugmentation;
  /** every variable a checkpoint holds, by logical name (trainable or not) */
  variables(): NamedVariable[];
  /** the variables the optimizer updates */
  trainableVariables(): tf.Variable[];
  /** The loss of one batch. Called inside the gradient tape when ctx.training. */
  loss(batch: Batch, ctx: StepContext): LossResult;
  /** After the optimizer step: batch-norm statistics, EMA targets, predictor resets. */
  afterStep?(ctx: StepContext): void;
  /** x: [B, D, H, W, 1] → embeddings [B, embeddingSize] (inference mode). */
  encode(x: tf.Tensor5D): tf.Tensor2D;
  /** The unit direction of progression τ/‖τ‖ [L], for methods that learn one. */
  direction?(): Float32Array;
  /** JSON options that recreate this method through createMethod(name, options). */
  options(): Record<string, unknown>;
  dispose(): void;
}
