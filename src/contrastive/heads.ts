/**
 * The heads of the contrastive methods: the projector and predictor are nn/mlp-head.ts's
 * MlpHead with the methods' presets (MLP_HEAD_PRESETS: SimCLR/SupCon's projector with batch
 * norm, SimSiam's with an affine-free output norm, BYOL's projector and predictor), built by
 * the methods themselves; and lightly's collapse monitor on their outputs.
 */
import * as tf from '@tensorflow/tfjs';
import { l2NormalizeRows } from '../math/cosine.js';

export { MLP_HEAD_PRESETS, MlpHead, type MlpHeadPreset, type MlpHeadSpec } from '../nn/mlp-head.js';

/**
 * lightly's collapse monitor: the mean over dimensions of the per-dimension std (across
 * the batch) of the L2-normalised outputs z: [B, D]. About 1/√D for well-spread outputs,
 * 0 for a collapsed representation.
 */
export function normalizedStd(z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const unit = l2NormalizeRows(z);
    return tf.mean(tf.sqrt(tf.moments(unit, 0).variance)) as tf.Scalar;
  });
}
