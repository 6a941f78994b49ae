/**
 * Supervised contrastive loss L_out (Khosla et al., NeurIPS 2020, eq. 2), with the same
 * value as the authors' `SupConLoss` (HobbitLong/SupContrast, losses.py, contrast_mode
 * 'all') for the same features.
 *
 * features [B, V, D] are used as given (the authors normalise in the model's head, not in
 * the loss; normalise them first). Anchors are all B·V views, ordered view-major like the
 * authors' `torch.cat(torch.unbind(features, 1))`. For anchor i:
 *   logit_ij = a_i·a_j / τ,   log_prob_ij = logit_ij − log Σ_{k≠i} exp(logit_ik),
 *   loss_i   = −(τ/τ_base) · mean_{p∈P(i)} log_prob_ip,
 * P(i) = the other views with the same label (without labels: the other views of the same
 * sample, which is SimCLR's loss). The final loss is the mean of loss_i over all B·V
 * anchors.
 *
 * The authors subtract the row max (self included) before the exponential; log_prob is
 * invariant to any per-row shift, so `tf.logSumExp` (which subtracts the max of the
 * non-self logits) gives the same value and the same gradient, and cannot underflow to
 * log 0 when τ is tiny.
 *
 * Anchors without a positive (only possible with V = 1 and a label that occurs once in the
 * batch) contribute 0 and still count in the mean over B·V anchors. The authors divide by
 * the positive count, 0/0, so their loss is NaN in that case; whenever every anchor has a
 * positive (always when V ≥ 2) the two agree exactly.
 *
 * Identity with NT-Xent: for V = 2 and no labels, supConLoss(f, undefined,
 * { temperature: t, baseTemperature: b }) = (t / b) · ntXentLoss(f[:,0], f[:,1], t) for
 * unit-norm f; with b = t the two are equal.
 *
 * Shapes: features [B, V, D], labels [B] class indices (an array or a tensor, or none) → scalar.
 *
 * @example
 *   const f = tf.stack([l2NormalizeRows(z1), l2NormalizeRows(z2)], 1); // [B, 2, D]
 *   const loss = supConLoss(f, [0, 1, 0, 2], { temperature: 0.07 }); // class indices
 */
import * as tf from '@tensorflow/tfjs';
import { checkTemperature } from '../../math/cosine.js';
import { type DataValues, valuesOf } from '../../math/data-input.js';

export interface SupConOptions {
  /** τ, dividing the logits (default 0.07, the authors') */
  temperature?: number;
  /** τ_base: the loss is scaled by τ/τ_base (default 0.07) */
  baseTemperature?: number;
}

const EXCLUDED_LOGIT = -1e30;

/**
 * features: [B, V, D] (B samples, V views each, unit-norm D-vectors);
 * labels: [B] class labels (integers; number[], Int32Array or a 1D tensor, read and not
 * disposed), or undefined for the unsupervised (SimCLR) case.
 * Returns a scalar.
 */
export function supConLoss(features: tf.Tensor3D, labelData?: DataValues, options: SupConOptions = {}): tf.Scalar {
  const labels = labelData === undefined ? undefined : valuesOf(labelData, 'labels');
  const temperature = options.temperature ?? 0.07;
  const baseTemperature = options.baseTemperature ?? 0.07;
  checkTemperature('temperature', temperature);
  checkTemperature('baseTemperature', baseTemperature);
  if (features.rank !== 3) throw new Error(`features must be [batch, views, dim], not shape [${features.shape}]`);
  const [batch, views] = features.shape;
  if (batch < 1 || views < 1)
    throw new Error(`features need at least one sample and one view, not shape [${features.shape}]`);
  if (labels !== undefined && labels.length !== batch) {
    throw new Error(`labels must have one entry per sample (${batch}), not ${labels.length}`);
  }
  if (labels !== undefined) {
    const bad = Array.from(labels).findIndex((l) => !Number.isFinite(l));
    if (bad >= 0) throw new Error(`labels must be finite numbers, not ${labels[bad]} at index ${bad}`);
  }
  const { positives, counts } = positiveMask(batch, views, labels);
  const anchors = batch * views;
  return tf.tidy(() => {
    const contrast = tf.reshape(tf.transpose(features, [1, 0, 2]), [anchors, -1]) as tf.Tensor2D; // view-major
    const logits = tf.div(tf.matMul(contrast, contrast, false, true), temperature);
    const denominator = tf.logSumExp(tf.add(logits, tf.mul(tf.eye(anchors), EXCLUDED_LOGIT)), 1, true);
    const logProb = tf.sub(logits, denominator); // [BV, BV]
    const positiveSum = tf.sum(tf.mul(logProb, tf.tensor2d(positives, [anchors, anchors])), 1);
    const meanLogProbPositive = tf.div(positiveSum, tf.tensor1d(counts.map((c) => Math.max(c, 1))));
    return tf.mul(tf.mean(meanLogProbPositive), -temperature / baseTemperature) as tf.Scalar;
  });
}

/**
 * The positive mask over the B·V view-major anchors (1 where same label and not self)
 * and the number of positives per anchor.
 */
function positiveMask(
  batch: number,
  views: number,
  labels?: ArrayLike<number>,
): { positives: Float32Array; counts: number[] } {
  const anchors = batch * views;
  const positives = new Float32Array(anchors * anchors);
  const counts = new Array<number>(anchors).fill(0);
  for (let i = 0; i < anchors; i++) {
    const si = i % batch;
    for (let j = 0; j < anchors; j++) {
      if (i === j) continue;
      const sj = j % batch;
      const same = labels === undefined ? si === sj : labels[si] === labels[sj];
      if (same) {
        positives[i * anchors + j] = 1;
        counts[i]++;
      }
    }
  }
  return { positives, counts };
}
