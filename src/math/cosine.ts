/**
 * Row-wise L2 normalisation and cosine similarity shared by the losses.
 * The norm is clamped at `eps` like torch's `F.normalize` / `F.cosine_similarity`
 * (eps = 1e-8 for cosine, 1e-12 for normalize), so a zero row gives 0, not NaN.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors.js';

/** x: [N, D] → rows divided by max(‖row‖₂, eps): [N, D]. */
export function l2NormalizeRows(x: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => {
    // x / max(‖x‖, eps) written as x·rsqrt(max(‖x‖², eps²)): tf.norm's gradient at a zero
    // row is NaN (0·∞), the clamped square has a zero gradient there instead
    const squared = tf.sum(tf.square(x), 1, true);
    return tf.mul(x, tf.rsqrt(tf.maximum(squared, eps * eps))) as tf.Tensor2D;
  });
}

/** a, b: [N, D] → cos(a_i, b_i): [N]. */
export function rowCosineSimilarity(a: tf.Tensor2D, b: tf.Tensor2D, eps = 1e-8): tf.Tensor1D {
  checkSameShape2D('a', a, 'b', b);
  return tf.tidy(() => tf.sum(tf.mul(l2NormalizeRows(a, eps), l2NormalizeRows(b, eps)), 1) as tf.Tensor1D);
}

/** Both tensors must be [N, D] with the same N and D; the message names them. */
export function checkSameShape2D(nameA: string, a: tf.Tensor, nameB: string, b: tf.Tensor): void {
  if (a.rank !== 2) throw new Error(`${nameA} must be [batch, dim], not shape [${a.shape}]`);
  if (b.rank !== 2) throw new Error(`${nameB} must be [batch, dim], not shape [${b.shape}]`);
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`${nameA} and ${nameB} must have the same shape, not [${a.shape}] and [${b.shape}]`);
  }
}

/** lightly's rule: |temperature| must exceed 1e-8 (logits are divided by it). */
export function checkTemperature(name: string, value: number): void {
  if (!Number.isFinite(value) || Math.abs(value) <= 1e-8) {
    throw inputError(`${name} must be a finite number with |${name}| > 1e-8, not ${value}`);
  }
}
