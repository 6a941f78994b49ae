/**
 * The LSSL 3D convolutional autoencoder (Zhao et al., "Longitudinal self-supervised
 * learning", Medical Image Analysis 71:102051, 2021; the authors' code and the LNE
 * re-implementation of Ouyang et al., MICCAI 2021).
 *
 * Encoder, 4 blocks: conv 3³ 'same' → [batch norm] → ReLU → max-pool ×2, channels
 * 1→16→32→64→16, so a 64³ input leaves 16·4·4·4 = 1024 features; then optionally a dense
 * latent (default 512, tanh). Decoder, the mirror: dense back to the features (ReLU),
 * 4 blocks conv → [batch norm] → ReLU → ×2 nearest upsampling, channels 16→64→32→16→16,
 * and a final conv to 1 channel with no activation (the input is z-scored, so unbounded).
 *
 * Layout. tfjs' conv3d is NDHWC. lssl volumes are x-fastest (index i + nx·(j + ny·k)),
 * which is exactly a row-major [k][j][i] array, so a Volume of shape [nx, ny, nz] is a
 * [nz, ny, nx] = [D, H, W] tensor with no copy: D runs along the volume's z axis and
 * W along x. `volumesToTensor` does this.
 *
 * Parameters (logical names; c = channels, F = flattened features, L = latent size):
 *   encoder/conv{1..4}/kernel [3,3,3,c_{i-1},c_i], /bias [c_i]           (c_0 = 1)
 *   encoder/norm{1..4}/gamma|beta|movingMean|movingVariance [c_i]       (norm 'batch')
 *   encoder/latent/kernel [F, L], /bias [L]                              (latentSize ≠ null)
 *   decoder/latent/kernel [L, F], /bias [F]                              (latentSize ≠ null)
 *   decoder/conv{1..4}/kernel [3,3,3,in,out] with in→out c4→c3, c3→c2, c2→c1, c1→c1
 *   decoder/norm{1..4}/…  [out]                                         (norm 'batch')
 *   decoder/output/kernel [3,3,3,c1,1], /bias [1]
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors.js';
import type { Volume } from '../io/volume.js';
import {
  addBatchNorm,
  addConv3d,
  addDense,
  batchNorm,
  conv3d,
  dense,
  upsampledConv3d,
  type PendingAssign,
} from './layers.js';
import {
  bottleneckShape,
  featureSize,
  latentSizeOf,
  resolveAutoencoderOptions,
  type AutoencoderConfig,
  type AutoencoderOptions,
} from './options.js';
import { ParameterSet } from './params.js';
import { maxPool3dBy2 } from './ops.js';
import { he, PYTORCH_DEFAULT, type WeightInit } from './init.js';

/**
 * Variance gain of the tanh latent under He init. The pooled ReLU features of a z-scored
 * volume have an RMS of ~5 at He init (measured on the phantom at 32³), so LeCun's gain 1
 * starts 60 % of the latent beyond |z| > 0.99, where tanh passes no gradient (the
 * saturation pitfall of the authors' code); 1/16 starts the pre-activations near unit scale.
 */
export const TANH_LATENT_GAIN = 1 / 16;

/** The init of each kind of layer under the network's scheme. */
function layerInits(config: AutoencoderConfig): {
  conv: WeightInit;
  encoderLatent: WeightInit;
  decoderLatent: WeightInit;
} {
  if (config.init === 'pytorch')
    return { conv: PYTORCH_DEFAULT, encoderLatent: PYTORCH_DEFAULT, decoderLatent: PYTORCH_DEFAULT };
  return {
    conv: he(),
    encoderLatent: he(config.latentActivation === 'tanh' ? TANH_LATENT_GAIN : 2),
    decoderLatent: he(),
  };
}

export interface ForwardOptions {
  /** batch norm uses batch statistics and queues moving-average updates (default false) */
  training?: boolean;
}

export class Autoencoder {
  readonly config: AutoencoderConfig;
  readonly params = new ParameterSet();
  /** size of z */
  readonly latentSize: number;
  /** size of the flattened conv features (1024 at 64³) */
  readonly featureSize: number;
  private readonly pending: PendingAssign[] = [];

  constructor(options: AutoencoderOptions = {}) {
    this.config = resolveAutoencoderOptions(options);
    this.latentSize = latentSizeOf(this.config);
    this.featureSize = featureSize(this.config);
    const { channels, seed, norm, latentSize } = this.config;
    const init = layerInits(this.config);
    const encoderIn = [1, channels[0], channels[1], channels[2]];
    for (let i = 0; i < 4; i++) {
      addConv3d(this.params, `encoder/conv${i + 1}`, encoderIn[i], channels[i], seed, init.conv);
      if (norm === 'batch') addBatchNorm(this.params, `encoder/norm${i + 1}`, channels[i]);
    }
    if (latentSize !== null) {
      addDense(this.params, 'encoder/latent', this.featureSize, latentSize, seed, init.encoderLatent);
      addDense(this.params, 'decoder/latent', latentSize, this.featureSize, seed, init.decoderLatent);
    }
    for (const [i, [cin, cout]] of this.decoderWidths().entries()) {
      addConv3d(this.params, `decoder/conv${i + 1}`, cin, cout, seed, init.conv);
      if (norm === 'batch') addBatchNorm(this.params, `decoder/norm${i + 1}`, cout);
    }
    addConv3d(this.params, 'decoder/output', channels[0], 1, seed, init.conv);
  }

