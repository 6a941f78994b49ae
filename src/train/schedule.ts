/**
 * The learning-rate plateau rule and early stopping, as a pure state machine (the state is
 * a plain object stored in checkpoints, so a resumed run decides exactly as before).
 *
 * Like PyTorch's ReduceLROnPlateau(mode='min', threshold=1e-4, threshold_mode='rel'),
 * used by the LNE re-implementation of LSSL with factor 0.1 and patience 5: an epoch
 * improves when loss < best·(1 − threshold); after more than `patience` epochs without
 * improvement the LR is multiplied by `factor`. Training stops early after
 * `earlyStopPatience` epochs without improvement. The best checkpoint follows the same
 * notion of improvement.
 */
export interface PlateauOptions {
  factor: number;
  patience: number;
  threshold: number;
  minLearningRate: number;
  earlyStopPatience: number;
}

export const DEFAULT_PLATEAU: PlateauOptions = {
  factor: 0.1,
  patience: 5,
  threshold: 1e-4,
  minLearningRate: 1e-7,
  earlyStopPatience: 10,
};

export interface PlateauState {
  learningRate: number;
  /** best monitored loss so far (null before the first epoch) */
  best: number | null;
  /** 1-based epoch of the best loss */
  bestEpoch: number;
  /** epochs without improvement since the last LR change (for the plateau) */
  badEpochs: number;
  /** epochs without improvement since the best (for early stopping) */
  epochsSinceBest: number;
}

export function initialPlateauState(learningRate: number): PlateauState {
  return { learningRate, best: null, bestEpoch: 0, badEpochs: 0, epochsSinceBest: 0 };
}

export interface PlateauDecision {
  state: PlateauState;
  improved: boolean;
  reduced: boolean;
  stop: boolean;
}

/** The decision after epoch `epoch` (1-based) ended with monitored loss `loss`. */
export function stepPlateau(
  state: PlateauState,
  loss: number,
  epoch: number,
  options: PlateauOptions = DEFAULT_PLATEAU,
): PlateauDecision {
  const improved =
    state.best === null || loss < state.best * (1 - options.threshold) || (state.best <= 0 && loss < state.best);
  const next: PlateauState = { ...state };
  let reduced = false;
  if (improved) {
    next.best = loss;
    next.bestEpoch = epoch;
    next.badEpochs = 0;
    next.epochsSinceBest = 0;
  } else {
    next.badEpochs += 1;
    next.epochsSinceBest += 1;
    if (next.badEpochs > options.patience) {
      const lowered = Math.max(state.learningRate * options.factor, options.minLearningRate);
      reduced = lowered < state.learningRate;
      next.learningRate = lowered;
      next.badEpochs = 0;
    }
  }
  const stop = next.epochsSinceBest >= options.earlyStopPatience;
  return { state: next, improved, reduced, stop };
}
