/**
 * Supervised fine-tuning as an engine plug-in (src/train/method.ts), so fine-tuning runs
 * through the one training loop every pretraining method uses (batches, AdamW, LR plateau,
 * validation pass): the pretrained encoder of a run, followed by the head
 *
 *   z [B, L] → Linear(L, 64) → ReLU → Linear(64, K)   (K classes: softmax cross-entropy)
 *                                    → Linear(64, 1)   (numeric: MSE on the z-scored target)
 *
 * trained end to end (LSSL paper, Zhao et al., MedIA 71:102051, 2021, §4.3: "fine-tuning
 * the encoder with a classifier on top" to compare how quickly pretrainings converge).
 *
 * Only the encoder's variables (`encoder/…`) and the head are trained and given optimizer
 * state; the decoder, τ and projection heads of the pretraining are left as they are.
 * The encoder runs through the base method's `encode` (inference mode), so batch-norm
 * moving statistics, when the network has any, stay at their pretrained values while γ, β
 * and every convolution train — the usual choice when fine-tuning with small batches.
 */
import * as tf from '@tensorflow/tfjs';
import { MLP_HEAD_PRESETS, MlpHead } from '../../nn/mlp-head.js';
import { ParameterSet, type NamedVariable } from '../../nn/params.js';
import type { ScanRef } from '../../train/data.js';
import { LSSL_PAIR_AUGMENTATION } from '../../train/augmenter.js';
import type { Batch, LossResult, Method, MethodAugmentation } from '../../train/method.js';

/** What the head predicts: class indices into `classes`, or a number z-scored by mean/sd. */
export type FinetuneTarget =
  | { kind: 'class'; classes: readonly string[] }
  | { kind: 'numeric'; mean: number; sd: number };

export interface FinetuneHeadOptions {
  /** width of the hidden layer (default 64) */
  hidden?: number;
  /** seed of the head's initialisation (default 0) */
  seed?: number;
}

export const HEAD_PREFIX = 'finetune';

export class FinetuneMethod implements Method {
  readonly name = 'finetune';
  readonly batchKind = 'scans' as const;
  /** fine-tuning reads the scans as they are */
  readonly augmentation: MethodAugmentation = { options: LSSL_PAIR_AUGMENTATION, byDefault: false };
  readonly trains = true;
  readonly partNames: readonly string[];
  readonly head = new ParameterSet();
  /** Linear(L, hidden) → ReLU → Linear(hidden, K): MLP_HEAD_PRESETS.finetune */
  private readonly mlp: MlpHead;
  readonly hidden: number;
  private readonly encoderVariables: NamedVariable[];
  private readonly classIndex: Map<string, number>;

  /** Takes ownership of `base` (disposed with this method). */
  constructor(
    readonly base: Method,
    readonly target: FinetuneTarget,
    options: FinetuneHeadOptions = {},
  ) {
    this.hidden = options.hidden ?? 64;
    const seed = options.seed ?? 0;
    const all = base.variables();
    const encoder = all.filter((v) => v.name.startsWith('encoder/'));
    this.encoderVariables = encoder.length > 0 ? encoder : all;
    this.partNames = target.kind === 'class' ? ['ce'] : ['mse'];
    this.classIndex = new Map(target.kind === 'class' ? target.classes.map((c, i) => [c, i]) : []);
    const outputs = target.kind === 'class' ? target.classes.length : 1;
    const sizes = { input: base.embeddingSize, hidden: this.hidden, output: outputs };
    this.mlp = new MlpHead(this.head, HEAD_PREFIX, { ...sizes, ...MLP_HEAD_PRESETS.finetune }, seed);
  }

  get inputShape() {
    return this.base.inputShape;
  }
  get embeddingSize() {
    return this.base.embeddingSize;
  }
  variables(): NamedVariable[] {
    return [...this.encoderVariables, ...this.head.entries];
  }
  trainableVariables(): tf.Variable[] {
    return this.variables()
      .filter((v) => v.trainable)
      .map((v) => v.variable);
  }

  /** x: [B, D, H, W, 1] → head output [B, K] logits (classes) or [B, 1] z-scored value. */
  forward(x: tf.Tensor5D): tf.Tensor2D {
    return tf.tidy(() => {
      const z = this.base.encode(x);
      return this.mlp.apply(z, false);
    });
  }

  /** The class index of a scan's label; every scan the engine sees has one (data.ts). */
  classOf(item: ScanRef): number {
    const index = this.classIndex.get(String(item.label));
    if (index === undefined)
      throw new Error(
        `scan ${item.key} has label ${String(item.label)}, not one of ${[...this.classIndex.keys()].join(', ')}`,
      );
    return index;
  }

  loss(batch: Batch): LossResult {
    if (batch.kind !== 'scans') throw new Error(`fine-tuning trains on labelled scans, not ${batch.kind}`);
    const out = this.forward(batch.x);
    if (this.target.kind === 'class') {
      const k = this.target.classes.length;
      const labels = tf.oneHot(
        tf.tensor1d(
          batch.items.map((s) => this.classOf(s)),
          'int32',
        ),
        k,
      );
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(out)), 1))) as tf.Scalar;
      return { total: ce, parts: { ce } };
    }
    const { mean, sd } = this.target;
    const y = tf.tensor2d(
      batch.items.map((s) => (Number(s.label) - mean) / sd),
      [batch.items.length, 1],
    );
    const mse = tf.mean(tf.squaredDifference(out, y)) as tf.Scalar;
    return { total: mse, parts: { mse } };
  }

  /**
   * Predictions for x [B, D, H, W, 1] in inference mode: class probabilities [B, K] (rows of
   * softmax) or the numeric target in its own units [B, 1]. Leaves no tensors behind.
   */
  predict(x: tf.Tensor5D): Float32Array[] {
    const flat = tf.tidy(() => {
      const out = this.forward(x);
      if (this.target.kind === 'class') return tf.softmax(out).dataSync() as Float32Array;
      return tf.add(tf.mul(out, this.target.sd), this.target.mean).dataSync() as Float32Array;
    });
    const width = this.target.kind === 'class' ? this.target.classes.length : 1;
    return Array.from({ length: x.shape[0] }, (_, b) => flat.slice(b * width, (b + 1) * width));
  }

  encode(x: tf.Tensor5D): tf.Tensor2D {
    return this.base.encode(x);
  }
  options(): Record<string, unknown> {
    return { base: this.base.name, baseOptions: this.base.options(), target: this.target, hidden: this.hidden };
  }
  dispose(): void {
    this.base.dispose();
    this.head.dispose();
  }
}
