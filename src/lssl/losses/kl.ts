/**
 * The VAE baseline's latent terms (Kingma & Welling, *Auto-Encoding Variational Bayes*, ICLR
 * 2014, appendix B; the LSSL paper's VAE weighs it 0.01 against the reconstruction):
 *
 *   KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_l (μ_l² + σ_l² − 1 − log σ_l²),
 *
 * summed over the latent and averaged over the batch; and the reparameterisation
 * z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I), which keeps z differentiable in μ and log σ².
 *
 * Shapes: mu, logVar, noise [B, L] → KL scalar, z [B, L].
 *
 * @example
 *   const noise = tf.tensor2d(gaussians(rng, B * L), [B, L]);
 *   const z = reparameterize(mu, logVar, noise);
 *   const kl = gaussianKl(mu, logVar); // tf.Scalar
 */
import * as tf from '@tensorflow/tfjs';

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
