/**
 * LSSL's direction term (Zhao, Liu, Adeli, Pohl, *Medical Image Analysis* 71:102051, 2021,
 * eq. 3): the change of a subject's latent between two visits should point along one learned
 * direction τ shared by everyone,
 *
 *   L_dir = 1/B Σ_b (1 − cos(Δz_b, τ)),  Δz_b = z_t − z_s (later minus earlier visit),
 *
 * and the projection z·τ/‖τ‖ that LSSL reads out as a brain-age axis.
 *
 * Shapes: dz [B, L], tau [L] → scalar; z [B, L], tau [L] → [B].
 *
 * @example
 *   const dz = tf.sub(encoder(later), encoder(earlier)); // [B, L]
 *   const dir = cosineDirectionLoss(dz, tau);             // tf.Scalar in [0, 2]
 *   const ageAxis = projectOnDirection(z, tau);           // [B]
 */
import * as tf from '@tensorflow/tfjs';

/** Below this ‖Δz‖²·‖τ‖² the cosine is taken as Δz·τ / 1e-8 (Δz ≈ 0 has no direction). */
const COSINE_EPSILON_SQUARED = 1e-16;

/**
 * LSSL's direction term (Zhao et al. 2021, eq. 3): mean over pairs of 1 − cos(Δz_b, τ),
 * with cos(a, τ) = a·τ / (‖a‖‖τ‖), i.e. τ enters only through its unit vector.
 * 0 when every Δz points along τ, 1 when orthogonal, 2 when opposite.
 *
 * dz: [B, L] = z_t − z_s (later minus earlier visit); tau: [L].
 * Computed as a·τ / sqrt(max(‖a‖²‖τ‖², ε²)), which is exact for parallel integer vectors.
 */
export function cosineDirectionLoss(dz: tf.Tensor2D, tau: tf.Tensor1D): tf.Scalar {
  if (dz.rank !== 2 || tau.rank !== 1 || dz.shape[1] !== tau.shape[0]) {
    throw new Error(`cosineDirectionLoss needs dz [B, L] and tau [L], not [${dz.shape}] and [${tau.shape}]`);
  }
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(dz, tau), 1);
    const squaredNorms = tf.mul(tf.sum(tf.square(dz), 1), tf.sum(tf.square(tau)));
    const cos = tf.div(dot, tf.sqrt(tf.maximum(squaredNorms, COSINE_EPSILON_SQUARED)));
    return tf.mean(tf.sub(1, cos));
  });
}

/** Projection of each z on the unit τ: z·τ/‖τ‖. z: [B, L], tau: [L] → [B]. */
export function projectOnDirection(z: tf.Tensor2D, tau: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(z, tau), 1), tf.norm(tau)) as tf.Tensor1D);
}
