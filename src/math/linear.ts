/**
 * Dense linear algebra for the linear probes: row-major Float64Array matrices, feature
 * standardisation (fit on the training fold only), and ridge regression solved in closed
 * form (Cholesky; the dual form when there are more features than rows) or by conjugate
 * gradients when the per-iteration convergence curve is wanted.
 *
 * Sizes are small (hundreds of rows, up to ~1000 features), so plain loops are enough.
 */
import { type DataRows, type DataValues, isTensor, rowMajorOf, rowsOf, valuesOf } from './data-input.js';

/** A row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Any [N, D] data argument of this module: a Matrix, N rows of D numbers, or a 2D tensor
 * (read, not disposed).
 */
export type MatrixInput = Matrix | DataRows;

/** A MatrixInput as a Matrix (a Matrix is returned as it is). */
export function toMatrix(x: MatrixInput, name = 'x'): Matrix {
  if (!isTensor(x) && !Array.isArray(x) && (x as Matrix).data instanceof Float64Array) return x as Matrix;
  const { rows, cols, data } = rowMajorOf(x, name);
  return { rows, cols, data: Float64Array.from(data) };
}

/** rows: [N, D] as N rows (or a 2D tensor); `cols` fixes D (checked against every row). */
export function matrixFromRows(rowData: DataRows, cols?: number): Matrix {
  const rows = rowsOf(rowData, 'rows');
  const c = cols ?? (rows.length > 0 ? rows[0].length : 0);
  const data = new Float64Array(rows.length * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new Error(`every row must have ${c} values, not ${row.length} (row ${i})`);
    for (let j = 0; j < c; j++) data[i * c + j] = row[j];
  });
  return { rows: rows.length, cols: c, data };
}

/** The rows of `m` listed in `indices`, in that order. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let r = 0; r < indices.length; r++)
    data.set(m.data.subarray(indices[r] * m.cols, (indices[r] + 1) * m.cols), r * m.cols);
  return { rows: indices.length, cols: m.cols, data };
}

/** Per-feature mean and scale of a training fold (sklearn's StandardScaler: population sd). */
export interface Standardizer {
  mean: Float64Array;
  /** population standard deviation, or 1 for a constant feature (so it maps to 0, not NaN) */
  scale: Float64Array;
}

/** Mean and scale [D] of each feature of x [N, D]. */
export function fitStandardizer(xData: MatrixInput): Standardizer {
  const x = toMatrix(xData, 'x');
  const mean = new Float64Array(x.cols);
  const scale = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) mean[j] += x.data[i * x.cols + j];
  for (let j = 0; j < x.cols; j++) mean[j] /= x.rows;
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) scale[j] += (x.data[i * x.cols + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < x.cols; j++) {
    const sd = Math.sqrt(scale[j] / x.rows);
    // A feature constant on the training fold carries no information; scale 1 keeps it finite.
    scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
  }
  return { mean, scale };
}

/** (x − mean) / scale per feature: x [N, D] → [N, D]. */
export function applyStandardizer(s: Standardizer, xData: MatrixInput): Matrix {
  const x = toMatrix(xData, 'x');
  if (s.mean.length !== x.cols) throw new Error(`standardizer has ${s.mean.length} features, the data ${x.cols}`);
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) data[i * x.cols + j] = (x.data[i * x.cols + j] - s.mean[j]) / s.scale[j];
  }
  return { rows: x.rows, cols: x.cols, data };
}

/**
 * In-place Cholesky factorisation of a symmetric positive definite n×n matrix `a`
 * (row-major); on return the lower triangle holds L with A = L·Lᵀ.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] ** 2;
    if (!(d > 0)) throw new Error(`matrix is not positive definite (pivot ${j} is ${d}); increase the regularisation`);
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
  }
}

/** Solves L·Lᵀ x = b given the factor from `choleskyInPlace`. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * y[k];
    y[i] = s / l[i * n + i];
  }
  return y;
}

/** y = X·w + b for every row. */
export interface LinearModel {
  weights: Float64Array;
  intercept: number;
}

/** X·w + b: x [N, D] → [N]. */
export function predictLinear(model: LinearModel, xData: MatrixInput): Float64Array {
  const x = toMatrix(xData, 'x');
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = model.intercept;
    for (let j = 0; j < x.cols; j++) s += x.data[i * x.cols + j] * model.weights[j];
    out[i] = s;
  }
  return out;
}

function centered(
  x: Matrix,
  y: ArrayLike<number>,
): { xc: Matrix; yc: Float64Array; xMean: Float64Array; yMean: number } {
  const { mean: xMean } = fitStandardizer(x);
  let yMean = 0;
  for (let i = 0; i < y.length; i++) yMean += y[i];
  yMean /= y.length;
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) data[i * x.cols + j] = x.data[i * x.cols + j] - xMean[j];
  const yc = Float64Array.from(y, (v) => v - yMean);
  return { xc: { rows: x.rows, cols: x.cols, data }, yc, xMean, yMean };
}

