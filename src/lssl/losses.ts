/**
 * The loss terms of LSSL and its baselines, as small pure functions on tensors.
 * Every function returns a scalar and leaves no intermediate tensors behind.
 */
import * as tf from '@tensorflow/tfjs';

/** Mean of (x − x̂)² over every element (batch and voxels): the reconstruction term. */
export function meanSquaredError(x: tf.Tensor, xHat: tf.Tensor): tf.Scalar {
  if (x.shape.join(',') !== xHat.shape.join(',')) {
    throw new Error(`meanSquaredError needs equal shapes, not [${x.shape}] and [${xHat.shape}]`);
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(x, xHat)));
}

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

/**
 * KL(N(μ, diag σ²) ‖ N(0, I)) in closed form (Kingma & Welling 2014, appendix B):
 * ½ Σ_l (μ_l² + σ_l² − 1 − log σ_l²), summed over the latent, averaged over the batch.
 * mu, logVar: [B, L] (logVar = log σ²).
 */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  if (mu.shape.join(',') !== logVar.shape.join(',') || mu.rank !== 2) {
    throw new Error(`gaussianKl needs mu and logVar of equal shape [B, L], not [${mu.shape}] and [${logVar.shape}]`);
  }
  return tf.tidy(() => {
    const perDim = tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), 1), logVar);
    return tf.mean(tf.mul(0.5, tf.sum(perDim, 1)));
  });
}

/**
 * The reparameterisation trick: z = μ + exp(½ logVar) ⊙ ε, differentiable in μ and logVar.
 * mu, logVar, noise: [B, L]; noise is N(0, 1), drawn by the caller from a seeded generator.
 */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), noise)));
}

/** Projection of each z on the unit τ: z·τ/‖τ‖. z: [B, L], tau: [L] → [B]. */
export function projectOnDirection(z: tf.Tensor2D, tau: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(z, tau), 1), tf.norm(tau)) as tf.Tensor1D);
}
