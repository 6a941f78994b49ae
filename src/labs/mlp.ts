/**
 * The small networks of the labs: dense layers held as tf.variables (seeded He-normal
 * kernels, zero biases), a forward pass, and the Adam loop that trains them on a
 * contrastive loss. Everything created here is disposed by the caller via disposeLayers.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';
import type { Matrix } from '../math/linear.js';

export interface DenseLayer {
  /** [fanIn, fanOut] */
  kernel: tf.Variable;
  /** [fanOut] */
  bias: tf.Variable;
}

/** Seeded N(0, gain/fanIn) values for a [fanIn, fanOut] kernel (He et al. 2015 with gain 2). */
export function heKernel(fanIn: number, fanOut: number, rng: Rng, gain = 2): Float32Array {
  const std = Math.sqrt(gain / fanIn);
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  return out;
}

/** Layers sizes[0] → sizes[1] → … → sizes[k]; kernel values from `rng` in order. */
export function createDenseLayers(sizes: readonly number[], rng: Rng, gain = 2): DenseLayer[] {
  if (sizes.length < 2) throw new Error(`an MLP needs at least 2 sizes, not [${sizes}]`);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const values = heKernel(fanIn, fanOut, rng, gain);
    // tidy: the initial tensors go, the variables (never disposed by tidy) stay.
    layers.push(
      tf.tidy(() => ({
        kernel: tf.variable(tf.tensor2d(values, [fanIn, fanOut])),
        bias: tf.variable(tf.zeros([fanOut])),
      })),
    );
  }
  return layers;
}

export type Activation = 'relu' | 'leakyRelu';

/** x: [B, sizes[0]] → [B, sizes[k]]: activation after every layer but the last (linear), unless `activateLast`. */
export function mlpForward(
  layers: readonly DenseLayer[],
  x: tf.Tensor2D,
  activation: Activation,
  activateLast = false,
): tf.Tensor2D {
  let h = x;
  layers.forEach((layer, l) => {
    h = tf.add(tf.matMul(h, layer.kernel), layer.bias);
    if (l + 1 < layers.length || activateLast) h = activation === 'relu' ? tf.relu(h) : tf.leakyRelu(h, 0.2);
  });
  return h;
}

export function layerVariables(layers: readonly DenseLayer[]): tf.Variable[] {
  return layers.flatMap((l) => [l.kernel, l.bias]);
}

export function disposeLayers(layers: readonly DenseLayer[]): void {
  for (const l of layers) {
    l.kernel.dispose();
    l.bias.dispose();
  }
}

/**
 * Adam on `variables` for `steps` steps; `loss(step)` builds the scalar loss from a fresh
 * batch (it runs inside the optimizer's tidy). Returns the loss of the last `tail` steps,
 * averaged, read back once at the end so the loop never waits on the backend.
 */
export function trainWithAdam(
  variables: tf.Variable[],
  steps: number,
  learningRate: number,
  loss: (step: number) => tf.Scalar,
): number {
  const optimizer = tf.train.adam(learningRate);
  const tail = Math.min(steps, 20);
  const recent: tf.Scalar[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const value = optimizer.minimize(() => loss(step), step >= steps - tail, variables);
      if (value) recent.push(value);
    }
    if (recent.length === 0) return NaN;
    return recent.reduce((s, v) => s + v.dataSync()[0], 0) / recent.length;
  } finally {
    for (const v of recent) v.dispose();
    optimizer.dispose();
  }
}

/** A [rows, cols] tensor's values as a lab Matrix (Float64). */
export function tensorToMatrix(t: tf.Tensor2D): Matrix {
  return { rows: t.shape[0], cols: t.shape[1], data: Float64Array.from(t.dataSync()) };
}

/** Rows of numbers → a float32 [rows, cols] tensor. */
export function rowsToTensor(rows: readonly ArrayLike<number>[], cols: number): tf.Tensor2D {
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => data.set(Array.from(row), i * cols));
  return tf.tensor2d(data, [rows.length, cols]);
}

/** Rows of numbers → a Float64 Matrix. */
export function rowsToMatrix(rows: readonly ArrayLike<number>[], cols: number): Matrix {
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => data.set(Array.from(row), i * cols));
  return { rows: rows.length, cols, data };
}