  private decoderWidths(): [number, number][] {
    const [c1, c2, c3, c4] = this.config.channels;
    return [
      [c4, c3],
      [c3, c2],
      [c2, c1],
      [c1, c1],
    ];
  }

  /** Refuses a batch the network cannot take, naming both shapes. */
  checkInput(x: tf.Tensor): void {
    const [d, h, w] = this.config.inputShape;
    const ok = x.rank === 5 && x.shape[1] === d && x.shape[2] === h && x.shape[3] === w && x.shape[4] === 1;
    if (!ok) throw inputError(`this network takes volumes of shape [B,${d},${h},${w},1], not [${x.shape.join(',')}]`);
  }

  /** x: [B, D, H, W, 1] → flattened conv features [B, F]. */
  features(x: tf.Tensor5D, options: ForwardOptions = {}): tf.Tensor2D {
    this.checkInput(x);
    const training = options.training ?? false;
    return tf.tidy(() => {
      let h = x;
      for (let i = 1; i <= 4; i++) {
        h = conv3d(this.params, `encoder/conv${i}`, h);
        if (this.config.norm === 'batch') h = batchNorm(this.params, `encoder/norm${i}`, h, training, this.pending);
        // relu(maxPool(h)) = maxPool(relu(h)) (ReLU is monotone) and so are their gradients
        // (a window whose max is ≤ 0 passes no gradient either way); this order runs the ReLU
        // and its gradient on the pooled tensor, 8× smaller
        h = tf.relu(maxPool3dBy2(h));
      }
      return tf.reshape(h, [x.shape[0], this.featureSize]);
    });
  }

  /** features [B, F] → z [B, L] (identity when there is no dense latent). */
  latent(features: tf.Tensor2D): tf.Tensor2D {
    if (this.config.latentSize === null) return features.clone();
    return tf.tidy(() => {
      const a = dense(this.params, 'encoder/latent', features);
      return this.config.latentActivation === 'tanh' ? tf.tanh(a) : a;
    });
  }

  /** x: [B, D, H, W, 1] → z: [B, L]. */
  encode(x: tf.Tensor5D, options: ForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.latent(this.features(x, options)));
  }

  /** z: [B, L] → x̂: [B, D, H, W, 1]. */
  decode(z: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor5D {
    if (z.rank !== 2 || z.shape[1] !== this.latentSize) {
      throw inputError(`this decoder takes latents of shape [B,${this.latentSize}], not [${z.shape.join(',')}]`);
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      const flat = this.config.latentSize === null ? z : tf.relu(dense(this.params, 'decoder/latent', z));
      let h = tf.reshape(flat, [z.shape[0], ...bottleneckShape(this.config)]) as tf.Tensor5D;
      // each block ends in a ×2 upsampling, done by the next conv (upsampledConv3d)
      for (let i = 1; i <= 4; i++) {
        h = i === 1 ? conv3d(this.params, 'decoder/conv1', h) : upsampledConv3d(this.params, `decoder/conv${i}`, h);
        if (this.config.norm === 'batch') h = batchNorm(this.params, `decoder/norm${i}`, h, training, this.pending);
        h = tf.relu(h);
      }
      return upsampledConv3d(this.params, 'decoder/output', h);
    });
  }

  /** Trainable variables (everything but batch-norm moving statistics). */
  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  /** Assigns the moving statistics queued by training-mode passes; call after the optimizer step. */
  applyStatisticUpdates(): void {
    for (const { variable, value } of this.pending.splice(0)) {
      variable.assign(value);
      value.dispose();
    }
  }

  /** Drops queued moving statistics (e.g. after an abandoned step). */
  discardStatisticUpdates(): void {
    for (const { value } of this.pending.splice(0)) value.dispose();
  }

  dispose(): void {
    this.discardStatisticUpdates();
    this.params.dispose();
  }
}

export function createAutoencoder(options: AutoencoderOptions = {}): Autoencoder {
  return new Autoencoder(options);
}

/**
 * Stacks x-fastest volumes (each [nx, ny, nz]) into a [B, nz, ny, nx, 1] tensor, no
 * reordering (see the layout note above).
 */
export function volumesToTensor(
  volumes: readonly Float32Array[],
  shape: readonly [number, number, number],
): tf.Tensor5D {
  const [nx, ny, nz] = shape;
  const size = nx * ny * nz;
  const data = new Float32Array(volumes.length * size);
  volumes.forEach((v, b) => {
    if (v.length !== size) throw inputError(`volume ${b} has ${v.length} voxels, not ${nx}×${ny}×${nz} = ${size}`);
    data.set(v, b * size);
  });
  return tf.tensor5d(data, [volumes.length, nz, ny, nx, 1]);
}

/** A Volume's [nx, ny, nz] as the network's [D, H, W]. */
export function volumeToNetworkShape(volume: Pick<Volume, 'shape'>): [number, number, number] {
  const [nx, ny, nz] = volume.shape;
  return [nz, ny, nx];
}
