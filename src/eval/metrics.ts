/**
 * Downstream metrics of the LSSL paper (Zhao et al., MedIA 2021, §4): balanced accuracy,
 * ROC AUC, sensitivity and specificity for diagnosis; MAE, Pearson r and R² for age; the
 * brain-age gap (predicted − chronological, before any bias correction).
 *
 * Pure functions of [N] values per sample: number[], typed arrays or 1D tensors (read, never
 * disposed; math/data-input.ts). Class labels are integer indices 0..K−1.
 * Each metric gives the value sklearn gives for the same input (balanced_accuracy_score,
 * roc_auc_score with ties, confusion_matrix, mean_absolute_error, r2_score,
 * scipy.stats.pearsonr), and throws an Error saying why where the metric is undefined
 * (e.g. a class absent from the fold) instead of returning NaN.
 */
import { type DataRows, type DataValues, isTensor, rowsOf, valuesOf } from '../math/data-input.js';

function checkSameLength(name: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new Error(`${name}: the two arrays must have the same length, not ${a.length} and ${b.length}`);
  }
  if (a.length === 0) throw new Error(`${name}: needs at least one value, not an empty array`);
}

function checkClassIndex(name: string, label: number, numClasses: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new Error(`${name}: class labels must be integers in [0, ${numClasses}), not ${label}`);
  }
}

function inferNumClasses(...arrays: ArrayLike<number>[]): number {
  let max = -1;
  for (const a of arrays) for (let i = 0; i < a.length; i++) max = Math.max(max, a[i]);
  return max + 1;
}

/**
 * K×K counts: `matrix[t][p]` = number of samples of true class t predicted as p
 * (sklearn's convention: rows are true classes, columns predictions).
 */
export function confusionMatrix(yTrueData: DataValues, yPredData: DataValues, numClasses?: number): number[][] {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  checkSameLength('confusionMatrix', yTrue, yPred);
  const k = numClasses ?? inferNumClasses(yTrue, yPred);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    checkClassIndex('confusionMatrix', yTrue[i], k);
    checkClassIndex('confusionMatrix', yPred[i], k);
    matrix[yTrue[i]][yPred[i]] += 1;
  }
  return matrix;
}

/** Recall of each class (TP / samples of that class): yTrue, yPred [N] → [K]; throws when a class has no sample. */
export function perClassRecall(yTrueData: DataValues, yPredData: DataValues, numClasses?: number): number[] {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  const matrix = confusionMatrix(yTrue, yPred, numClasses);
  return matrix.map((row, c) => {
    const support = row.reduce((s, v) => s + v, 0);
    if (support === 0) {
      throw new Error(
        `recall of class ${c} is undefined: the class has no sample among the ${yTrue.length} true labels`,
      );
    }
    return row[c] / support;
  });
}

/**
 * Mean per-class recall. With `numClasses` every class 0..K−1 must occur in `yTrue`
 * (a class absent from a fold is an error, not a silent 0); without it, the classes are
 * those present in `yTrue`, as sklearn's balanced_accuracy_score does. yTrue, yPred [N] → scalar.
 */
export function balancedAccuracy(yTrueData: DataValues, yPredData: DataValues, numClasses?: number): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  if (numClasses !== undefined) {
    const recalls = perClassRecall(yTrue, yPred, numClasses);
    return recalls.reduce((s, v) => s + v, 0) / recalls.length;
  }
  checkSameLength('balancedAccuracy', yTrue, yPred);
  const k = inferNumClasses(yTrue, yPred);
  const matrix = confusionMatrix(yTrue, yPred, k);
  let sum = 0;
  let present = 0;
  matrix.forEach((row, c) => {
    const support = row.reduce((s, v) => s + v, 0);
    if (support > 0) {
      sum += row[c] / support;
      present += 1;
    }
  });
  return sum / present;
}

/** TP / (TP + FN) for the positive class (default 1) of a binary problem; yTrue, yPred [N]. */
export function sensitivity(yTrueData: DataValues, yPredData: DataValues, positive = 1): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  checkSameLength('sensitivity', yTrue, yPred);
  let tp = 0;
  let p = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === positive) {
      p += 1;
      if (yPred[i] === positive) tp += 1;
    }
  }
  if (p === 0)
    throw new Error(`sensitivity is undefined: no sample of the positive class ${positive} among ${yTrue.length}`);
  return tp / p;
}

/** TN / (TN + FP): recall of everything that is not the positive class (default 1); yTrue, yPred [N]. */
export function specificity(yTrueData: DataValues, yPredData: DataValues, positive = 1): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  checkSameLength('specificity', yTrue, yPred);
  let tn = 0;
  let n = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== positive) {
      n += 1;
      if (yPred[i] !== positive) tn += 1;
    }
  }
  if (n === 0)
    throw new Error(
      `specificity is undefined: every one of the ${yTrue.length} samples is of the positive class ${positive}`,
    );
  return tn / n;
}

