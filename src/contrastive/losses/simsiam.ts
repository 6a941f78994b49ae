/**
 * SimSiam's symmetric negative cosine loss (Chen & He, CVPR 2021, eq. 4 with the
 * stop-gradient of eq. 3 and Algorithm 1):
 *   L = −½ [ cos(p1, sg(z2)) + cos(p2, sg(z1)) ],  each cosine averaged over the batch.
 * Range [−1, 1]; −1 when every prediction points along its target.
 *
 * Shapes: p1, z2, p2, z1 [B, D] → scalar.
 *
 * @example
 *   const [z1, z2] = [project(view1), project(view2)];
 *   const loss = simSiamLoss(predict(z1), z2, predict(z2), z1);
 */
import * as tf from '@tensorflow/tfjs';
import { checkSameShape2D, rowCosineSimilarity } from '../../math/cosine.js';
import { stopGradient } from '../../nn/stop-gradient.js';

/**
 * p1, p2: [N, D] predictor outputs of views 1 and 2; z1, z2: [N, D] projector outputs.
 * No gradient flows into z1 or z2. Returns a scalar.
 */
export function simSiamLoss(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  checkSameShape2D('p1', p1, 'z2', z2);
  checkSameShape2D('p2', p2, 'z1', z1);
  checkSameShape2D('p1', p1, 'p2', p2);
  return tf.tidy(() => {
    const first = tf.mean(rowCosineSimilarity(p1, stopGradient(z2)));
    const second = tf.mean(rowCosineSimilarity(p2, stopGradient(z1)));
    return tf.mul(tf.add(first, second), -0.5) as tf.Scalar;
  });
}