function checkRidgeInput(x: Matrix, y: ArrayLike<number>, alpha: number): void {
  if (y.length !== x.rows) throw new Error(`ridge: ${x.rows} rows of features but ${y.length} targets`);
  if (x.rows < 1) throw new Error('ridge needs at least 1 row, not 0');
  if (!(alpha >= 0)) throw new Error(`ridge alpha must be >= 0, not ${alpha}`);
}

/**
 * Ridge regression, sklearn's objective: min ‖y − Xw − b‖² + α‖w‖² (intercept not
 * penalised, handled by centring). Primal normal equations (XᵀX + αI)w = Xᵀy when
 * features ≤ rows, else the dual w = Xᵀ(XXᵀ + αI)⁻¹y, both by Cholesky.
 * x: [rows, features]; y: [rows].
 */
export function fitRidge(xData: MatrixInput, yData: DataValues, alpha: number): LinearModel {
  const y = valuesOf(yData, 'y');
  const x = toMatrix(xData, 'x');
  return fitRidgePath(x, y, [alpha])[0];
}

/**
 * Ridge for several penalties at the cost of one: the Gram (or kernel) matrix is formed once
 * and only the Cholesky solve is repeated per α. Returns one model per α, in order.
 * Shapes: x [N, D], y [N] → weights [D] per α.
 */
export function fitRidgePath(xData: MatrixInput, yData: DataValues, alphas: readonly number[]): LinearModel[] {
  const y = valuesOf(yData, 'y');
  const x = toMatrix(xData, 'x');
  for (const alpha of alphas) checkRidgeInput(x, y, alpha);
  const { xc, yc, xMean, yMean } = centered(x, y);
  const n = xc.rows;
  const d = xc.cols;
  const withIntercept = (weights: Float64Array): LinearModel => {
    let intercept = yMean;
    for (let j = 0; j < d; j++) intercept -= xMean[j] * weights[j];
    return { weights, intercept };
  };
  if (d <= n) {
    const gram = new Float64Array(d * d);
    const rhs = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const row = xc.data.subarray(i * d, (i + 1) * d);
      for (let a = 0; a < d; a++) {
        const va = row[a];
        if (va === 0) continue;
        rhs[a] += va * yc[i];
        for (let b = 0; b <= a; b++) gram[a * d + b] += va * row[b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[b * d + a] = gram[a * d + b];
    return alphas.map((alpha) => {
      const system = Float64Array.from(gram);
      for (let a = 0; a < d; a++) system[a * d + a] += alpha;
      choleskyInPlace(system, d);
      return withIntercept(choleskySolve(system, d, rhs));
    });
  }
  const kernel = new Float64Array(n * n);
  const xd = xc.data;
  for (let i = 0; i < n; i++) {
    const rowI = i * d;
    for (let k = 0; k <= i; k++) {
      const rowK = k * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += xd[rowI + j] * xd[rowK + j];
      kernel[i * n + k] = s;
      kernel[k * n + i] = s;
    }
  }
  return alphas.map((alpha) => {
    if (!(alpha > 0)) throw new Error(`ridge with more features (${d}) than rows (${n}) needs alpha > 0, not ${alpha}`);
    const system = Float64Array.from(kernel);
    for (let i = 0; i < n; i++) system[i * n + i] += alpha;
    choleskyInPlace(system, n);
    const dual = choleskySolve(system, n, yc);
    const weights = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) weights[j] += xd[i * d + j] * dual[i];
    return withIntercept(weights);
  });
}

/** Coordinates in an orthonormal basis Q [features, rank] of a training matrix's row space. */
export interface RowSpaceProjector {
  rank: number;
  /** the training rows' coordinates x·Q: [rows, rank] */
  train: Matrix;
  /** coordinates z·Q of other rows (the part of z outside the span is dropped): [rows, rank] */
  project(z: Matrix): Matrix;
}

/**
 * Coordinates in the row space of x, from a pivoted Cholesky factorisation of the Gram
 * matrix XXᵀ = L·Lᵀ (permuted): the pivot rows X₁ span the rows, Q = X₁ᵀ·L₁⁻ᵀ is orthonormal,
 * the training coordinates are L and any other row's are L₁⁻¹·X₁·zᵀ. Directions with
 * a remaining pivot below `tolerance` × the largest squared row norm are dropped (a relative
 * error of at most √tolerance).
 *
 * Why: with more features than rows, an L2-penalised linear model's weights lie in the row
 * space (representer theorem), so fitting on these rank ≤ rows coordinates gives the same
 * predictions as fitting on x, with far fewer parameters; this costs one Gram matrix.
 */
export function rowSpaceProjector(xData: MatrixInput, tolerance = 1e-12): RowSpaceProjector {
  const x = toMatrix(xData, 'x');
  const n = x.rows;
  const d = x.cols;
  const xd = x.data; // locals keep the hot loops free of property loads
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * d;
    for (let k = 0; k <= i; k++) {
      const rowK = k * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += xd[rowI + j] * xd[rowK + j];
      gram[i * n + k] = s;
      gram[k * n + i] = s;
    }
  }
  // Pivoted (outer-product) Cholesky: column r of `l` holds the r-th factor column, rows in
  // the original order; `remaining` is the diagonal of the not yet factored part.
  const remaining = Float64Array.from({ length: n }, (_, i) => gram[i * n + i]);
  const maxDiagonal = Math.max(0, ...remaining);
  const pivots: number[] = [];
  const columns: Float64Array[] = [];
  while (pivots.length < n) {
    let p = -1;
    for (let i = 0; i < n; i++) if (!pivots.includes(i) && (p < 0 || remaining[i] > remaining[p])) p = i;
    if (p < 0 || !(remaining[p] > tolerance * maxDiagonal) || remaining[p] <= 0) break;
    const column = new Float64Array(n);
    const pivotValue = Math.sqrt(remaining[p]);
    for (let i = 0; i < n; i++) {
      let s = gram[i * n + p];
      for (let r = 0; r < columns.length; r++) s -= columns[r][i] * columns[r][p];
      column[i] = s / pivotValue;
    }
    for (const q of pivots) column[q] = 0; // exact zeros above the diagonal of the permuted factor
    column[p] = pivotValue;
    for (let i = 0; i < n; i++) remaining[i] -= column[i] * column[i];
    remaining[p] = 0;
    pivots.push(p);
    columns.push(column);
  }
  const rank = pivots.length;
  const train = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) for (let r = 0; r < rank; r++) train[i * rank + r] = columns[r][i];
  // L₁[r][c] = columns[c][pivots[r]] (lower triangular in pivot order).
  const project = (z: Matrix): Matrix => {
    if (z.cols !== d) throw new Error(`cannot project ${z.cols} features on a row space of ${d}`);
    const out = new Float64Array(z.rows * rank);
    const cross = new Float64Array(rank);
    const zd = z.data;
    for (let i = 0; i < z.rows; i++) {
      const rowZ = i * d;
      for (let r = 0; r < rank; r++) {
        let s = 0;
        const row = pivots[r] * d;
        for (let j = 0; j < d; j++) s += zd[rowZ + j] * xd[row + j];
        cross[r] = s;
      }
      for (let r = 0; r < rank; r++) {
        let s = cross[r];
        for (let c = 0; c < r; c++) s -= columns[c][pivots[r]] * out[i * rank + c];
        out[i * rank + r] = s / columns[r][pivots[r]];
      }
    }
    return { rows: z.rows, cols: rank, data: out };
  };
  return { rank, train: { rows: n, cols: rank, data: train }, project };
}

