/** Shared helpers for the contrastive method tests: a view augmenter and a short engine run. */
import * as tf from '@tensorflow/tfjs';
import { applyIntensity, applySpatial, drawIntensity, drawSpatial } from '../../src/train/augment.js';
import type { VolumeAugmenter } from '../../src/train/batches.js';
import { train } from '../../src/train/engine.js';
import type { TrainingData } from '../../src/train/data.js';
import type { Method } from '../../src/train/method.js';
import type { HistoryRow } from '../../src/train/history.js';

/** Small crops, flips and noise: enough to make two views differ at 16³. */
export const testAugmenter: VolumeAugmenter = (volume, shape, draws) => {
  const spatial = drawSpatial(draws.spatial, shape, {
    flip: { axes: [0] },
    affine: { degrees: 5, scales: 0.05, translation: 1 },
  });
  const intensity = drawIntensity(draws.intensity, { noise: { std: 0.05 } });
  return applyIntensity(applySpatial(volume, shape, spatial), shape, intensity);
};

export const tinyNetwork = { inputShape: 16, latentSize: 8, channels: [4, 4, 4, 4], seed: 1 } as const;
export const tinyHeads = { projectionHidden: 16, projectionSize: 8 } as const;

/** Trains `method` for a few epochs in memory; returns the history and the tensor counts per epoch. */
export async function trainBriefly(
  method: Method,
  data: TrainingData,
  epochs = 3,
): Promise<{ history: HistoryRow[]; counts: number[] }> {
  const counts: number[] = [];
  const { history } = await train({
    method,
    data,
    augment: testAugmenter,
    options: { epochs, batchSize: 4, learningRate: 1e-3 },
    onProgress: (e) => {
      if (e.type === 'epoch') counts.push(tf.memory().numTensors);
    },
  });
  return { history, counts };
}
