/**
 * The small MLP heads of the contrastive methods: SimCLR's projector g(·) (Chen et al.
 * 2020, §2.1: linear → ReLU → linear), and SimSiam/BYOL's projector and predictor, which put
 * batch norm after the hidden linear layer (Chen & He 2021, §4; Grill et al. 2020, §3.3);
 * SimSiam's projector also normalises its output (batch norm without affine parameters, the
 * authors' code: `BatchNorm1d(dim, affine=False)`).
 * Parameters live in the method's ParameterSet under `name/hidden`, `name/norm`, `name/output`
 * and `name/outputNorm` (moving statistics only).
 */
import * as tf from '@tensorflow/tfjs';
import { addDense, BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, dense, type PendingAssign } from '../nn/layers.js';
import type { ParameterSet } from '../nn/params.js';
import { l2NormalizeRows } from '../math/cosine.js';

export interface MlpHeadSpec {
  input: number;
  hidden: number;
  output: number;
  /** batch norm after the hidden layer (SimSiam, BYOL) */
  batchNorm: boolean;
  /** batch norm without affine parameters on the output (SimSiam's projector) */
  outputNorm?: boolean;
}

/** Adds the parameters of a two-layer head called `name`. */
export function addMlpHead(params: ParameterSet, name: string, spec: MlpHeadSpec, seed: number): void {
  addDense(params, `${name}/hidden`, spec.input, spec.hidden, seed);
  if (spec.batchNorm) {
    params.add(`${name}/norm/gamma`, [spec.hidden], new Float32Array(spec.hidden).fill(1));
    params.add(`${name}/norm/beta`, [spec.hidden], new Float32Array(spec.hidden));
    params.add(`${name}/norm/movingMean`, [spec.hidden], new Float32Array(spec.hidden), false);
    params.add(`${name}/norm/movingVariance`, [spec.hidden], new Float32Array(spec.hidden).fill(1), false);
  }
  addDense(params, `${name}/output`, spec.hidden, spec.output, seed);
  if (spec.outputNorm) {
    params.add(`${name}/outputNorm/movingMean`, [spec.output], new Float32Array(spec.output), false);
    params.add(`${name}/outputNorm/movingVariance`, [spec.output], new Float32Array(spec.output).fill(1), false);
  }
}

/** Whether head `name` normalises its output (it was added with `outputNorm`). */
export function hasOutputNorm(params: ParameterSet, name: string): boolean {
  return params.entries.some((e) => e.name === `${name}/outputNorm/movingMean`);
}

/**
 * x: [B, input] → [B, output]. With batch norm and `training`, the batch moments normalise
 * and moving averages are queued in `pending` (applied after the optimizer step), as in
 * nn/layers.ts for the convolutional blocks.
 */
export function mlpHead(
  params: ParameterSet,
  name: string,
  x: tf.Tensor2D,
  batchNorm: boolean,
  training: boolean,
  pending: PendingAssign[],
): tf.Tensor2D {
  return tf.tidy(() => {
    let h = dense(params, `${name}/hidden`, x);
    if (batchNorm) h = batchNorm1d(params, `${name}/norm`, h, training && x.shape[0] > 1, pending);
    const out = dense(params, `${name}/output`, tf.relu(h));
    return hasOutputNorm(params, name) ? batchNorm1d(params, `${name}/outputNorm`, out, training && x.shape[0] > 1, pending, false) : out;
  });
}

function batchNorm1d(params: ParameterSet, name: string, x: tf.Tensor2D, training: boolean, pending: PendingAssign[], affine = true): tf.Tensor2D {
  const movingMean = params.get(`${name}/movingMean`);
  const movingVariance = params.get(`${name}/movingVariance`);
  let mean: tf.Tensor = movingMean;
  let variance: tf.Tensor = movingVariance;
  if (training) {
    const moments = tf.moments(x, 0);
    mean = moments.mean;
    variance = moments.variance;
    const m = BATCH_NORM_MOMENTUM;
    pending.push({ variable: movingMean, value: tf.keep(tf.tidy(() => tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m)))) });
    pending.push({ variable: movingVariance, value: tf.keep(tf.tidy(() => tf.add(tf.mul(movingVariance, m), tf.mul(variance, 1 - m)))) });
  }
  const inverseStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
  if (!affine) return tf.mul(tf.sub(x, mean), inverseStd) as tf.Tensor2D;
  const scale = tf.mul(inverseStd, params.get(`${name}/gamma`));
  return tf.add(tf.mul(tf.sub(x, mean), scale), params.get(`${name}/beta`)) as tf.Tensor2D;
}

/** Assigns queued moving statistics (after the optimizer step). */
export function applyPending(pending: PendingAssign[]): void {
  for (const { variable, value } of pending.splice(0)) {
    variable.assign(value);
    value.dispose();
  }
}

/**
 * lightly's collapse monitor: the mean over dimensions of the per-dimension std (across
 * the batch) of the L2-normalised outputs z: [B, D]. About 1/√D for well-spread outputs,
 * 0 for a collapsed representation.
 */
export function normalizedStd(z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const unit = l2NormalizeRows(z);
    return tf.mean(tf.sqrt(tf.moments(unit, 0).variance)) as tf.Scalar;
  });
}
