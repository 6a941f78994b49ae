/**
 * One outer fold of a linear probe: choose the regularisation by inner cross-validation on
 * the training subjects only (the test subjects are never seen during model selection),
 * standardise on the training rows only, fit, and record the test-fold metric after every
 * optimiser iteration (the probe's convergence curve; it is recorded, never used to select).
 */
import {
  applyStandardizer,
  fitRidge,
  fitRidgePath,
  fitStandardizer,
  predictLinear,
  rowSpaceProjector,
  ridgeConjugateGradient,
  selectRows,
  type Matrix,
} from '../../math/linear.js';
import { argmaxRows, fitLogistic, predictProba, type LogisticModel } from './logistic.js';
import { balancedAccuracy, mae } from '../metrics.js';
import { foldsBySubject } from '../../io/splits.js';
import { inputError } from '../../errors.js';

export interface FoldData {
  /** [rows, features], not yet standardised */
  x: Matrix;
  /** class index (class probes) or numeric target per row */
  y: number[];
  /** subject id per row */
  subjects: string[];
}

export interface ProbeFitOptions {
  /** inner folds over the training subjects for choosing the regularisation */
  innerFolds: number;
  seed: number;
  maxIterations: number;
}

/** L2 strengths λ of the softmax probe's mean-loss objective, strongest first (warm starts). */
export const DEFAULT_LAMBDAS = [10, 1, 0.1, 0.01, 1e-3, 1e-4];
/** Ridge penalties α on the sum-of-squares objective (sklearn's Ridge), strongest first. */
export const DEFAULT_ALPHAS = [1e4, 1e3, 100, 10, 1, 0.1, 0.01];

function rowsOf(data: FoldData, subjectSet: Set<string>): number[] {
  const rows: number[] = [];
  data.subjects.forEach((s, i) => subjectSet.has(s) && rows.push(i));
  return rows;
}

function subsetOf(data: FoldData, rows: number[]): FoldData {
  return { x: selectRows(data.x, rows), y: rows.map((r) => data.y[r]), subjects: rows.map((r) => data.subjects[r]) };
}

/** Inner folds over the subjects of `data`; stratified by each subject's last label when given. */
function innerFolds(
  data: FoldData,
  options: ProbeFitOptions,
  stratify: boolean,
): { train: FoldData; test: FoldData; testRows: number[] }[] {
  const labels = new Map<string, string>();
  data.subjects.forEach((s, i) => labels.set(s, String(data.y[i])));
  const ids = [...labels.keys()];
  const k = Math.min(options.innerFolds, ids.length);
  if (k < 2)
    throw inputError(
      `choosing the regularisation needs at least 2 training subjects, not ${ids.length}: use fewer folds or more subjects`,
    );
  return foldsBySubject(ids, k, options.seed, stratify ? labels : undefined).map((fold) => {
    const trainRows = rowsOf(data, new Set(fold.train));
    const testRows = rowsOf(data, new Set(fold.test));
    return { train: subsetOf(data, trainRows), test: subsetOf(data, testRows), testRows };
  });
}

/**
 * Standardises on the training rows only; for the softmax probe with more features than
 * training rows, also moves to coordinates in the training rows' span (same predictions,
 * far fewer parameters: see `orthonormalRowBasis`).
 */
function prepareFeatures(train: Matrix, test: Matrix, reduce: boolean): { train: Matrix; test: Matrix } {
  const standardizer = fitStandardizer(train);
  const xTrain = applyStandardizer(standardizer, train);
  const xTest = applyStandardizer(standardizer, test);
  if (!reduce || xTrain.cols <= xTrain.rows) return { train: xTrain, test: xTest };
  const projector = rowSpaceProjector(xTrain);
  return { train: projector.train, test: projector.project(xTest) };
}

function meanLogLoss(probabilities: Float64Array, y: number[], numClasses: number): number {
  let sum = 0;
  y.forEach((label, i) => (sum -= Math.log(Math.max(probabilities[i * numClasses + label], 1e-300))));
  return sum / y.length;
}

/**
 * λ with the best pooled out-of-fold balanced accuracy over the inner folds (ties: lower
 * log-loss, then the stronger penalty).
 */
