/**
 * DirectPred (Tian, Chen, Ganguli, ICML 2021) as an engine plug-in: BYOL whose predictor is
 * linear and bias-free and is not trained but set at every training step from the running
 * correlation F of the online projections of both views (./losses/directpred.ts):
 * F ← ρF + (1 − ρ)E[zzᵀ], W_p = Q diag(sqrt(s/s_max) + ε) Qᵀ. Validation uses the last W_p.
 * F is not checkpointed: a resumed run rebuilds it from its first step (ρ = 0.3 forgets
 * the past within a few steps anyway).
 * History parts: `byol` and `zstd`.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors.js';
import type { Method, StepContext } from '../train/method.js';
import { ByolMethod, type ByolMethodOptions } from './byol.js';
import { directPredPredictor, updateCorrelation } from './losses/directpred.js';

export interface DirectPredMethodOptions extends ByolMethodOptions {
  /** ρ of the correlation EMA (default 0.3) */
  rho?: number;
  /** ε added to the gains (default 0.01) */
  eps?: number;
}

export class DirectPredMethod extends ByolMethod implements Method {
  override readonly name = 'directpred';
  readonly rho: number;
  readonly eps: number;
  private correlation: Float64Array | undefined;
  private predictorWeights: tf.Tensor2D | undefined;

  constructor(options: DirectPredMethodOptions = {}) {
    super(options, false);
    this.rho = options.rho ?? 0.3;
    this.eps = options.eps ?? 0.01;
    if (!(this.rho >= 0 && this.rho < 1)) throw inputError(`rho must be in [0, 1), not ${this.rho}`);
    if (!(this.eps >= 0)) throw inputError(`eps must be ≥ 0, not ${this.eps}`);
  }

  protected override predictPair(z1: tf.Tensor2D, z2: tf.Tensor2D, ctx: StepContext): [tf.Tensor2D, tf.Tensor2D] {
    if (ctx.training || !this.predictorWeights) {
      const both = tf.concat([z1, z2]);
      this.correlation = updateCorrelation(this.correlation, both, this.rho);
      both.dispose();
      this.predictorWeights?.dispose();
      this.predictorWeights = tf.keep(directPredPredictor(this.correlation, { eps: this.eps }));
    }
    const w = this.predictorWeights;
    return [tf.matMul(z1, w), tf.matMul(z2, w)];
  }

  /** The current W_p as a row-major Float32Array (undefined before the first step). */
  predictorMatrix(): Float32Array | undefined {
    return this.predictorWeights?.dataSync() as Float32Array | undefined;
  }

  override options(): Record<string, unknown> {
    return { ...super.options(), rho: this.rho, eps: this.eps };
  }

  override dispose(): void {
    super.dispose();
    this.predictorWeights?.dispose();
    this.predictorWeights = undefined;
  }
}
