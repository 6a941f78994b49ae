/**
 * The shared part of the contrastive methods as engine plug-ins (src/train/method.ts):
 * the LSSL encoder (nn/autoencoder.ts, encoder half only: only `encoder/…` variables are
 * trained and checkpointed) and a projection head, fed with two views per item.
 *
 * Positives: `views` (default) — two augmentations of one scan (engine batch kind
 * 'views'); `visits` — two visits of one subject, each augmented (batch kind 'pairs'),
 * the bridge between the contrastive papers and LSSL.
 */
import * as tf from '@tensorflow/tfjs';
import { oneOf, positiveInteger } from '../checks.js';
import { inputError } from '../errors.js';
import { Autoencoder } from '../nn/autoencoder.js';
import type { AutoencoderOptions, Norm } from '../nn/options.js';
import { ParameterSet, type NamedVariable } from '../nn/params.js';
import { DEFAULT_VIEW_AUGMENTATION } from '../train/augment.js';
import { LSSL_PAIR_AUGMENTATION } from '../train/augmenter.js';
import type { Batch, BatchKind, LossResult, MethodAugmentation, StepContext } from '../train/method.js';
import { MlpHead, normalizedStd, type MlpHeadPreset, type MlpHeadSpec } from './heads.js';

export type Positives = 'views' | 'visits';

export interface ViewMethodOptions {
  network?: AutoencoderOptions;
  /** where the positive pairs come from (default 'views') */
  positives?: Positives;
  /** hidden width of the projector (default 256) */
  projectionHidden?: number;
  /** output size of the projector (default 128) */
  projectionSize?: number;
  /** batch norm (no affine) on the projector's output (default: SimSiam's yes, others no) */
  projectorOutputNorm?: boolean;
}

export function checkPositives(value: unknown): Positives {
  return oneOf('positives', value ?? 'views', ['views', 'visits'] as const);
}

/**
 * The encoder options of the contrastive methods: the caller's, with a linear latent and the
 * method's encoder normalisation unless asked otherwise.
 *
 * Linear latent: the representation h of SimCLR/BYOL is the encoder's pooled output, not a
 * bounded code (Chen et al. 2020, §2.1); with LSSL's tanh latent the heads' batch norm makes
 * the loss blind to the latent's scale, the weights grow under Adam, and tanh saturates to
 * ±1 for every scan — measured on the phantom at 32³: BYOL's embeddings were all ±1,
 * identical for all 72 scans, after 11 of 15 epochs (zstd 0.07 → 6e-9).
 *
 * Encoder batch norm for SimSiam, BYOL and DirectPred (their papers' ResNets have it):
 * without it the non-contrastive losses turn the conv filters into coherent sums (mean
 * filter weight / filter norm +2 to +3 in conv2–4, against −0.1 to +0.3 at init), so one
 * global-intensity direction carries 99.9 % of the embeddings' variance (effective rank
 * 1.6, embedding norm ~9000); with it BYOL keeps an effective rank of 11.6 (SimCLR 8.9).
 */
export function contrastiveNetwork(
  network: AutoencoderOptions | undefined,
  encoderNorm: Norm = 'none',
): AutoencoderOptions {
  return { ...network, latentActivation: network?.latentActivation ?? 'linear', norm: network?.norm ?? encoderNorm };
}

/** The two views of a batch, [B, D, H, W, 1] each. */
export function viewsOf(batch: Batch, method: string): [tf.Tensor5D, tf.Tensor5D] {
  if (batch.kind === 'views') return [batch.view1, batch.view2];
  if (batch.kind === 'pairs') return [batch.earlier, batch.later];
  throw new Error(`${method} trains on two views or two visits, not on ${batch.kind}`);
}

/** Encoder + projector, with the bookkeeping every contrastive method shares. */
export abstract class ViewMethod {
  abstract readonly name: string;
  readonly trains = true;
  readonly net: Autoencoder;
  readonly heads = new ParameterSet();
  readonly positives: Positives;
  readonly batchKind: BatchKind;
  readonly augmentation: MethodAugmentation;
  readonly projectionHidden: number;
  readonly projectionSize: number;
  readonly projectorOutputNorm: boolean;
  /** every head the method owns (their batch-norm statistics are applied after each step) */
  protected readonly mlpHeads: MlpHead[] = [];
  /** the projector's layout (MLP_HEAD_PRESETS) */
  protected abstract readonly projectorPreset: MlpHeadPreset;
  protected projector!: MlpHead;

