/**
 * BYOL (Grill et al., NeurIPS 2020) as an engine plug-in: an online network (encoder,
 * projector, predictor) regresses the projections of an EMA target network (encoder,
 * projector) on the other view; loss L + L̃ = Σ (2 − 2cos), target ← m·target + (1 − m)·online
 * after every step with BYOL's cosine schedule m_k from `momentumBase` to 1 over the run.
 * The target starts as an exact copy (same seed) and is checkpointed as `target/…`.
 * History parts: `byol` (the loss, in [0, 8]) and `zstd` (collapse monitor on z).
 */
import * as tf from '@tensorflow/tfjs';
import { positiveInteger } from '../checks.js';
import type { NamedVariable } from '../nn/params.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { checkMomentumBase, MomentumTarget } from '../train/momentum-method.js';
import { MLP_HEAD_PRESETS, type MlpHead } from './heads.js';
import { byolSymmetricLoss } from './losses/byol.js';
import { ViewMethod, viewsOf, type ViewMethodOptions } from './view-method.js';

export interface ByolMethodOptions extends ViewMethodOptions {
  /** m_base of the cosine momentum schedule (default 0.996; 0.99 suits short runs) */
  momentumBase?: number;
  /** hidden width of the predictor MLP (default projectionHidden) */
  predictorHidden?: number;
}

export class ByolMethod extends ViewMethod implements Method {
  readonly name: string = 'byol';
  readonly partNames = ['byol', 'zstd'] as const;
  protected readonly projectorPreset = MLP_HEAD_PRESETS.byolProjector;
  readonly momentumBase: number;
  /** the EMA target: encoder and projector (src/train/momentum-method.ts) */
  readonly target: MomentumTarget;
  private readonly predictor: MlpHead | undefined;

  constructor(options: ByolMethodOptions = {}, withPredictorMlp = true) {
    // encoder batch norm as in BYOL's ResNet (contrastiveNetwork says why it matters here)
    super(options, { encoderNorm: 'batch' });
    this.momentumBase = checkMomentumBase(options.momentumBase ?? 0.996);
    this.addProjector();
    this.target = new MomentumTarget(
      this.net.config,
      [{ name: 'projector', spec: this.projectorSpec(), seed: this.net.config.seed + 1 }],
      this.momentumBase,
    );
    if (withPredictorMlp) {
      const hidden = positiveInteger('predictorHidden', options.predictorHidden ?? this.projectionHidden);
      const sizes = { input: this.projectionSize, hidden, output: this.projectionSize };
      this.predictor = this.addHead(
        'predictor',
        { ...sizes, ...MLP_HEAD_PRESETS.byolPredictor },
        this.net.config.seed + 2,
      );
    }
  }

  /** the momentum used by the last target update (for tests and logs) */
  get lastMomentum(): number | undefined {
    return this.target.lastMomentum;
  }

  /** Online variables plus the target's as `target/…` (the target is not trained). */
  override variables(): NamedVariable[] {
    return [...super.variables(), ...this.target.checkpointEntries()];
  }
  override trainableVariables(): tf.Variable[] {
    return super
      .variables()
      .filter((e) => e.trainable)
      .map((e) => e.variable);
  }

  /** Online prediction from a projection z: [B, P] → [B, P]. */
  protected predict(z: tf.Tensor2D, ctx: StepContext): tf.Tensor2D {
    if (!this.predictor) throw new Error(`${this.name} has no predictor MLP`);
    return this.predictor.apply(z, ctx.training);
  }

  /** Target projection (no gradient reaches the target: its variables are not trained). */
  private targetProject(x: tf.Tensor5D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => this.target.head('projector', this.target.encode(x, training), training));
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    const [v1, v2] = viewsOf(batch, this.name);
    const z1 = this.project(v1, ctx.training);
    const z2 = this.project(v2, ctx.training);
    const [p1, p2] = this.predictPair(z1, z2, ctx);
    const t1 = this.targetProject(v1, ctx.training);
    const t2 = this.targetProject(v2, ctx.training);
    return this.result(byolSymmetricLoss(p1, t2, p2, t1), 'byol', tf.concat([z1, z2]));
  }

  protected predictPair(z1: tf.Tensor2D, z2: tf.Tensor2D, ctx: StepContext): [tf.Tensor2D, tf.Tensor2D] {
    return [this.predict(z1, ctx), this.predict(z2, ctx)];
  }

  override afterStep(ctx: StepContext): void {
    super.afterStep(ctx);
    this.target.update(ctx, super.variables());
  }

  options(): Record<string, unknown> {
    return { ...this.baseOptions(), momentumBase: this.momentumBase };
  }

  override dispose(): void {
    super.dispose();
    this.target.dispose();
  }
}
