/**
 * The VAE baseline of the LSSL paper (Kingma & Welling 2014): a Gaussian latent,
 * z = μ + σ ⊙ ε with ε ~ N(0, I) from the step's seeded generator, loss
 * λ_recon·MSE(x, x̂) + β·KL(N(μ, σ²) ‖ N(0, I)) / L, β = 0.01 as in the paper's comparison.
 *
 * Both terms are per element: the MSE is a mean over voxels, so the KL is taken per latent
 * dimension (the history's `kl` part is the whole KL, in nats per scan). With the KL summed
 * over L = 512 dimensions against a per-voxel MSE, β·KL outweighs what any latent can buy
 * back in reconstruction: on the phantom the encoder's features died within 8 epochs and
 * every scan got the same μ (posterior collapse, KL 0.59 nats, recon stuck at 1.05); per
 * dimension, recon fell to 0.82 and 391 of 512 dimensions varied across scans.
 *
 * μ is the autoencoder's latent (linear by default here: a tanh-bounded mean fights the
 * prior); log σ² comes from an extra head on the flattened features,
 * `vae/logVar/kernel` [F, L] and `/bias` [L], zeros at init (σ = 1 everywhere).
 * The embedding is μ.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/layers.js';
import type { AutoencoderOptions } from '../nn/options.js';
import { AutoencoderMethod } from './autoencoder-method.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { gaussianKl, reparameterize } from './losses/kl.js';
import { meanSquaredError } from './losses/reconstruction.js';
import { nonNegativeWeight } from '../checks.js';

export interface VaeMethodOptions {
  network?: AutoencoderOptions;
  /** weight of the KL term (default 0.01) */
  beta?: number;
  /** weight of the reconstruction term (default 1) */
  lambdaRecon?: number;
}

export class VaeMethod extends AutoencoderMethod implements Method {
  readonly name = 'vae';
  readonly batchKind = 'scans' as const;
  readonly partNames = ['recon', 'kl'] as const;
  readonly trains = true;
  readonly beta: number;
  readonly lambdaRecon: number;

  constructor(options: VaeMethodOptions = {}) {
    super({ latentActivation: 'linear', ...options.network });
    this.beta = nonNegativeWeight('beta', options.beta ?? 0.01);
    this.lambdaRecon = nonNegativeWeight('lambda-recon', options.lambdaRecon ?? 1);
    const f = this.net.featureSize;
    const l = this.net.latentSize;
    this.net.params.add('vae/logVar/kernel', [f, l], new Float32Array(f * l));
    this.net.params.add('vae/logVar/bias', [l], new Float32Array(l));
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    if (batch.kind !== 'scans') throw new Error(`vae trains on scans, not ${batch.kind}`);
    const features = this.net.features(batch.x, { training: ctx.training });
    const mu = this.net.latent(features);
    const logVar = dense(this.net.params, 'vae/logVar', features);
    const [b, l] = mu.shape;
    const noise = tf.tensor2d(
      Float32Array.from({ length: b * l }, () => ctx.rng.normal()),
      [b, l],
    );
    const z = reparameterize(mu, logVar, noise);
    const recon = meanSquaredError(batch.x, this.net.decode(z, { training: ctx.training }));
    const kl = gaussianKl(mu, logVar);
    const total = tf.add(tf.mul(this.lambdaRecon, recon), tf.mul(this.beta / l, kl)) as tf.Scalar;
    return { total, parts: { recon, kl } };
  }

  options(): Record<string, unknown> {
    return { network: this.net.config, beta: this.beta, lambdaRecon: this.lambdaRecon };
  }
}