export function selectLambda(
  data: FoldData,
  numClasses: number,
  lambdas: readonly number[],
  options: ProbeFitOptions,
): number {
  const folds = innerFolds(data, options, true);
  const pooled = lambdas.map(() => new Float64Array(data.y.length * numClasses));
  for (const fold of folds) {
    const { train: xTrain, test: xTest } = prepareFeatures(fold.train.x, fold.test.x, true);
    let warm: LogisticModel | undefined;
    lambdas.forEach((lambda, l) => {
      warm = fitLogistic(xTrain, fold.train.y, numClasses, {
        lambda,
        init: warm,
        maxIterations: options.maxIterations,
      });
      const probabilities = predictProba(warm, xTest);
      fold.testRows.forEach((row, i) =>
        pooled[l].set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses),
      );
    });
  }
  let best = 0;
  let bestScore = [-Infinity, Infinity];
  lambdas.forEach((_, l) => {
    const score = [
      balancedAccuracy(data.y, argmaxRows(pooled[l], numClasses)),
      meanLogLoss(pooled[l], data.y, numClasses),
    ];
    if (
      score[0] > bestScore[0] + 1e-12 ||
      (Math.abs(score[0] - bestScore[0]) <= 1e-12 && score[1] < bestScore[1] - 1e-12)
    ) {
      best = l;
      bestScore = score;
    }
  });
  return lambdas[best];
}

/** α with the lowest pooled out-of-fold MAE over the inner folds (ties: the stronger penalty). */
export function selectAlpha(data: FoldData, alphas: readonly number[], options: ProbeFitOptions): number {
  const folds = innerFolds(data, options, false);
  const pooled = alphas.map(() => new Float64Array(data.y.length));
  for (const fold of folds) {
    const { train: xTrain, test: xTest } = prepareFeatures(fold.train.x, fold.test.x, false);
    fitRidgePath(xTrain, fold.train.y, alphas).forEach((model, a) => {
      const predictions = predictLinear(model, xTest);
      fold.testRows.forEach((row, i) => (pooled[a][row] = predictions[i]));
    });
  }
  let best = 0;
  alphas.forEach((_, a) => {
    if (mae(data.y, pooled[a]) < mae(data.y, pooled[best]) - 1e-12) best = a;
  });
  return alphas[best];
}

export interface ClassFoldResult {
  lambda: number;
  iterations: number;
  /** test rows × classes, row-major */
  probabilities: Float64Array;
  predictions: number[];
  /** test balanced accuracy and mean log-loss before any step (0) and after each step */
  curve: { iteration: number; balanced_accuracy: number; loss: number }[];
}

/** Softmax probe on one outer fold. */
export function fitClassFold(
  train: FoldData,
  test: FoldData,
  numClasses: number,
  lambdas: readonly number[],
  options: ProbeFitOptions,
): ClassFoldResult {
  const lambda = lambdas.length === 1 ? lambdas[0] : selectLambda(train, numClasses, lambdas, options);
  const { train: xTrain, test: xTest } = prepareFeatures(train.x, test.x, true);
  const uniform = new Float64Array(test.y.length * numClasses).fill(1 / numClasses);
  const curve = [
    {
      iteration: 0,
      balanced_accuracy: balancedAccuracy(test.y, argmaxRows(uniform, numClasses), numClasses),
      loss: Math.log(numClasses),
    },
  ];
  const model = fitLogistic(xTrain, train.y, numClasses, {
    lambda,
    maxIterations: options.maxIterations,
    onIteration: (current, _loss, iteration) => {
      const p = predictProba(current, xTest);
      curve.push({
        iteration,
        balanced_accuracy: balancedAccuracy(test.y, argmaxRows(p, numClasses), numClasses),
        loss: meanLogLoss(p, test.y, numClasses),
      });
    },
  });
  const probabilities = predictProba(model, xTest);
  return {
    lambda,
    iterations: model.iterations,
    probabilities,
    predictions: argmaxRows(probabilities, numClasses),
    curve,
  };
}

export interface NumericFoldResult {
  alpha: number;
  predictions: Float64Array;
  /** test MAE of the conjugate-gradient iterates (0 = predicting the training mean) */
  curve: { iteration: number; mae: number }[];
}

/** Ridge probe on one outer fold: closed-form fit; the curve comes from the CG path to it. */
export function fitNumericFold(
  train: FoldData,
  test: FoldData,
  alphas: readonly number[],
  options: ProbeFitOptions,
): NumericFoldResult {
  const alpha = alphas.length === 1 ? alphas[0] : selectAlpha(train, alphas, options);
  const { train: xTrain, test: xTest } = prepareFeatures(train.x, test.x, false);
  const trainMean = train.y.reduce((s, v) => s + v, 0) / train.y.length;
  const curve = [
    {
      iteration: 0,
      mae: mae(
        test.y,
        test.y.map(() => trainMean),
      ),
    },
  ];
  ridgeConjugateGradient(xTrain, train.y, alpha, {
    maxIterations: Math.min(xTrain.cols, options.maxIterations),
    onIteration: (model, iteration) => curve.push({ iteration, mae: mae(test.y, predictLinear(model, xTest)) }),
  });
  const predictions = predictLinear(fitRidge(xTrain, train.y, alpha), xTest);
  return { alpha, predictions, curve };
}
