/**
 * LSSL (Zhao, Liu, Adeli, Pohl, "Longitudinal self-supervised learning", MedIA 71:102051,
 * 2021), eq. 3 per pair of visits (x_s earlier, x_t later):
 *   λ_recon·[MSE(x_s, x̂_s) + MSE(x_t, x̂_t)] + λ_dir·(1 − cos(z_t − z_s, τ)),
 * averaged over the pairs of a batch, with τ one learned vector of the latent size used
 * through its unit vector. λ_dir = 1; λ_recon = 0.05 by default (the paper: 1; `--preset paper`).
 *
 * Why 0.05: lssl z-scores each scan inside its foreground mask, so the background sits at
 * −3…−5 and a real brain's reconstruction error starts at 20–50 where 1 − cos is at most 2.
 * At λ_recon = 1 the reconstruction drives the encoder, the tanh latent saturates, and on the
 * template phantom (real anatomy, docs/phantom.md) every held-out scan got the same τ
 * projection on both seeds tried (no direction learnt). At 0.05, on unseen subjects,
 * r(Δtau_proj, Δatrophy) was 0.743 / 0.705 there (the reference written from the paper:
 * 0.560 / 0.611) and 0.940 / 0.741 / 0.897 on the procedural phantom (reference 0.937 /
 * 0.929 / 0.956; λ_recon = 1: 0.926 / 0.835 / 0.896); docs/lssl.md has the whole table.
 *
 * Variables: the autoencoder's (nn/autoencoder.ts) and `lssl/tau` [L], N(0, 1) at init.
 */
import * as tf from '@tensorflow/tfjs';
import { nonNegativeWeight } from '../checks.js';
import { standardNormal } from '../nn/init.js';
import type { AutoencoderOptions } from '../nn/options.js';
import { AutoencoderMethod } from './autoencoder-method.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { cosineDirectionLoss } from './losses/direction.js';
import { meanSquaredError } from './losses/reconstruction.js';

/** λ_recon when none is given (the file's comment says why it is not the paper's 1). */
export const DEFAULT_LAMBDA_RECON = 0.05;

export interface LsslMethodOptions {
  network?: AutoencoderOptions;
  /** weight of the direction term λ (default 1) */
  lambdaDir?: number;
  /** weight of the reconstruction terms (default 0.05; see above) */
  lambdaRecon?: number;
}

export class LsslMethod extends AutoencoderMethod implements Method {
  readonly name = 'lssl';
  readonly batchKind = 'pairs' as const;
  readonly partNames = ['recon', 'cos'] as const;
  readonly trains = true;
  readonly tau: tf.Variable;
  readonly lambdaDir: number;
  readonly lambdaRecon: number;

  constructor(options: LsslMethodOptions = {}) {
    super(options.network);
    this.lambdaDir = nonNegativeWeight('lambda-dir', options.lambdaDir ?? 1);
    this.lambdaRecon = nonNegativeWeight('lambda-recon', options.lambdaRecon ?? DEFAULT_LAMBDA_RECON);
    const l = this.net.latentSize;
    this.tau = this.net.params.add('lssl/tau', [l], standardNormal([l], this.net.config.seed, 'lssl/tau'));
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    if (batch.kind !== 'pairs') throw new Error(`lssl trains on pairs, not ${batch.kind}`);
    const b = batch.earlier.shape[0];
    // One pass over both visits: half the kernel launches, one set of batch-norm moments.
    const x = tf.concat([batch.earlier, batch.later], 0) as tf.Tensor5D;
    const z = this.net.encode(x, { training: ctx.training });
    const xHat = this.net.decode(z, { training: ctx.training });
    const [zs, zt] = tf.split(z, [b, b], 0) as [tf.Tensor2D, tf.Tensor2D];
    const [xHatS, xHatT] = tf.split(xHat, [b, b], 0);
    const recon = tf.add(meanSquaredError(batch.earlier, xHatS), meanSquaredError(batch.later, xHatT)) as tf.Scalar;
    const cos = cosineDirectionLoss(tf.sub(zt, zs), this.tau as tf.Tensor1D);
    const total = tf.add(tf.mul(this.lambdaRecon, recon), tf.mul(this.lambdaDir, cos)) as tf.Scalar;
    return { total, parts: { recon, cos } };
  }

  direction(): Float32Array {
    const t = this.tau.dataSync() as Float32Array;
    const norm = Math.hypot(...t);
    return t.map((v) => v / norm);
  }

  options(): Record<string, unknown> {
    return { network: this.net.config, lambdaDir: this.lambdaDir, lambdaRecon: this.lambdaRecon };
  }
}
