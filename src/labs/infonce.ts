/**
 * InfoNCE in the one-directional form of Zimmermann et al. (ICML 2021, eq. 1) and of CPC
 * (van den Oord et al. 2018): anchor i is scored against every candidate j of the batch,
 * its own positive (row i) against the N − 1 other rows as negatives,
 *   ℓ_i = −log( exp(⟨ẑ_i, p̂_i⟩/τ) / Σ_j exp(⟨ẑ_i, p̂_j⟩/τ) ),   loss = mean_i ℓ_i,
 * with rows L2-normalised by the project's l2NormalizeRows. Unlike ntXentLoss (SimCLR's
 * 2N-view form) the anchors are not also candidates, and no [2N, 2N] masks are built, which
 * keeps a lab step cheap. Identical rows give exactly log N.
 */
import * as tf from '@tensorflow/tfjs';
import { checkSameShape2D, checkTemperature, l2NormalizeRows } from '../math/cosine.js';

/** anchors, positives: [N, D] (row i of each is a positive pair); returns a scalar. */
export function infoNceLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, temperature: number): tf.Scalar {
  checkTemperature('temperature', temperature);
  checkSameShape2D('anchors', anchors, 'positives', positives);
  return tf.tidy(() => {
    const a = l2NormalizeRows(anchors);
    const p = l2NormalizeRows(positives);
    const logits = tf.div(tf.matMul(a, p, false, true), temperature); // [N, N]
    const positiveLogits = tf.div(tf.sum(tf.mul(a, p), 1), temperature); // [N], the diagonal
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), positiveLogits)) as tf.Scalar;
  });
}
