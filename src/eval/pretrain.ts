/**
 * The first stage of every comparison (the demo, `lssl validate contrastive-phantom`): pretrain
 * one method on a cohort into a run folder, then embed every scan into RUN/embeddings.csv, so
 * the probes and the report can read it.
 */
import { join } from 'node:path';
import type { Cohort } from '../io/cohort.js';
import { writeFileAtomic } from '../io/atomic.js';
import { createMethod, type MethodName } from '../methods.js';
import { openRun } from '../runs.js';
import type { AugmentOptions } from '../train/augment.js';
import { volumeAugmenter } from '../train/augmenter.js';
import { cohortTrainingData } from '../train/cohort-data.js';
import { train } from '../train/engine.js';
import type { TrainOptions } from '../train/options.js';
import type { ProgressEvent } from '../train/progress.js';
import { embedCohort, embeddingsToCsv } from './embed.js';

export interface PretrainOptions {
  shape: number;
  epochs: number;
  seed: number;
  cacheDir: string;
  runDir: string;
  /** the method's own options besides the network (e.g. `{ positives: 'visits' }`) */
  methodOptions?: Record<string, unknown>;
  /** the augmentation instead of the method's default (methods that augment by default only) */
  augmentation?: AugmentOptions;
  /** engine options besides epochs and seed (e.g. `{ weightDecay: 0.04 }`) */
  trainOptions?: Omit<TrainOptions, 'epochs' | 'seed'>;
  onProgress?: (e: ProgressEvent) => void;
}

/**
 * One demo run: pretrains `method` on the cohort, then writes RUN/embeddings.csv. A method
 * that augments by default (the contrastive ones) gets its declared augmentation, or
 * `options.augmentation`; LSSL and the autoencoders train on raw visits.
 */
export async function pretrain(method: MethodName, cohort: Cohort, options: PretrainOptions): Promise<void> {
  const network = {
    ...(options.methodOptions?.network as Record<string, unknown> | undefined),
    inputShape: options.shape,
    seed: options.seed,
  };
  const model = createMethod(method, { ...options.methodOptions, network });
  try {
    const data = cohortTrainingData(cohort, { shape: options.shape, cacheDir: options.cacheDir, seed: options.seed });
    await train({
      method: model,
      data,
      options: { ...options.trainOptions, epochs: method === 'none' ? 1 : options.epochs, seed: options.seed },
      runDir: options.runDir,
      force: true,
      // Each method declares whether it augments by default (the contrastive ones: views must
      // differ, and two visits are augmented too, issue 7); LSSL and the autoencoders do not.
      augment: model.augmentation.byDefault
        ? volumeAugmenter(options.augmentation ?? model.augmentation.options)
        : undefined,
      onProgress: options.onProgress,
    });
  } finally {
    model.dispose();
  }
  const run = await openRun(options.runDir);
  try {
    const records = await embedCohort(run, cohort, { cacheDir: options.cacheDir });
    await writeFileAtomic(join(options.runDir, 'embeddings.csv'), embeddingsToCsv(records));
  } finally {
    run.dispose();
  }
}
