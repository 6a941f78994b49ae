/** Training options, checked once into a canonical object stored in config.json. */
import { positiveInteger, positiveNumber } from '../checks.js';
import { inputError } from '../errors.js';
import { DEFAULT_PLATEAU, type PlateauOptions } from './schedule.js';

export interface TrainOptions {
  /** default 15 (the LSSL paper runs 50 at 64³; a small cohort at 32³ learns in ~15) */
  epochs?: number;
  /** items per batch: pairs for LSSL, scans otherwise (default 8) */
  batchSize?: number;
  /**
   * Adam learning rate (default 1e-3). The paper's 1e-4 is for 64³ over 50 epochs on
   * thousands of pairs; a PyTorch version of this network reaches its phantom results at
   * 32³ with 1e-3, batch 8, 15 epochs, so that is the default here.
   */
  learningRate?: number;
  /** decoupled weight decay (default 1e-5, the paper's value; see adamw.ts) */
  weightDecay?: number;
  /** seed of shuffling, augmentation and sampling noise (default 0) */
  seed?: number;
  /** plateau and early stopping (default: ×0.1 after 5 epochs, stop after 10) */
  plateau?: Partial<PlateauOptions>;
}

export interface ResolvedTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  plateau: PlateauOptions;
}

export function resolveTrainOptions(options: TrainOptions = {}): ResolvedTrainOptions {
  const plateau = { ...DEFAULT_PLATEAU, ...options.plateau };
  if (!(plateau.factor > 0 && plateau.factor < 1))
    throw inputError(`plateau factor must be in (0, 1), not ${plateau.factor}`);
  const weightDecay = options.weightDecay ?? 1e-5;
  if (!Number.isFinite(weightDecay) || weightDecay < 0)
    throw inputError(`weight decay must be ≥ 0, not ${weightDecay}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw inputError(`seed must be an integer, not ${seed}`);
  return {
    epochs: positiveInteger('epochs', options.epochs ?? 15),
    batchSize: positiveInteger('batch size', options.batchSize ?? 8),
    learningRate: positiveNumber('learning rate', options.learningRate ?? 1e-3),
    weightDecay,
    seed,
    plateau: {
      ...plateau,
      patience: Math.max(0, Math.trunc(plateau.patience)),
      earlyStopPatience: positiveInteger('early-stop patience', plateau.earlyStopPatience),
    },
  };
}