/** Ranks 1..n of `values` [n] → [n], tied values sharing the mean of their ranks (midranks). */
export function midranks(valuesData: DataValues): Float64Array {
  const values = valuesOf(valuesData, 'values');
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]] = rank;
    start = end + 1;
  }
  return ranks;
}

/**
 * Binary ROC AUC as the Mann–Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting ½. This equals the trapezoidal area under
 * the ROC curve that sklearn's roc_auc_score computes, ties included.
 * yTrue [N]: 0/1 (or `positive` vs the rest); scores [N]: higher means more likely positive.
 */
export function binaryRocAuc(yTrueData: DataValues, scoresData: DataValues, positive = 1): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const scores = valuesOf(scoresData, 'scores');
  checkSameLength('rocAuc', yTrue, scores);
  const ranks = midranks(scores);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`rocAuc: scores must be finite, not ${scores[i]} at ${i}`);
    if (yTrue[i] === positive) {
      nPos += 1;
      rankSum += ranks[i];
    }
  }
  const nNeg = yTrue.length - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new Error(`ROC AUC is undefined: only one class present (${nPos} positive, ${nNeg} negative samples)`);
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * ROC AUC. Binary: `scores` is one number per sample ([N], score of class 1). More classes:
 * `scores` is [N, K], `scores[i]` one score per class (e.g. softmax probabilities; rows or a
 * 2D tensor) and the result is the
 * unweighted mean of the one-vs-rest AUCs, as roc_auc_score(multi_class='ovr',
 * average='macro'). Every class must occur in `yTrue`.
 */
export function rocAuc(yTrueData: DataValues, scoreData: DataValues | DataRows): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  if (isTensor(scoreData) && scoreData.rank === 1) return binaryRocAuc(yTrue, scoreData);
  const scores = isTensor(scoreData) ? rowsOf(scoreData, 'scores') : scoreData;
  if (scores.length > 0 && typeof scores[0] === 'number') return binaryRocAuc(yTrue, scores as ArrayLike<number>);
  const rows = scores as ArrayLike<number>[];
  checkSameLength('rocAuc', yTrue, rows);
  const k = rows[0].length;
  if (k === 2)
    return binaryRocAuc(
      yTrue,
      rows.map((r) => r[1]),
    );
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const column = rows.map((r) => r[c]);
    try {
      sum += binaryRocAuc(yTrue, column, c);
    } catch (error) {
      throw new Error(`one-vs-rest ROC AUC of class ${c} is undefined: ${(error as Error).message}`);
    }
  }
  return sum / k;
}

/** Mean absolute error of yPred [N] against yTrue [N]. */
export function mae(yTrueData: DataValues, yPredData: DataValues): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  checkSameLength('mae', yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Pearson correlation of x [N] and y [N]; undefined (throws) when either is constant or N < 2. */
export function pearsonR(xData: DataValues, yData: DataValues): number {
  const x = valuesOf(xData, 'x');
  const y = valuesOf(yData, 'y');
  checkSameLength('pearsonR', x, y);
  if (x.length < 2) throw new Error(`Pearson r needs at least 2 pairs, not ${x.length}`);
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0)
    throw new Error(`Pearson r is undefined: ${sxx === 0 ? 'x' : 'y'} is constant over ${x.length} values`);
  // Clamp: rounding can push |r| a hair above 1 for perfectly collinear data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Coefficient of determination 1 − SS_res/SS_tot (sklearn's r2_score) of yPred [N]; throws for constant yTrue [N]. */
export function r2(yTrueData: DataValues, yPredData: DataValues): number {
  const yTrue = valuesOf(yTrueData, 'yTrue');
  const yPred = valuesOf(yPredData, 'yPred');
  checkSameLength('r2', yTrue, yPred);
  const m = mean(yTrue);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - m) ** 2;
  }
  if (ssTot === 0) throw new Error(`R² is undefined: the true values are constant (${m}) over ${yTrue.length} samples`);
  return 1 - ssRes / ssTot;
}

/** Brain-age gap per scan: predicted [N] − chronological age [N] → [N], before any bias correction. */
export function brainAgeGap(predictedAgeData: DataValues, chronologicalAgeData: DataValues): number[] {
  const predictedAge = valuesOf(predictedAgeData, 'predictedAge');
  const chronologicalAge = valuesOf(chronologicalAgeData, 'chronologicalAge');
  checkSameLength('brainAgeGap', predictedAge, chronologicalAge);
  return Array.from({ length: predictedAge.length }, (_, i) => predictedAge[i] - chronologicalAge[i]);
}
