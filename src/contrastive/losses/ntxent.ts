/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR
 * (Chen, Kornblith, Norouzi, Hinton, ICML 2020, eq. 1), in the 2N-view form of lightly's
 * `NTXentLoss` without a memory bank.
 *
 * The 2N rows of [ẑ1; ẑ2] are the anchors. For anchor i the positive is its partner
 * (row i ± N); the other 2N − 2 rows are negatives; the anchor itself is excluded:
 *   ℓ_i = −log( exp(s_{i,pos}/τ) / Σ_{k≠i} exp(s_{ik}/τ) ),   s = cosine similarity,
 * and the loss is the mean of ℓ_i over the 2N anchors.
 * Identical embeddings in every row give exactly −log(1/(2N−1)) = log(2N − 1).
 *
 * Shapes: z1, z2 [N, D] (the two views' projections, normalised inside) → scalar.
 *
 * @example
 *   const loss = ntXentLoss(projector(encoder(view1)), projector(encoder(view2)), 0.5);
 */
import * as tf from '@tensorflow/tfjs';
import { checkSameShape2D, checkTemperature, l2NormalizeRows } from '../../math/cosine.js';

/** Added to the self-similarity logits so they drop out of the softmax (finite: no inf·0). */
const EXCLUDED_LOGIT = -1e30;

/**
 * z1, z2: [N, D] projections of the two views (row i of each comes from the same sample);
 * they are L2-normalised here. N ≥ 1 (N = 1 leaves no negative: the loss is 0).
 * Returns a scalar; |temperature| must exceed 1e-8.
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature = 0.5): tf.Scalar {
  checkTemperature('temperature', temperature);
  checkSameShape2D('z1', z1, 'z2', z2);
  const n = z1.shape[0];
  if (n < 1) throw new Error(`ntXentLoss needs at least one pair, not ${n}`);
  return tf.tidy(() => {
    const z = tf.concat([l2NormalizeRows(z1), l2NormalizeRows(z2)], 0); // [2N, D]
    const logits = tf.div(tf.matMul(z, z, false, true), temperature); // [2N, 2N]
    const selfMask = tf.mul(tf.eye(2 * n), EXCLUDED_LOGIT);
    const logSumExp = tf.logSumExp(tf.add(logits, selfMask), 1); // [2N], self excluded
    const partner = tf.tensor1d(partnerIndices(n), 'int32');
    const positives = tf.sum(tf.mul(logits, tf.oneHot(partner, 2 * n)), 1); // [2N]
    return tf.mean(tf.sub(logSumExp, positives)) as tf.Scalar;
  });
}

/** Row i of [z1; z2] pairs with row i + N, and row N + i with row i. */
function partnerIndices(n: number): Int32Array {
  const out = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[i] = n + i;
    out[n + i] = i;
  }
  return out;
}
