/**
 * Lab: feature decoupling by coordinate masking (Wen & Li, "Toward Understanding the
 * Feature Learning Process of Self-supervised Contrastive Learning", ICML 2021).
 *
 * Data (their sparse coding model, with the dense part placed where it can be measured):
 * coordinates split into a dictionary block (the first `dictionaryCoords`) and a noise
 * block (the last `noiseCoords`);
 *   x = M·z + ξ,  M: [d1, d] orthonormal columns supported on the dictionary block,
 *   z ∈ {−1, 0, 1}^d with P(z_j ≠ 0) = p (rare, random sign) — the sparse features,
 *   ξ ~ N(0, σ² I) on the noise block, 0 on the dictionary block — the dense features,
 * so span(M) and the dense subspace are orthogonal and the noise is spherical within its block.
 *
 * Views: with masking x⁺ = 2D·x, x⁺⁺ = 2(I−D)·x, D diagonal with iid Bernoulli(½) entries
 * (their augmentation): ξ's coordinates are independent, so ⟨w, 2Dξ⟩ and ⟨w, 2(I−D)ξ⟩ are
 * independent for any w, while a sparse feature z_j shows in both views (⟨M_j, 2D·M_j⟩ ≈ 1
 * because M_j is spread over many coordinates). Without masking: x + ε, x + ε′ with small
 * Gaussian ε (σ_aug), which keeps ξ fully shared between the views.
 * Network: one hidden layer f(x) = ReLU(W·x + b) trained with ntXentLoss on f(x⁺), f(x⁺⁺).
 * Their claim: with masking the neurons learn M's columns; without it, the dense features.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../rng.js';
import { inputError } from '../errors.js';
import { ntXentLoss } from '../contrastive/losses/ntxent.js';
import { randomOrthogonal } from './generator.js';
import { createDenseLayers, disposeLayers, layerVariables, mlpForward, trainWithAdam, type DenseLayer } from './mlp.js';
import { elapsedSeconds } from './options.js';
import { positiveInteger, positiveNumber, unitInterval } from '../checks.js';

export interface DecouplingOptions {
  seed?: number;
  /** Adam steps per run, with and without masking (default 500) */
  steps?: number;
  /** pairs per step (default 128) */
  batchSize?: number;
  /** number of sparse features d (default 16) */
  features?: number;
  /** coordinates carrying the dictionary (default 32) */
  dictionaryCoords?: number;
  /** coordinates carrying the dense noise (default 32) */
  noiseCoords?: number;
  /** P(z_j ≠ 0) (default 0.1) */
  sparsity?: number;
  /** standard deviation of each dense noise coordinate (default 0.5) */
  noiseStd?: number;
  /** std of the Gaussian view noise used without masking (default 0.1) */
  viewNoiseStd?: number;
  /** hidden ReLU neurons (default 64) */
  neurons?: number;
  temperature?: number;
  learningRate?: number;
}

export interface DecouplingResult {
  lab: 'decoupling';
  /** mean over M's columns of the best |cos| with any neuron's weight vector */
  alignment_with_masking: number;
  alignment_without_masking: number;
  /** mean over neurons of |cos| between the weight vector and the dense noise subspace */
  dense_alignment_with_masking: number;
  dense_alignment_without_masking: number;
  /** the same two measures at the shared initialisation */
  alignment_at_init: number;
  dense_alignment_at_init: number;
  seconds: number;
  settings: {
    seed: number;
    steps: number;
    batch_size: number;
    features: number;
    dictionary_coords: number;
    noise_coords: number;
    sparsity: number;
    noise_std: number;
    view_noise_std: number;
    neurons: number;
    temperature: number;
    learning_rate: number;
  };
}

interface DecouplingSetup {
  features: number;
  dictionaryCoords: number;
  noiseCoords: number;
  sparsity: number;
  noiseStd: number;
  /** [d1, d] row-major */
  dictionary: Float64Array;
}