/**
 * The same ridge problem solved by conjugate gradients on (XcᵀXc + αI)w = Xcᵀyc, calling
 * `onIteration(model, k)` after each step, so a probe can record the validation metric per
 * iteration (the convergence curve of a linear probe). CG reaches the closed-form solution
 * in at most `features` steps in exact arithmetic; stops early when the residual is tiny.
 * Shapes: x [N, D], y [N] → weights [D].
 */
export function ridgeConjugateGradient(
  xData: MatrixInput,
  yData: DataValues,
  alpha: number,
  options: {
    maxIterations?: number;
    tolerance?: number;
    onIteration?: (model: LinearModel, iteration: number) => void;
  } = {},
): LinearModel {
  const y = valuesOf(yData, 'y');
  const x = toMatrix(xData, 'x');
  checkRidgeInput(x, y, alpha);
  const { xc, yc, xMean, yMean } = centered(x, y);
  const n = xc.rows;
  const d = xc.cols;
  const maxIterations = options.maxIterations ?? d;
  const tolerance = options.tolerance ?? 1e-10;
  const xd = xc.data;
  const applyA = (v: Float64Array): Float64Array => {
    const xv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xd[i * d + j] * v[j];
      xv[i] = s;
    }
    const out = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j] += xd[i * d + j] * xv[i];
    for (let j = 0; j < d; j++) out[j] += alpha * v[j];
    return out;
  };
  const w = new Float64Array(d);
  const r = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) r[j] += xc.data[i * d + j] * yc[i];
  const p = Float64Array.from(r);
  let rr = r.reduce((s, v) => s + v * v, 0);
  const rr0 = rr;
  const modelOf = (): LinearModel => {
    let intercept = yMean;
    for (let j = 0; j < d; j++) intercept -= xMean[j] * w[j];
    return { weights: Float64Array.from(w), intercept };
  };
  for (let k = 1; k <= maxIterations && rr > tolerance * tolerance * rr0 && rr > 0; k++) {
    const ap = applyA(p);
    const pap = p.reduce((s, v, j) => s + v * ap[j], 0);
    if (!(pap > 0)) break;
    const step = rr / pap;
    for (let j = 0; j < d; j++) {
      w[j] += step * p[j];
      r[j] -= step * ap[j];
    }
    const rrNext = r.reduce((s, v) => s + v * v, 0);
    for (let j = 0; j < d; j++) p[j] = r[j] + (rrNext / rr) * p[j];
    rr = rrNext;
    options.onIteration?.(modelOf(), k);
  }
  return modelOf();
}
