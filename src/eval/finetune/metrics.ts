/**
 * Per-epoch metrics of a fine-tuned head on a set of scans, and the convergence summary of
 * the curves (epochs to reach a threshold, area under the curve), for comparing how fast
 * different pretrainings fine-tune (LSSL paper, Zhao et al., MedIA 2021, Fig. 6).
 */
import { balancedAccuracy, mae, pearsonR, rocAuc } from '../metrics.js';

/** Loss and metrics of one split at one epoch; a metric undefined on the split is null. */
export interface SplitMetrics {
  /** mean cross-entropy (classes) or mean squared error of the z-scored target (numeric) */
  loss: number | null;
  balanced_accuracy?: number | null;
  auc?: number | null;
  mae?: number | null;
  r?: number | null;
}

const orNull = (compute: () => number): number | null => {
  try {
    const v = compute();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
};

/**
 * Class metrics from softmax rows. yTrue: class indices; probabilities: [n][K]. Balanced
 * accuracy over all K classes and ROC AUC (one-vs-rest macro for K > 2) are null when a
 * class is absent from yTrue (e.g. a small validation split).
 */
export function classMetrics(yTrue: readonly number[], probabilities: readonly Float32Array[]): SplitMetrics {
  if (yTrue.length === 0) return { loss: null, balanced_accuracy: null, auc: null };
  const k = probabilities[0].length;
  const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
  const loss = -yTrue.reduce((s, y, i) => s + Math.log(Math.max(probabilities[i][y], 1e-12)), 0) / yTrue.length;
  return {
    loss,
    balanced_accuracy: orNull(() => balancedAccuracy(yTrue, predicted, k)),
    auc: orNull(() =>
      rocAuc(yTrue, k === 2 ? probabilities.map((p) => p[1]) : probabilities.map((p) => Array.from(p))),
    ),
  };
}

/** Numeric metrics; `sd` scales the loss to the z-scored units the head is trained in. */
export function numericMetrics(yTrue: readonly number[], yPred: readonly number[], sd: number): SplitMetrics {
  if (yTrue.length === 0) return { loss: null, mae: null, r: null };
  const loss = yTrue.reduce((s, y, i) => s + ((yPred[i] - y) / sd) ** 2, 0) / yTrue.length;
  return { loss, mae: orNull(() => mae(yTrue, yPred)), r: orNull(() => pearsonR(yTrue, yPred)) };
}

export interface ConvergenceSummary {
  /** the metric per epoch (1..E), mean over folds; a fold that stopped early keeps its last value */
  curve: (number | null)[];
  /** first epoch at which the mean curve reaches the threshold (null: never, or no threshold) */
  epochs_to_threshold: number | null;
  per_fold_epochs_to_threshold: (number | null)[];
  /**
   * Area under the curve over epochs 1..E divided by E (the mean of the curve): in [0, 1] for
   * balanced accuracy, higher when a pretraining gets good sooner (lower is better for MAE).
   */
  area_under_curve: number | null;
}

const meanDefined = (values: (number | null)[]): number | null => {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((s, v) => s + v, 0) / defined.length;
};

/**
 * Summarises per-fold curves (index e = epoch e + 1). `higherIsBetter`: the threshold is
 * reached when value ≥ threshold (balanced accuracy), else when value ≤ threshold (MAE).
 */
export function convergenceSummary(
  foldCurves: readonly (number | null)[][],
  threshold: number | null,
  higherIsBetter: boolean,
): ConvergenceSummary {
  const epochs = Math.max(0, ...foldCurves.map((c) => c.length));
  const valueAt = (c: readonly (number | null)[], e: number) => (c.length === 0 ? null : c[Math.min(e, c.length - 1)]);
  const curve = Array.from({ length: epochs }, (_, e) => meanDefined(foldCurves.map((c) => valueAt(c, e))));
  const reached = (v: number | null) =>
    v !== null && threshold !== null && (higherIsBetter ? v >= threshold : v <= threshold);
  const firstReach = (c: readonly (number | null)[]) => {
    const i = c.findIndex(reached);
    return i < 0 ? null : i + 1;
  };
  return {
    curve,
    epochs_to_threshold: firstReach(curve),
    per_fold_epochs_to_threshold: foldCurves.map(firstReach),
    area_under_curve: meanDefined(curve),
  };
}