export function runDecouplingLab(options: DecouplingOptions = {}): DecouplingResult {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const steps = positiveInteger('steps', options.steps ?? 500);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 128);
  const features = positiveInteger('features', options.features ?? 16);
  const dictionaryCoords = positiveInteger('dictionaryCoords', options.dictionaryCoords ?? 32);
  const noiseCoords = positiveInteger('noiseCoords', options.noiseCoords ?? 32);
  if (features > dictionaryCoords)
    throw inputError(
      `features (${features}) must not exceed dictionaryCoords (${dictionaryCoords}) for orthonormal columns`,
    );
  const sparsity = unitInterval('sparsity', options.sparsity ?? 0.1);
  const noiseStd = positiveNumber('noiseStd', options.noiseStd ?? 0.5);
  const viewNoiseStd = positiveNumber('viewNoiseStd', options.viewNoiseStd ?? 0.1);
  const neurons = positiveInteger('neurons', options.neurons ?? 64);
  const temperature = positiveNumber('temperature', options.temperature ?? 0.5);
  const learningRate = positiveNumber('learningRate', options.learningRate ?? 3e-3);

  const rng = createRng(seed);
  const setup: DecouplingSetup = {
    features,
    dictionaryCoords,
    noiseCoords,
    sparsity,
    noiseStd,
    dictionary: randomDictionary(dictionaryCoords + noiseCoords, dictionaryCoords, features, rng.fork('dictionary')),
  };
  const d1 = dictionaryCoords + noiseCoords;
  const train = (
    masking: boolean,
  ): { alignment: number; dense: number; init: { alignment: number; dense: number } } => {
    // Same initial network and the same data stream for both runs; only the views differ.
    const net = createDenseLayers([d1, neurons], rng.fork('network'));
    try {
      const init = measure(net[0], setup);
      const dataRng = rng.fork('data');
      const viewRng = rng.fork(masking ? 'masks' : 'view-noise');
      trainWithAdam(layerVariables(net), steps, learningRate, () => {
        const x = sampleData(setup, batchSize, dataRng);
        const [v1, v2] = masking ? maskedViews(x, d1, viewRng) : noisyViews(x, viewNoiseStd, viewRng);
        const t1 = tf.tensor2d(v1, [batchSize, d1]);
        const t2 = tf.tensor2d(v2, [batchSize, d1]);
        return ntXentLoss(mlpForward(net, t1, 'relu', true), mlpForward(net, t2, 'relu', true), temperature);
      });
      return { ...measure(net[0], setup), init };
    } finally {
      disposeLayers(net);
    }
  };
  const withMasking = train(true);
  const withoutMasking = train(false);
  return {
    lab: 'decoupling',
    alignment_with_masking: withMasking.alignment,
    alignment_without_masking: withoutMasking.alignment,
    dense_alignment_with_masking: withMasking.dense,
    dense_alignment_without_masking: withoutMasking.dense,
    alignment_at_init: withMasking.init.alignment,
    dense_alignment_at_init: withMasking.init.dense,
    seconds: elapsedSeconds(started),
    settings: {
      seed,
      steps,
      batch_size: batchSize,
      features,
      dictionary_coords: dictionaryCoords,
      noise_coords: noiseCoords,
      sparsity,
      noise_std: noiseStd,
      view_noise_std: viewNoiseStd,
      neurons,
      temperature,
      learning_rate: learningRate,
    },
  };
}

/** M: [d1, d] row-major, orthonormal columns on the first `support` coordinates, 0 below. */
export function randomDictionary(d1: number, support: number, features: number, rng: Rng): Float64Array {
  const q = randomOrthogonal(support, rng); // rows orthonormal: use the first `features` rows as columns
  const m = new Float64Array(d1 * features);
  for (let j = 0; j < features; j++) for (let i = 0; i < support; i++) m[i * features + j] = q[j * support + i];
  return m;
}

/** batch samples x = M·z + ξ: [batch, d1] row-major float32. */
function sampleData(s: DecouplingSetup, batch: number, rng: Rng): Float32Array {
  const d1 = s.dictionaryCoords + s.noiseCoords;
  const out = new Float32Array(batch * d1);
  for (let b = 0; b < batch; b++) {
    const row = b * d1;
    for (let j = 0; j < s.features; j++) {
      if (rng.next() >= s.sparsity) continue;
      const sign = rng.next() < 0.5 ? -1 : 1;
      for (let i = 0; i < s.dictionaryCoords; i++) out[row + i] += sign * s.dictionary[i * s.features + j];
    }
    for (let i = s.dictionaryCoords; i < d1; i++) out[row + i] = s.noiseStd * rng.normal();
  }
  return out;
}

/** x⁺ = 2D·x, x⁺⁺ = 2(I−D)·x with D_ii ~ Bernoulli(½) drawn per sample. */
export function maskedViews(x: Float32Array, d1: number, rng: Rng): [Float32Array, Float32Array] {
  const a = new Float32Array(x.length);
  const b = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) {
    if (rng.next() < 0.5) a[k] = 2 * x[k];
    else b[k] = 2 * x[k];
  }
  if (x.length % d1 !== 0) throw new Error(`data length ${x.length} is not a multiple of ${d1}`);
  return [a, b];
}

function noisyViews(x: Float32Array, std: number, rng: Rng): [Float32Array, Float32Array] {
  const a = x.map((v) => v + std * rng.normal());
  const b = x.map((v) => v + std * rng.normal());
  return [a, b];
}

/** Alignment of the hidden layer's weight vectors (kernel columns, [d1] each) with M and with the noise block. */
function measure(layer: DenseLayer, s: DecouplingSetup): { alignment: number; dense: number } {
  const d1 = s.dictionaryCoords + s.noiseCoords;
  const w = layer.kernel.dataSync(); // [d1, neurons]
  const neurons = layer.kernel.shape[1] as number;
  const norms = Array.from({ length: neurons }, (_, k) => {
    let ss = 0;
    for (let i = 0; i < d1; i++) ss += w[i * neurons + k] ** 2;
    return Math.sqrt(ss);
  });
  let alignment = 0;
  for (let j = 0; j < s.features; j++) {
    let best = 0;
    for (let k = 0; k < neurons; k++) {
      let dot = 0;
      for (let i = 0; i < s.dictionaryCoords; i++) dot += s.dictionary[i * s.features + j] * w[i * neurons + k];
      if (norms[k] > 0) best = Math.max(best, Math.abs(dot) / norms[k]);
    }
    alignment += best / s.features;
  }
  let dense = 0;
  for (let k = 0; k < neurons; k++) {
    let ss = 0;
    for (let i = s.dictionaryCoords; i < d1; i++) ss += w[i * neurons + k] ** 2;
    dense += norms[k] > 0 ? Math.sqrt(ss) / norms[k] / neurons : 0;
  }
  return { alignment, dense };
}
