/**
 * L2-regularised multinomial logistic regression (softmax), the linear probe of a class
 * target. Objective, for n rows, K classes, weights W [features, K], intercepts b [K]:
 *
 *   f(W, b) = (1/n) Σ_i −log softmax(x_i·W + b)_{y_i} + (λ/2)·‖W‖²
 *
 * (the intercept is not penalised). This is sklearn's LogisticRegression(multi_class=
 * 'multinomial') with C = 1/(n·λ). Minimised full batch with L-BFGS, so training is
 * deterministic; `onIteration` sees the model after every step (the convergence curve).
 */
import { minimizeLbfgs } from '../../math/lbfgs.js';
import { type DataValues, valuesOf } from '../../math/data-input.js';
import { type Matrix, type MatrixInput, toMatrix } from '../../math/linear.js';

export interface LogisticModel {
  numClasses: number;
  numFeatures: number;
  /** row-major [features, classes] */
  weights: Float64Array;
  /** [classes] */
  intercepts: Float64Array;
}

export interface LogisticOptions {
  /** L2 strength λ ≥ 0 on the weights (not the intercepts) */
  lambda: number;
  maxIterations?: number;
  gradientTolerance?: number;
  /** warm start (e.g. the solution for a neighbouring λ) */
  init?: LogisticModel;
  onIteration?: (model: LogisticModel, loss: number, iteration: number) => void;
}

// Internally the parameters are class-major, [W_0 (features), ..., W_{K−1}, b (K)], so the
// inner loops are plain dot products and axpys over contiguous memory.
function unpack(params: Float64Array, numFeatures: number, numClasses: number): LogisticModel {
  const weights = new Float64Array(numFeatures * numClasses);
  for (let c = 0; c < numClasses; c++)
    for (let j = 0; j < numFeatures; j++) weights[j * numClasses + c] = params[c * numFeatures + j];
  return { numClasses, numFeatures, weights, intercepts: params.slice(numFeatures * numClasses) };
}

function pack(model: LogisticModel): Float64Array {
  const { numFeatures: d, numClasses: k } = model;
  const params = new Float64Array((d + 1) * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) params[c * d + j] = model.weights[j * k + c];
  params.set(model.intercepts, d * k);
  return params;
}

/** Logits x·W + b into `out` [rows, classes]. */
function logitsInto(params: Float64Array, x: Matrix, numClasses: number, out: Float64Array): void {
  const d = x.cols;
  const xd = x.data; // a local keeps the hot loop free of property loads
  const biasOffset = d * numClasses;
  for (let i = 0; i < x.rows; i++) {
    const row = i * d;
    for (let c = 0; c < numClasses; c++) {
      const w = c * d;
      let s = params[biasOffset + c];
      for (let j = 0; j < d; j++) s += xd[row + j] * params[w + j];
      out[i * numClasses + c] = s;
    }
  }
}

/** Row-wise softmax in place; returns the log-sum-exp of each row. */
function softmaxInPlace(logits: Float64Array, rows: number, numClasses: number): Float64Array {
  const lse = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[i * numClasses + c]);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp(logits[i * numClasses + c] - max);
    lse[i] = max + Math.log(sum);
    for (let c = 0; c < numClasses; c++) logits[i * numClasses + c] = Math.exp(logits[i * numClasses + c] - lse[i]);
  }
  return lse;
}

/** The regularised mean cross-entropy and its gradient, for `minimizeLbfgs`. */
export function logisticObjective(x: Matrix, y: ArrayLike<number>, numClasses: number, lambda: number) {
  const d = x.cols;
  const n = x.rows;
  const scores = new Float64Array(n * numClasses);
  const xd = x.data;
  return (params: Float64Array, grad: Float64Array): number => {
    logitsInto(params, x, numClasses, scores);
    const rawLogitOfLabel = new Float64Array(n);
    for (let i = 0; i < n; i++) rawLogitOfLabel[i] = scores[i * numClasses + y[i]];
    const lse = softmaxInPlace(scores, n, numClasses);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += lse[i] - rawLogitOfLabel[i];
    loss /= n;
    grad.fill(0);
    // dL/dlogit = (p − onehot)/n
    for (let i = 0; i < n; i++) scores[i * numClasses + y[i]] -= 1;
    const biasOffset = d * numClasses;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let c = 0; c < numClasses; c++) {
        const r = scores[i * numClasses + c] / n;
        grad[biasOffset + c] += r;
        const w = c * d;
        for (let j = 0; j < d; j++) grad[w + j] += r * xd[row + j];
      }
    }
    let penalty = 0;
    for (let k = 0; k < biasOffset; k++) {
      penalty += params[k] * params[k];
      grad[k] += lambda * params[k];
    }
    return loss + 0.5 * lambda * penalty;
  };
}

/**
 * Fits the softmax regression. x: [rows, features] (standardise it first);
 * y: class index per row in [0, numClasses).
 */
export function fitLogistic(
  xData: MatrixInput,
  yData: DataValues,
  numClasses: number,
  options: LogisticOptions,
): LogisticModel & { iterations: number; loss: number } {
  const y = valuesOf(yData, 'y');
  const x = toMatrix(xData, 'x');
  if (y.length !== x.rows) throw new Error(`logistic regression: ${x.rows} rows of features but ${y.length} labels`);
  if (!(numClasses >= 2)) throw new Error(`logistic regression needs at least 2 classes, not ${numClasses}`);
  if (!(options.lambda >= 0)) throw new Error(`logistic regression lambda must be >= 0, not ${options.lambda}`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= numClasses) {
      throw new Error(`logistic regression labels must be integers in [0, ${numClasses}), not ${y[i]} (row ${i})`);
    }
  }
  const size = (x.cols + 1) * numClasses;
  const start = new Float64Array(size);
  if (options.init) {
    if (options.init.numFeatures !== x.cols || options.init.numClasses !== numClasses) {
      throw new Error(
        `warm start has ${options.init.numFeatures} features and ${options.init.numClasses} classes, the problem ${x.cols} and ${numClasses}`,
      );
    }
    start.set(pack(options.init));
  }
  const result = minimizeLbfgs(logisticObjective(x, y, numClasses, options.lambda), start, {
    maxIterations: options.maxIterations ?? 200,
    gradientTolerance: options.gradientTolerance ?? 1e-6,
    onIteration: options.onIteration
      ? (params, value, iteration) => options.onIteration!(unpack(params, x.cols, numClasses), value, iteration)
      : undefined,
  });
  return { ...unpack(result.x, x.cols, numClasses), iterations: result.iterations, loss: result.value };
}

/** Class probabilities, row-major [rows, classes]. */
export function predictProba(model: LogisticModel, xData: MatrixInput): Float64Array {
  const x = toMatrix(xData, 'x');
  if (x.cols !== model.numFeatures) throw new Error(`model has ${model.numFeatures} features, the data ${x.cols}`);
  const params = pack(model);
  const out = new Float64Array(x.rows * model.numClasses);
  logitsInto(params, x, model.numClasses, out);
  softmaxInPlace(out, x.rows, model.numClasses);
  return out;
}

/** The most probable class of each row (first class on ties). */
export function argmaxRows(probabilities: Float64Array, numClasses: number): number[] {
  const rows = probabilities.length / numClasses;
  return Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let c = 1; c < numClasses; c++)
      if (probabilities[i * numClasses + c] > probabilities[i * numClasses + best]) best = c;
    return best;
  });
}
