/**
 * SimSiam (Chen & He, CVPR 2021) as an engine plug-in: encoder → projector (with batch
 * norm after the hidden and the output layer) → predictor h (bottleneck MLP, hidden = projectionSize/4 by default, as the paper's
 * 2048→512→2048), symmetric negative cosine with stop-gradient on the projections.
 * History parts: `cos` (the loss, in [−1, 1]) and `zstd` (collapse monitor on z).
 */
import * as tf from '@tensorflow/tfjs';
import { positiveInteger } from '../checks.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { MLP_HEAD_PRESETS, type MlpHead } from './heads.js';
import { simSiamLoss } from './losses/simsiam.js';
import { ViewMethod, viewsOf, type ViewMethodOptions } from './view-method.js';

export interface SimSiamMethodOptions extends ViewMethodOptions {
  /** hidden width of the predictor (default projectionSize / 4) */
  predictorHidden?: number;
}

export class SimSiamMethod extends ViewMethod implements Method {
  readonly name = 'simsiam';
  readonly partNames = ['cos', 'zstd'] as const;
  protected readonly projectorPreset = MLP_HEAD_PRESETS.simsiamProjector;
  private readonly predictor: MlpHead;
  readonly predictorHidden: number;

  constructor(options: SimSiamMethodOptions = {}) {
    // the authors' projector ends in BatchNorm1d(dim, affine=False) (Chen & He 2021, §4);
    // encoder batch norm as in their ResNet (contrastiveNetwork says why it matters here)
    super(options, { projectorOutputNorm: true, encoderNorm: 'batch' });
    this.predictorHidden = positiveInteger(
      'predictorHidden',
      options.predictorHidden ?? Math.max(1, Math.round(this.projectionSize / 4)),
    );
    this.addProjector();
    const sizes = { input: this.projectionSize, hidden: this.predictorHidden, output: this.projectionSize };
    this.predictor = this.addHead(
      'predictor',
      { ...sizes, ...MLP_HEAD_PRESETS.simsiamPredictor },
      this.net.config.seed + 2,
    );
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    const [v1, v2] = viewsOf(batch, this.name);
    const z1 = this.project(v1, ctx.training);
    const z2 = this.project(v2, ctx.training);
    const p1 = this.predictor.apply(z1, ctx.training);
    const p2 = this.predictor.apply(z2, ctx.training);
    return this.result(simSiamLoss(p1, z2, p2, z1), 'cos', tf.concat([z1, z2]));
  }

  options(): Record<string, unknown> {
    return { ...this.baseOptions(), predictorHidden: this.predictorHidden };
  }
}
