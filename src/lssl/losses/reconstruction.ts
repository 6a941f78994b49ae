/**
 * The reconstruction term of LSSL, AE and VAE (Zhao et al., *Medical Image Analysis*
 * 71:102051, 2021, eq. 2): the mean squared error between a scan and its reconstruction,
 *
 *   L_recon = 1/(B·V) Σ_b Σ_v (x_bv − x̂_bv)²,
 *
 * averaged over the batch and every voxel, so it stays near 1 for z-scored volumes at the start.
 *
 * Shapes: x, xHat any equal shape, e.g. [B, D, H, W, 1] → scalar.
 *
 * @example
 *   const recon = meanSquaredError(x, decoder(encoder(x))); // tf.Scalar
 */
import * as tf from '@tensorflow/tfjs';

/** Mean of (x − x̂)² over every element (batch and voxels): the reconstruction term. x, xHat: [B, …] equal shapes → scalar. */
export function meanSquaredError(x: tf.Tensor, xHat: tf.Tensor): tf.Scalar {
  if (x.shape.join(',') !== xHat.shape.join(',')) {
    throw new Error(`meanSquaredError needs equal shapes, not [${x.shape}] and [${xHat.shape}]`);
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(x, xHat)));
}
