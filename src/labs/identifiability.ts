/**
 * Lab: contrastive learning inverts the data-generating process (Zimmermann, Sharma,
 * Schneider, Bethge, Brendel, "Contrastive Learning Inverts the Data Generating Process",
 * ICML 2021). Latents z uniform on S^{n−1}, positives z̃ ~ vMF(z, κ), observations
 * x = g(z) through a random invertible MLP; an MLP encoder h with L2-normalised output is
 * trained with InfoNCE (their one-directional form, infoNceLoss) at τ = 1/κ on (g(z), g(z̃)) pairs, the other batch rows being the
 * negatives. Theory (their Thm. 2): the minimiser satisfies h∘g = orthogonal map, so a
 * linear regression from h(x) back to z reaches R² → 1. The untrained encoder is the floor.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../rng.js';
import { infoNceLoss } from './infonce.js';
import { l2NormalizeRows } from '../math/cosine.js';
import type { Matrix } from '../math/linear.js';
import { createInvertibleGenerator, generate, layerConditionNumbers, type InvertibleGenerator } from './generator.js';
import { sampleUniformSphere, sampleVonMisesFisher } from './vmf.js';
import {
  createDenseLayers,
  disposeLayers,
  layerVariables,
  mlpForward,
  rowsToMatrix,
  rowsToTensor,
  tensorToMatrix,
  trainWithAdam,
  type DenseLayer,
} from './mlp.js';
import { linearReadoutR2, meanCorrelationCoefficient } from './metrics.js';
import { elapsedSeconds } from './options.js';
import { positiveInteger, positiveNumber } from '../checks.js';

export interface IdentifiabilityOptions {
  seed?: number;
  /** Adam steps (default 1000) */
  steps?: number;
  /** pairs per step (default 256) */
  batchSize?: number;
  /** latent dimension n (default 10) */
  latentDim?: number;
  /** vMF concentration of positives (default 10); the InfoNCE temperature is 1/κ unless given */
  kappa?: number;
  temperature?: number;
  /** encoder hidden widths (default [64, 64, 64]) */
  hidden?: number[];
  learningRate?: number;
  /** fresh samples for fitting and, again, for scoring the linear read-out (default 4000 each) */
  evalSamples?: number;
}

export interface IdentifiabilityResult {
  lab: 'identifiability';
  /** mean over latents of the held-out R² of a linear regression h(x) → z, trained encoder */
  r2: number;
  /** mean |corr| between latents and output units after Hungarian matching, trained encoder */
  mcc: number;
  r2_untrained: number;
  mcc_untrained: number;
  /** mean InfoNCE over the last 20 steps */
  final_loss: number;
  seconds: number;
  settings: {
    seed: number;
    steps: number;
    batch_size: number;
    latent_dim: number;
    kappa: number;
    temperature: number;
    hidden: number[];
    learning_rate: number;
    eval_samples: number;
    generator_condition_numbers: number[];
  };
}

export function runIdentifiabilityLab(options: IdentifiabilityOptions = {}): IdentifiabilityResult {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const steps = positiveInteger('steps', options.steps ?? 1000);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 256);
  const n = positiveInteger('latentDim', options.latentDim ?? 10);
  const kappa = positiveNumber('kappa', options.kappa ?? 10);
  const temperature = positiveNumber('temperature', options.temperature ?? 1 / kappa);
  const hidden = options.hidden ?? [64, 64, 64];
  const learningRate = positiveNumber('learningRate', options.learningRate ?? 3e-3);
  const evalSamples = positiveInteger('evalSamples', options.evalSamples ?? 4000);

  const rng = createRng(seed);
  const generator = createInvertibleGenerator(n, rng.fork('generator'));
  const encoder = createDenseLayers([n, ...hidden, n], rng.fork('encoder'));
  try {
    const evalRng = rng.fork('evaluation');
    const fitSet = drawObservations(generator, evalSamples, evalRng);
    const testSet = drawObservations(generator, evalSamples, evalRng);
    const before = scoreEncoder(encoder, generator.n, fitSet, testSet);

    const dataRng = rng.fork('training');
    const finalLoss = trainWithAdam(layerVariables(encoder), steps, learningRate, () => {
      const { x, xPositive } = drawPositivePairs(generator, batchSize, kappa, dataRng);
      const x1 = rowsToTensor(x, n);
      const x2 = rowsToTensor(xPositive, n);
      return infoNceLoss(mlpForward(encoder, x1, 'leakyRelu'), mlpForward(encoder, x2, 'leakyRelu'), temperature);
    });
    const after = scoreEncoder(encoder, generator.n, fitSet, testSet);
    return {
      lab: 'identifiability',
      r2: after.r2,
      mcc: after.mcc,
      r2_untrained: before.r2,
      mcc_untrained: before.mcc,
      final_loss: finalLoss,
      seconds: elapsedSeconds(started),
      settings: {
        seed,
        steps,
        batch_size: batchSize,
        latent_dim: n,
        kappa,
        temperature,
        hidden: [...hidden],
        learning_rate: learningRate,
        eval_samples: evalSamples,
        generator_condition_numbers: layerConditionNumbers(generator),
      },
    };
  } finally {
    disposeLayers(encoder);
  }
}

interface Observations {
  /** [N, n] true latents */
  z: Matrix;
  /** [N, n] observations g(z) */
  x: Float64Array[];
}

function drawObservations(g: InvertibleGenerator, count: number, rng: Rng): Observations {
  const z = Array.from({ length: count }, () => sampleUniformSphere(g.n, rng));
  return { z: rowsToMatrix(z, g.n), x: z.map((zi) => generate(g, zi)) };
}

/** batch pairs (g(z), g(z̃)) with z uniform on the sphere and z̃ ~ vMF(z, κ). */
export function drawPositivePairs(
  g: InvertibleGenerator,
  batch: number,
  kappa: number,
  rng: Rng,
): { x: Float64Array[]; xPositive: Float64Array[] } {
  const x: Float64Array[] = [];
  const xPositive: Float64Array[] = [];
  for (let i = 0; i < batch; i++) {
    const z = sampleUniformSphere(g.n, rng);
    x.push(generate(g, z));
    xPositive.push(generate(g, sampleVonMisesFisher(z, kappa, rng)));
  }
  return { x, xPositive };
}

/** The normalised representation h(x) = f(x)/‖f(x)‖ of every observation: [N, n]. */
function represent(encoder: readonly DenseLayer[], n: number, x: Float64Array[]): Matrix {
  const h = tf.tidy(() => l2NormalizeRows(mlpForward(encoder, rowsToTensor(x, n), 'leakyRelu')));
  const out = tensorToMatrix(h);
  h.dispose();
  return out;
}

function scoreEncoder(
  encoder: readonly DenseLayer[],
  n: number,
  fitSet: Observations,
  testSet: Observations,
): { r2: number; mcc: number } {
  const hFit = represent(encoder, n, fitSet.x);
  const hTest = represent(encoder, n, testSet.x);
  return { r2: linearReadoutR2(hFit, fitSet.z, hTest, testSet.z), mcc: meanCorrelationCoefficient(testSet.z, hTest) };
}
