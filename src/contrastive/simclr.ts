/**
 * SimCLR (Chen, Kornblith, Norouzi, Hinton, ICML 2020) as an engine plug-in: encoder →
 * projector (linear → batch norm → ReLU → linear, lightly's SimCLRProjectionHead and the
 * authors' code) on two views, NT-Xent over the 2B views.
 * History parts: `nce` (the loss) and `zstd` (collapse monitor).
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { checkTemperature } from '../math/cosine.js';
import { MLP_HEAD_PRESETS } from './heads.js';
import { ntXentLoss } from './losses/ntxent.js';
import { ViewMethod, viewsOf, type ViewMethodOptions } from './view-method.js';

export interface SimClrMethodOptions extends ViewMethodOptions {
  /** NT-Xent temperature (default 0.5, lightly's and SimCLR's CIFAR value) */
  temperature?: number;
}

export class SimClrMethod extends ViewMethod implements Method {
  readonly name = 'simclr';
  readonly partNames = ['nce', 'zstd'] as const;
  /**
   * Batch norm in the projector removes the component every scan shares. Without it the
   * phantom's projections start with pairwise cosines of 0.99 (common-mode mean 10× the
   * spread) and NT-Xent drifts into collapse (zstd 0.019 → 0.003 in 6 epochs at 32³).
   */
  protected readonly projectorPreset = MLP_HEAD_PRESETS.simclrProjector;
  readonly temperature: number;

  constructor(options: SimClrMethodOptions = {}) {
    super(options);
    this.temperature = options.temperature ?? 0.5;
    checkTemperature('temperature', this.temperature);
    this.addProjector();
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    const [v1, v2] = viewsOf(batch, this.name);
    const z1 = this.project(v1, ctx.training);
    const z2 = this.project(v2, ctx.training);
    return this.result(ntXentLoss(z1, z2, this.temperature), 'nce', tf.concat([z1, z2]));
  }

  options(): Record<string, unknown> {
    return { ...this.baseOptions(), temperature: this.temperature };
  }
}
