/**
 * One two-layer MLP head, linear → [batch norm] → ReLU → linear → [batch norm without affine
 * parameters], used by every method that puts a head on the encoder: SimCLR's projector g(·)
 * (Chen et al. 2020, §2.1), SimSiam's and BYOL's projector and predictor with batch norm after
 * the hidden layer (Chen & He 2021, §4; Grill et al. 2020, §3.3), SimSiam's projector output
 * norm (the authors' `BatchNorm1d(dim, affine=False)`), and the fine-tuning head of the LSSL
 * paper's downstream tasks (Linear(z, 64) → ReLU → Linear(64, K)).
 *
 * Its spec says everything about its layout (nothing is guessed from parameter names). The
 * parameters live in the owner's ParameterSet under `name/hidden`, `name/norm`, `name/output`
 * and `name/outputNorm` (moving statistics only), so checkpoints keep their names; initial
 * values are drawn per parameter name from the seed (nn/init.ts), independent of order.
 */
import * as tf from '@tensorflow/tfjs';
import { he, type WeightInit } from './init.js';
import { batchNormInference, batchNormTraining } from '../backend/kernels/index.js';
import { addDense, BATCH_NORM_EPSILON, dense, queueMovingAverages, type PendingAssign } from './layers.js';
import type { ParameterSet } from './params.js';

export interface MlpHeadSpec {
  input: number;
  hidden: number;
  output: number;
  /** batch norm after the hidden layer (SimSiam, BYOL) */
  batchNorm: boolean;
  /** batch norm without affine parameters on the output (SimSiam's projector) */
  outputNorm?: boolean;
  /** initialisation of the output layer (default He normal, gain 2) */
  outputInit?: WeightInit;
}

/** A preset: the layout of a head apart from its sizes. */
export type MlpHeadPreset = Omit<MlpHeadSpec, 'input' | 'hidden' | 'output'>;

/** The layout of each method's heads, apart from their sizes. */
export const MLP_HEAD_PRESETS = {
  /** SimCLR and SupCon: linear → batch norm → ReLU → linear (lightly's SimCLRProjectionHead, the authors' code) */
  simclrProjector: { batchNorm: true },
  /** SimSiam: batch norm in the hidden layer and on the output (Chen & He 2021, §4) */
  simsiamProjector: { batchNorm: true, outputNorm: true },
  simsiamPredictor: { batchNorm: true },
  /** BYOL and DirectPred's target: batch norm in the hidden layer (Grill et al. 2020, §3.3) */
  byolProjector: { batchNorm: true },
  byolPredictor: { batchNorm: true },
  /** fine-tuning: Linear(z, 64) → ReLU → Linear(64, K), output initialised He with gain 1 */
  finetune: { batchNorm: false, outputInit: he(1) },
} as const satisfies Record<string, MlpHeadPreset>;

export class MlpHead {
  /** moving statistics of a training pass, assigned after the optimizer step */
  private readonly pending: PendingAssign[] = [];

  /** Adds the head's parameters to `params` under `name/…`, drawn from `seed`. */
  constructor(
    readonly params: ParameterSet,
    readonly name: string,
    readonly spec: MlpHeadSpec,
    seed: number,
  ) {
    addDense(params, `${name}/hidden`, spec.input, spec.hidden, seed);
    if (spec.batchNorm) {
      params.add(`${name}/norm/gamma`, [spec.hidden], new Float32Array(spec.hidden).fill(1));
      params.add(`${name}/norm/beta`, [spec.hidden], new Float32Array(spec.hidden));
      params.add(`${name}/norm/movingMean`, [spec.hidden], new Float32Array(spec.hidden), false);
      params.add(`${name}/norm/movingVariance`, [spec.hidden], new Float32Array(spec.hidden).fill(1), false);
    }
    addDense(params, `${name}/output`, spec.hidden, spec.output, seed, spec.outputInit);
    if (spec.outputNorm) {
      params.add(`${name}/outputNorm/movingMean`, [spec.output], new Float32Array(spec.output), false);
      params.add(`${name}/outputNorm/movingVariance`, [spec.output], new Float32Array(spec.output).fill(1), false);
    }
  }

  /**
   * x: [B, input] → [B, output]. With batch norm and `training` (and B > 1), the batch moments
   * normalise and the moving averages are queued until applyStatisticUpdates, as nn/layers.ts
   * does for the convolutional blocks; otherwise the moving statistics normalise.
   */
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const batchMoments = training && x.shape[0] > 1;
    return tf.tidy(() => {
      let h = dense(this.params, `${this.name}/hidden`, x);
      if (this.spec.batchNorm) h = this.batchNorm1d(`${this.name}/norm`, h, batchMoments, true);
      const out = dense(this.params, `${this.name}/output`, tf.relu(h));
      return this.spec.outputNorm ? this.batchNorm1d(`${this.name}/outputNorm`, out, batchMoments, false) : out;
    });
  }

  /** How many moving-statistic updates wait for applyStatisticUpdates. */
  get pendingUpdates(): number {
    return this.pending.length;
  }

  /** Assigns the queued moving statistics (after the optimizer step). */
  applyStatisticUpdates(): void {
    for (const { variable, value } of this.pending.splice(0)) {
      variable.assign(value);
      value.dispose();
    }
  }

  /** Drops the queued moving statistics (a head whose state comes from elsewhere, e.g. an EMA). */
  discardStatisticUpdates(): void {
    for (const { value } of this.pending.splice(0)) value.dispose();
  }

  private batchNorm1d(name: string, x: tf.Tensor2D, training: boolean, affine: boolean): tf.Tensor2D {
    const movingMean = this.params.get(`${name}/movingMean`);
    const movingVariance = this.params.get(`${name}/movingVariance`);
    const channels = x.shape[1];
    const gamma = affine ? this.params.get(`${name}/gamma`) : tf.ones([channels]);
    const beta = affine ? this.params.get(`${name}/beta`) : tf.zeros([channels]);
    if (!training)
      return batchNormInference(x, movingMean, movingVariance, gamma, beta, BATCH_NORM_EPSILON) as tf.Tensor2D;
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, BATCH_NORM_EPSILON);
    queueMovingAverages(this.pending, { mean: movingMean, variance: movingVariance }, { mean, variance }, x.shape[0]);
    return y as tf.Tensor2D;
  }
}
