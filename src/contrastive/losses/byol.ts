/**
 * BYOL's regression loss (Grill et al., NeurIPS 2020, eq. 2):
 *   L(p, z′) = ‖p̄ − z̄′‖² = 2 − 2·cos(p, z′),  p̄, z̄′ unit vectors,
 * with no gradient into the target projection z′ (it comes from the EMA target network;
 * the stop-gradient here also guards callers that pass an online tensor). The paper's
 * total loss is the sum over the two view orders, L + L̃ (range [0, 8]).
 *
 * Shapes: p, zTarget [B, D] → scalar (mean over the batch).
 *
 * @example
 *   const loss = byolSymmetricLoss(p1, targetZ2, p2, targetZ1); // predictions vs the other view's target
 */
import * as tf from '@tensorflow/tfjs';
import { checkSameShape2D, rowCosineSimilarity } from '../../math/cosine.js';
import { stopGradient } from '../../nn/stop-gradient.js';

/** p: [N, D] online predictions, zTarget: [N, D] target projections → mean over N of 2 − 2cos. */
export function byolLoss(p: tf.Tensor2D, zTarget: tf.Tensor2D): tf.Scalar {
  checkSameShape2D('p', p, 'zTarget', zTarget);
  return tf.tidy(() => tf.mean(tf.sub(2, tf.mul(rowCosineSimilarity(p, stopGradient(zTarget)), 2))) as tf.Scalar);
}

/**
 * The symmetrised BYOL loss L + L̃ = byolLoss(p1, z2′) + byolLoss(p2, z1′):
 * view 1's prediction regresses view 2's target projection and vice versa.
 * All inputs [N, D]; returns a scalar in [0, 8].
 */
export function byolSymmetricLoss(
  p1: tf.Tensor2D,
  z2Target: tf.Tensor2D,
  p2: tf.Tensor2D,
  z1Target: tf.Tensor2D,
): tf.Scalar {
  return tf.tidy(() => tf.add(byolLoss(p1, z2Target), byolLoss(p2, z1Target)) as tf.Scalar);
}