  /**
   * `defaults`: what the method uses when the options do not say — batch norm on the
   * projector's output (SimSiam) and the encoder's normalisation (the non-contrastive methods).
   */
  constructor(options: ViewMethodOptions, defaults: { projectorOutputNorm?: boolean; encoderNorm?: Norm } = {}) {
    this.net = new Autoencoder(contrastiveNetwork(options.network, defaults.encoderNorm));
    this.positives = checkPositives(options.positives);
    this.batchKind = this.positives === 'views' ? 'views' : 'pairs';
    // Views must differ to teach anything, and two visits are augmented too (issue 7).
    this.augmentation = {
      options: this.positives === 'views' ? DEFAULT_VIEW_AUGMENTATION : LSSL_PAIR_AUGMENTATION,
      byDefault: true,
    };
    this.projectionHidden = positiveInteger('projectionHidden', options.projectionHidden ?? 256);
    this.projectionSize = positiveInteger('projectionSize', options.projectionSize ?? 128);
    const outputNorm = options.projectorOutputNorm ?? defaults.projectorOutputNorm ?? false;
    if (typeof outputNorm !== 'boolean')
      throw inputError(`projectorOutputNorm must be true or false, not ${JSON.stringify(outputNorm)}`);
    this.projectorOutputNorm = outputNorm;
  }

  /** Adds the projector; subclasses call it from their constructor (after projectorPreset is set). */
  protected addProjector(): void {
    this.projector = this.addHead('projector', this.projectorSpec(), this.net.config.seed + 1);
  }

  /** Adds head `name` to the method's parameters (checkpointed as `name/…`). */
  protected addHead(name: string, spec: MlpHeadSpec, seed: number): MlpHead {
    const head = new MlpHead(this.heads, name, spec, seed);
    this.mlpHeads.push(head);
    return head;
  }

  /** The projector's layout (BYOL's target copies it). */
  protected projectorSpec(): MlpHeadSpec {
    return {
      input: this.net.latentSize,
      hidden: this.projectionHidden,
      output: this.projectionSize,
      ...this.projectorPreset,
      outputNorm: this.projectorOutputNorm,
    };
  }

  get inputShape() {
    return this.net.config.inputShape;
  }
  get embeddingSize() {
    return this.net.latentSize;
  }

  protected encoderEntries(): NamedVariable[] {
    return this.net.params.entries.filter((e) => e.name.startsWith('encoder/'));
  }

  variables(): NamedVariable[] {
    return [...this.encoderEntries(), ...this.heads.entries];
  }
  trainableVariables(): tf.Variable[] {
    return this.variables()
      .filter((e) => e.trainable)
      .map((e) => e.variable);
  }

  /** x → projection z: [B, projectionSize]. */
  protected project(x: tf.Tensor5D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.net.encode(x, { training });
      return this.projector.apply(h, training);
    });
  }

  /** Loss parts plus the collapse monitor `zstd` (not part of the total). */
  protected result(total: tf.Scalar, name: string, z: tf.Tensor2D): LossResult {
    return { total, parts: { [name]: total, zstd: normalizedStd(z) } };
  }

  abstract loss(batch: Batch, ctx: StepContext): LossResult;

  afterStep(_ctx: StepContext): void {
    this.net.applyStatisticUpdates();
    for (const head of this.mlpHeads) head.applyStatisticUpdates();
  }

  encode(x: tf.Tensor5D): tf.Tensor2D {
    return this.net.encode(x);
  }

  protected baseOptions(): Record<string, unknown> {
    return {
      network: this.net.config,
      positives: this.positives,
      projectionHidden: this.projectionHidden,
      projectionSize: this.projectionSize,
      projectorOutputNorm: this.projectorOutputNorm,
    };
  }
  abstract options(): Record<string, unknown>;

  dispose(): void {
    this.net.dispose();
    for (const head of this.mlpHeads) head.discardStatisticUpdates();
    this.heads.dispose();
  }
}
