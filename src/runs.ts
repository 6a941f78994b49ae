/**
 * Reading a run folder back: a finished run's method rebuilt from config.json with the best
 * checkpoint's weights, ready to embed scans; and what resuming an interrupted run needs (the
 * method, the engine options and whether it augmented, all from config.json). These sit above
 * the method registry (they need createMethod), not in src/train.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inputError } from './errors.js';
import { type DataVolume, volumeOf } from './math/data-input.js';
import { positiveInteger } from './checks.js';
import { volumesToTensor } from './nn/autoencoder.js';
import type { Method } from './train/method.js';
import type { TrainOptions } from './train/options.js';
import { createMethod } from './methods.js';
import { assignVariables, readRunConfig, type RunConfig } from './train/run.js';
import { readWeights } from './train/weights.js';

export interface TrainedRun {
  dir: string;
  config: RunConfig;
  /** the method holding the best weights (inference only) */
  method: Method;
  /** unit τ [L] for methods that learn a direction (LSSL), else undefined */
  direction?: Float32Array;
  /**
   * Embeds x-fastest volumes of shape [nx, ny, nz] (or [nz, ny, nx] tensors, read and not
   * disposed) in batches: one Float32Array of method.embeddingSize per volume, in input
   * order. Leaves no tensors behind.
   */
  embedVolumes(volumes: readonly DataVolume[], shape: [number, number, number], batchSize?: number): Float32Array[];
  dispose(): void;
}

/** Rebuilds a run's method from config.json (fresh weights; e.g. to resume it). */
export async function methodForRun(dir: string): Promise<Method> {
  const config = await readRunConfig(dir);
  return createMethod(config.method, config.methodOptions);
}

/** What `train` needs to continue a run: its own method, options and augmentation switch. */
export interface ResumePlan {
  config: RunConfig;
  /** the run's method with fresh weights; train() loads the checkpoint into it */
  method: Method;
  /** the run's engine options, with `epochs` replaced when given */
  options: TrainOptions;
  /** whether the run augmented its batches (with the method's declared augmentation) */
  augment: boolean;
}

/**
 * Plans the resumption of the run in `dir`: refuses a `method` other than the run's, and
 * keeps every saved setting except the number of epochs, which may grow.
 */
export async function resumePlan(dir: string, request: { method?: string; epochs?: number } = {}): Promise<ResumePlan> {
  const config = await readRunConfig(dir);
  const method = createMethod(config.method, config.methodOptions);
  if (request.method !== undefined && config.method !== request.method) {
    method.dispose();
    throw inputError(`--method ${request.method} differs from the run's method ${config.method}`);
  }
  const training = config.training as TrainOptions & { augment?: boolean };
  const { augment, ...saved } = training;
  return {
    config,
    method,
    options: { ...saved, epochs: request.epochs ?? training.epochs },
    augment: augment === true,
  };
}

/** Opens RUN: config + best weights (RUN/model.json + weights.bin). */
export async function openRun(dir: string): Promise<TrainedRun> {
  const config = await readRunConfig(dir);
  const modelPath = join(dir, 'model.json');
  if (!(await fs.stat(modelPath).catch(() => null))) {
    throw inputError('the run has no model yet (no finished epoch); train it or --resume it', modelPath);
  }
  const method = createMethod(config.method, config.methodOptions);
  try {
    const { tensors } = await readWeights(dir);
    try {
      assignVariables(method, tensors, modelPath);
    } finally {
      tf.dispose([...tensors.values()]);
    }
  } catch (error) {
    method.dispose();
    throw error;
  }
  const direction = method.direction?.();
  return {
    dir,
    config,
    method,
    direction,
    embedVolumes(volumes, shape, batchSize = 8) {
      positiveInteger('batchSize', batchSize);
      const rows: Float32Array[] = [];
      for (let i = 0; i < volumes.length; i += batchSize) {
        const z = tf.tidy(() => {
          const batch = volumes.slice(i, i + batchSize).map((v, b) => volumeOf(v, shape, `volumes[${i + b}]`));
          const x = volumesToTensor(batch, shape);
          return method.encode(x).dataSync() as Float32Array;
        });
        const size = method.embeddingSize;
        for (let b = 0; b * size < z.length; b++) rows.push(z.slice(b * size, (b + 1) * size));
      }
      return rows;
    },
    dispose: () => method.dispose(),
  };
}
