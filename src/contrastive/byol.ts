/**
 * BYOL (Grill et al., NeurIPS 2020) as an engine plug-in: an online network (encoder,
 * projector, predictor) regresses the projections of an EMA target network (encoder,
 * projector) on the other view; loss L + L̃ = Σ (2 − 2cos), target ← m·target + (1 − m)·online
 * after every step with BYOL's cosine schedule m_k from `momentumBase` to 1 over the run.
 * The target starts as an exact copy (same seed) and is checkpointed as `target/…`.
 * History parts: `byol` (the loss, in [0, 8]) and `zstd` (collapse monitor on z).
 */
import * as tf from '@tensorflow/tfjs';
import { Autoencoder } from '../nn/autoencoder.js';
import type { PendingAssign } from '../nn/layers.js';
import { ParameterSet, type NamedVariable } from '../nn/params.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { byolSymmetricLoss } from './losses/byol.js';
import { addMlpHead, mlpHead } from './heads.js';
import { cosineMomentum, emaUpdate } from '../train/momentum.js';
import { positiveInteger, ViewMethod, viewsOf, type ViewMethodOptions } from './view-method.js';
import { inputError } from '../errors.js';

export interface ByolMethodOptions extends ViewMethodOptions {
  /** m_base of the cosine momentum schedule (default 0.996; 0.99 suits short runs) */
  momentumBase?: number;
  /** hidden width of the predictor MLP (default projectionHidden) */
  predictorHidden?: number;
}

export class ByolMethod extends ViewMethod implements Method {
  readonly name: string = 'byol';
  readonly partNames = ['byol', 'zstd'] as const;
  protected readonly headNorm = true;
  readonly momentumBase: number;
  readonly target: Autoencoder;
  readonly targetHeads = new ParameterSet();
  private readonly targetPending: PendingAssign[] = [];
  /** the momentum used by the last update (for tests and logs) */
  lastMomentum: number | undefined;

  constructor(options: ByolMethodOptions = {}, withPredictorMlp = true) {
    // encoder batch norm as in BYOL's ResNet (contrastiveNetwork says why it matters here)
    super(options, { encoderNorm: 'batch' });
    this.momentumBase = options.momentumBase ?? 0.996;
    if (!(this.momentumBase >= 0 && this.momentumBase <= 1)) throw inputError(`momentumBase must be in [0, 1], not ${this.momentumBase}`);
    this.addProjector();
    this.target = new Autoencoder(this.net.config); // same layout and seed: an exact copy
    addMlpHead(this.targetHeads, 'projector', this.projectorSpec(), this.net.config.seed + 1);
    if (withPredictorMlp) {
      const hidden = positiveInteger('predictorHidden', options.predictorHidden, this.projectionHidden);
      addMlpHead(this.heads, 'predictor', { input: this.projectionSize, hidden, output: this.projectionSize, batchNorm: true }, this.net.config.seed + 2);
    }
  }

  private targetEntries(): NamedVariable[] {
    return [...this.target.params.entries.filter((e) => e.name.startsWith('encoder/')), ...this.targetHeads.entries];
  }

  /** Online variables plus the target's as `target/…` (the target is not trained). */
  override variables(): NamedVariable[] {
    const target = this.targetEntries().map((e) => ({ name: `target/${e.name}`, variable: e.variable, trainable: false }));
    return [...super.variables(), ...target];
  }
  override trainableVariables(): tf.Variable[] {
    return super.variables().filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Online prediction from a projection z: [B, P] → [B, P]. */
  protected predict(z: tf.Tensor2D, ctx: StepContext): tf.Tensor2D {
    return mlpHead(this.heads, 'predictor', z, true, ctx.training, this.pending);
  }

  /** Target projection (no gradient reaches the target: its variables are not trained). */
  private targetProject(x: tf.Tensor5D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.target.encode(x, { training });
      return mlpHead(this.targetHeads, 'projector', h, true, training, this.targetPending);
    });
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
    // the target's batch statistics are not kept: its state comes from the EMA below
    this.target.discardStatisticUpdates();
    for (const { value } of this.targetPending.splice(0)) value.dispose();
    const total = Math.max(0, Math.trunc(ctx.totalSteps));
    this.lastMomentum = cosineMomentum(ctx.globalStep + 1, total, this.momentumBase);
    const online = new Map(super.variables().map((e) => [e.name, e.variable]));
    const targets = this.targetEntries();
    emaUpdate(
      targets.map((e) => e.variable),
      targets.map((e) => online.get(e.name) as tf.Variable),
      this.lastMomentum,
    );
  }

  options(): Record<string, unknown> {
    return { ...this.baseOptions(), momentumBase: this.momentumBase };
  }

  override dispose(): void {
    super.dispose();
    this.target.dispose();
    for (const { value } of this.targetPending.splice(0)) value.dispose();
    this.targetHeads.dispose();
  }
}
