/**
 * The LSSL training step written with plain tf ops, for benchmarking the Conv3D kernels
 * independently of src/nn (docs/references.md, LSSL: Zhao et al., MedIA 2021).
 *
 * Encoder: 4 × [Conv3d(k3, 'same') → ReLU → MaxPool3d(2)], channels 1→16→32→64→16, so a 64³
 * scan gives z = 16·4³ = 1024 features. Decoder: 3 × [×2 nearest upsampling → Conv3d → ReLU],
 * 16→64→32→16, then ×2 upsampling → Conv3d to 1 channel, no activation.
 * Loss per pair: MSE(x_s, x̂_s) + MSE(x_t, x̂_t) + (1 − cos(z_t − z_s, τ)); Adam.
 * bench/lssl_step_torch.py is the same network and step in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import { upsampleNearest3d } from '../backend/kernels/index.js';
import { createRng } from '../rng.js';

/** [Cin, Cout] of each conv: encoder 4, decoder 4. */
export const ENCODER_CHANNELS: [number, number][] = [
  [1, 16],
  [16, 32],
  [32, 64],
  [64, 16],
];
export const DECODER_CHANNELS: [number, number][] = [
  [16, 64],
  [64, 32],
  [32, 16],
  [16, 1],
];

export interface LsslBenchModel {
  weights: tf.Variable[]; // conv filters [3,3,3,Cin,Cout] then biases [Cout], encoder then decoder
  tau: tf.Variable; // [1024]
}

/** He-uniform-like filters from a seeded generator (values only matter for timing). */
export function createModel(seed = 1, latent = 1024): LsslBenchModel {
  const rng = createRng(seed);
  const uniform = (shape: number[], bound: number): tf.Variable => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
    return tf.variable(tf.tensor(values, shape));
  };
  const weights: tf.Variable[] = [];
  for (const [cin, cout] of [...ENCODER_CHANNELS, ...DECODER_CHANNELS]) {
    const bound = 1 / Math.sqrt(27 * cin);
    weights.push(uniform([3, 3, 3, cin, cout], bound), uniform([cout], bound));
  }
  return { weights, tau: uniform([latent], 1) };
}

function conv(x: tf.Tensor5D, filter: tf.Tensor, bias: tf.Tensor): tf.Tensor5D {
  return tf.conv3d(x, filter as tf.Tensor5D, 1, 'same').add(bias);
}

/** x [N, S, S, S, 1] → z [N, 16·(S/16)³] */
export function encode(model: LsslBenchModel, x: tf.Tensor5D): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < 4; i++)
    h = tf.maxPool3d(tf.relu(conv(h, model.weights[2 * i], model.weights[2 * i + 1])), 2, 2, 'valid');
  return h.reshape([x.shape[0], -1]);
}

/** z [N, 16·(S/16)³] → x̂ [N, S, S, S, 1] */
export function decode(model: LsslBenchModel, z: tf.Tensor2D, size: number): tf.Tensor5D {
  const s = size / 16;
  let h = z.reshape([z.shape[0], s, s, s, 16]) as tf.Tensor5D;
  for (let i = 4; i < 8; i++) {
    h = conv(upsampleNearest3d(h), model.weights[2 * i], model.weights[2 * i + 1]);
    if (i < 7) h = tf.relu(h);
  }
  return h;
}

/** LSSL loss of a batch of pairs: xs, xt [B, S, S, S, 1]. */
export function lsslLoss(model: LsslBenchModel, xs: tf.Tensor5D, xt: tf.Tensor5D): tf.Scalar {
  const B = xs.shape[0];
  const x = tf.concat([xs, xt], 0);
  const z = encode(model, x);
  const recon = decode(model, z, xs.shape[1]);
  const mse = tf.losses.meanSquaredError(x, recon).mul(2); // mean over both halves ×2 = MSE_s + MSE_t
  const zs = z.slice([0, 0], [B, -1]);
  const zt = z.slice([B, 0], [B, -1]);
  const delta = zt.sub(zs);
  const tauUnit = model.tau.div(model.tau.norm());
  const cos = delta
    .matMul(tauUnit.reshape([-1, 1]))
    .reshape([B])
    .div(delta.norm('euclidean', 1).add(1e-8));
  return mse.add(tf.scalar(1).sub(cos).mean()) as tf.Scalar;
}

/** One training step (forward, backward, Adam); returns the loss. */
export function trainStep(model: LsslBenchModel, optimizer: tf.Optimizer, xs: tf.Tensor5D, xt: tf.Tensor5D): number {
  const loss = optimizer.minimize(() => lsslLoss(model, xs, xt), true, [...model.weights, model.tau]);
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}

/** Random pair batch [B, S, S, S, 1] × 2 from a seeded generator. */
export function randomPairs(batch: number, size: number, seed = 2): [tf.Tensor5D, tf.Tensor5D] {
  const rng = createRng(seed);
  const make = (): tf.Tensor5D => {
    const values = new Float32Array(batch * size ** 3);
    for (let i = 0; i < values.length; i++) values[i] = rng.normal();
    return tf.tensor5d(values, [batch, size, size, size, 1]);
  };
  return [make(), make()];
}
