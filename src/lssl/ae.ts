/**
 * The autoencoder baseline of the LSSL paper: the same network trained on single scans with
 * the reconstruction term only (LSSL with λ_dir = 0 and no pairing).
 */
import * as tf from '@tensorflow/tfjs';
import type { AutoencoderOptions } from '../nn/options.js';
import { AutoencoderMethod } from './autoencoder-method.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { meanSquaredError } from './losses/reconstruction.js';
import { nonNegativeWeight } from '../checks.js';

export interface AeMethodOptions {
  network?: AutoencoderOptions;
  /** weight of the reconstruction term (default 1) */
  lambdaRecon?: number;
}

export class AeMethod extends AutoencoderMethod implements Method {
  readonly name = 'ae';
  readonly batchKind = 'scans' as const;
  readonly partNames = ['recon'] as const;
  readonly trains = true;
  readonly lambdaRecon: number;

  constructor(options: AeMethodOptions = {}) {
    super(options.network);
    this.lambdaRecon = nonNegativeWeight('lambda-recon', options.lambdaRecon ?? 1);
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    if (batch.kind !== 'scans') throw new Error(`ae trains on scans, not ${batch.kind}`);
    const xHat = this.net.decode(this.net.encode(batch.x, { training: ctx.training }), { training: ctx.training });
    const recon = meanSquaredError(batch.x, xHat);
    return { total: tf.mul(this.lambdaRecon, recon) as tf.Scalar, parts: { recon } };
  }

  options(): Record<string, unknown> {
    return { network: this.net.config, lambdaRecon: this.lambdaRecon };
  }
}
