/**
 * The few layers the LSSL network needs, as plain functions over tfjs ops so that every op's
 * gradient is right on cpu and wasm (conv3d and max pooling through ./ops.ts, matMul,
 * concat, moments). Layouts are tfjs': activations NDHWC, kernels [kd, kh, kw, in, out].
 */
import * as tf from '@tensorflow/tfjs';
import { he, initialWeights, type WeightInit } from './init.js';
import { batchNormInference, batchNormTraining, emaBlend } from '../backend/kernels/index.js';
import { upsampledConv3dWithBias, upsampledConvFused } from '../backend/kernels/upsample-conv3d.js';
import { upsample3d } from './upsample.js';
import { conv3dSameBias } from './ops.js';
import type { ParameterSet } from './params.js';

/** A running-statistics assignment computed in a training step, applied after it. */
export interface PendingAssign {
  variable: tf.Variable;
  value: tf.Tensor;
}

export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

/** Adds `name/kernel` [3,3,3,cin,cout] and `name/bias` [cout], drawn by `init` (default He normal, zero bias). */
export function addConv3d(
  params: ParameterSet,
  name: string,
  cin: number,
  cout: number,
  seed: number,
  init: WeightInit = he(),
): void {
  const shape = [3, 3, 3, cin, cout];
  const { kernel, bias } = initialWeights(shape, init, seed, name);
  params.add(`${name}/kernel`, shape, kernel);
  params.add(`${name}/bias`, [cout], bias);
}

/** x: [B,D,H,W,cin] → [B,D,H,W,cout]; 3³ kernel, stride 1, 'same' zero padding, plus bias. */
export function conv3d(params: ParameterSet, name: string, x: tf.Tensor5D): tf.Tensor5D {
  const kernel = params.get(`${name}/kernel`) as unknown as tf.Tensor5D;
  return conv3dSameBias(x, kernel, params.get(`${name}/bias`) as tf.Tensor1D);
}

/**
 * conv3d(params, name, upsample3d(x)): x [B,D,H,W,cin] → [B,2D,2H,2W,cout]. One fused op where
 * the fast kernels run (the conv's input gradient is summed over the 2×2×2 blocks on all
 * threads before leaving the kernels' heap), else the two ops.
 */
export function upsampledConv3d(params: ParameterSet, name: string, x: tf.Tensor5D): tf.Tensor5D {
  const kernel = params.get(`${name}/kernel`) as unknown as tf.Tensor5D;
  const bias = params.get(`${name}/bias`) as tf.Tensor1D;
  if (upsampledConvFused(x, kernel, bias)) return upsampledConv3dWithBias(x, kernel, bias);
  return tf.tidy(() => conv3d(params, name, upsample3d(x)));
}

/** Adds `name/kernel` [fin, fout] and `name/bias` [fout], drawn by `init` (default He normal, zero bias). */
export function addDense(
  params: ParameterSet,
  name: string,
  fin: number,
  fout: number,
  seed: number,
  init: WeightInit = he(),
): void {
  const shape = [fin, fout];
  const { kernel, bias } = initialWeights(shape, init, seed, name);
  params.add(`${name}/kernel`, shape, kernel);
  params.add(`${name}/bias`, [fout], bias);
}

/** x: [B, fin] → [B, fout] = x·W + b. */
export function dense(params: ParameterSet, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, params.get(`${name}/kernel`) as tf.Tensor2D), params.get(`${name}/bias`));
}

/**
 * Adds batch-norm parameters for `channels`: `name/gamma` (ones), `name/beta` (zeros) and
 * the non-trainable `name/movingMean` (zeros), `name/movingVariance` (ones), all [channels].
 */
export function addBatchNorm(params: ParameterSet, name: string, channels: number): void {
  params.add(`${name}/gamma`, [channels], new Float32Array(channels).fill(1));
  params.add(`${name}/beta`, [channels], new Float32Array(channels));
  params.add(`${name}/movingMean`, [channels], new Float32Array(channels), false);
  params.add(`${name}/movingVariance`, [channels], new Float32Array(channels).fill(1), false);
}

/**
 * Queues the moving-statistics update of a training pass as PyTorch's BatchNorm does:
 * moving ← m·moving + (1 − m)·batch with m = 0.9 (PyTorch's momentum 0.1), the batch variance
 * taken unbiased (× count/(count − 1)). `count`: values per channel in the batch.
 */
export function queueMovingAverages(
  pending: PendingAssign[],
  moving: { mean: tf.Variable; variance: tf.Variable },
  batch: { mean: tf.Tensor; variance: tf.Tensor },
  count: number,
): void {
  const m = BATCH_NORM_MOMENTUM;
  const unbiased = count > 1 ? count / (count - 1) : 1;
  pending.push({ variable: moving.mean, value: tf.keep(emaBlend(moving.mean, batch.mean, m)) });
  pending.push({
    variable: moving.variance,
    value: tf.keep(tf.tidy(() => emaBlend(moving.variance, tf.mul(batch.variance, unbiased), m))),
  });
}

/**
 * Batch normalisation over all axes but the last (Ioffe & Szegedy 2015), as PyTorch's
 * BatchNorm3d. In training the batch moments normalise and the moving averages are queued in
 * `pending` (queueMovingAverages); they are assigned after the optimizer step, outside the
 * gradient tape. Otherwise the moving statistics normalise. lssl's kernels where registered
 * (src/backend/kernels/batch-norm.ts), stock ops elsewhere.
 */
export function batchNorm(
  params: ParameterSet,
  name: string,
  x: tf.Tensor5D,
  training: boolean,
  pending: PendingAssign[],
): tf.Tensor5D {
  const gamma = params.get(`${name}/gamma`);
  const beta = params.get(`${name}/beta`);
  const movingMean = params.get(`${name}/movingMean`);
  const movingVariance = params.get(`${name}/movingVariance`);
  if (!training)
    return batchNormInference(x, movingMean, movingVariance, gamma, beta, BATCH_NORM_EPSILON) as tf.Tensor5D;
  const { y, mean, variance } = batchNormTraining(x, gamma, beta, BATCH_NORM_EPSILON);
  queueMovingAverages(
    pending,
    { mean: movingMean, variance: movingVariance },
    { mean, variance },
    x.size / x.shape[x.rank - 1],
  );
  return y as tf.Tensor5D;
}
