/**
 * Eigendecomposition of a real symmetric matrix in Float64: Householder reduction to
 * tridiagonal form, then the QL algorithm with implicit Wilkinson-type shifts, the
 * EISPACK `tred2` + `tql2` pair (Bowdler, Martin, Reinsch & Wilkinson, Numer. Math. 11,
 * 1968; as restated in JAMA's EigenvalueDecomposition). About 9n³ flops with vectors,
 * against ~60n³ for cyclic Jacobi (./jacobi-eigen.ts, kept as an independent check), which
 * is what makes DirectPred's per-step decomposition affordable at D = 256–512.
 *
 * Storage note: the algorithms walk the columns of V; V is kept column-major here (so
 * `cols[j·n + k]` = V[k][j]) and those walks become contiguous rows.
 */
import { runtimeError } from '../errors.js';
import { type DataValues, squareValuesOf } from './data-input.js';

export interface SymmetricEigen {
  /** eigenvalues, sorted descending: [n] */
  values: Float64Array;
  /**
   * eigenvectors, n×n row-major; column j (entries vectors[i·n + j]) is the unit
   * eigenvector of values[j], so matrix = V · diag(values) · Vᵀ (like numpy's eigh, but
   * descending).
   */
  vectors: Float64Array;
  /** QL iterations (or Jacobi sweeps for jacobiEigen) used */
  iterations: number;
}

const EPS = 2 ** -52;
const MAX_QL_ITERATIONS_PER_VALUE = 60;

/**
 * matrix: [n, n] row-major (n·n numbers, or an [n, n] tensor, read and not disposed),
 * symmetric up to rounding (it is symmetrised as (A + Aᵀ)/2; an asymmetry above 1e-6
 * relative to the largest entry is an error). Float32 input is fine.
 * Returns values [n] (descending) and vectors [n, n] (column j belongs to values[j]).
 */
export function symmetricEigen(matrixData: DataValues, n: number): SymmetricEigen {
  const matrix = squareValuesOf(matrixData, n, 'matrix');
  const cols = symmetrizedCopy(matrix, n); // symmetric: row- and column-major agree
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  householderTridiagonalize(cols, d, e, n);
  const iterations = tridiagonalQL(cols, d, e, n);
  return sortedDescending(d, cols, n, iterations);
}

/** tred2: A = V·T·Vᵀ with T tridiagonal (diagonal d, sub-diagonal e[1..n−1]); V into `v`. */
function householderTridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  // V[k][j] = v[j*n + k]
  for (let j = 0; j < n; j++) d[j] = v[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + (i - 1)];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      // the Householder vector, scaled to avoid under/overflow
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // e = A·u on the leading i×i block (lower triangle of V holds A)
      for (let j = 0; j < i; j++) {
        const colJ = j * n;
        f = d[j];
        v[i * n + j] = f;
        g = e[j] + v[colJ + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[colJ + k] * d[k];
          e[k] += v[colJ + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const colJ = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[colJ + k] -= f * e[k] + g * d[k];
        d[j] = v[colJ + (i - 1)];
        v[colJ + i] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the transformations into V
  for (let i = 0; i < n - 1; i++) {
    v[i * n + (n - 1)] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    const colNext = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[colNext + k] / h;
      for (let j = 0; j <= i; j++) {
        const colJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[colNext + k] * v[colJ + k];
        for (let k = 0; k <= i; k++) v[colJ + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[colNext + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + (n - 1)];
    v[j * n + (n - 1)] = 0;
  }
  v[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** tql2: diagonalises the tridiagonal (d, e), rotating V's columns along; returns iterations. */
function tridiagonalQL(v: Float64Array, d: Float64Array, e: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  let iterations = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_QL_ITERATIONS_PER_VALUE) {
          throw runtimeError(`symmetricEigen: the QL iteration did not converge for eigenvalue ${l} (n = ${n})`);
        }
        iterations++;
        // the shift: the eigenvalue of the leading 2×2 block closer to d[l]
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // implicit QL sweep from m up to l
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const colI = i * n;
          const colNext = colI + n;
          for (let k = 0; k < n; k++) {
            const vNext = v[colNext + k];
            const vI = v[colI + k];
            v[colNext + k] = s * vI + c * vNext;
            v[colI + k] = c * vI - s * vNext;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return iterations;
}

/** A symmetric Float64 copy of a row-major n×n matrix, after checking it. */
export function symmetrizedCopy(matrix: ArrayLike<number>, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`symmetricEigen needs a positive integer size, not ${n}`);
  if (matrix.length !== n * n)
    throw new Error(`symmetricEigen needs ${n}×${n} = ${n * n} entries, not ${matrix.length}`);
  let scale = 0;
  for (let i = 0; i < n * n; i++) {
    const value = matrix[i];
    if (!Number.isFinite(value))
      throw new Error(`symmetricEigen needs finite entries, not ${value} at (${Math.floor(i / n)}, ${i % n})`);
    scale = Math.max(scale, Math.abs(value));
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const upper = matrix[i * n + j];
      const lower = matrix[j * n + i];
      if (Math.abs(upper - lower) > 1e-6 * scale) {
        throw new Error(
          `symmetricEigen needs a symmetric matrix, but (${i}, ${j}) = ${upper} and (${j}, ${i}) = ${lower}`,
        );
      }
      const mean = (upper + lower) / 2;
      a[i * n + j] = mean;
      a[j * n + i] = mean;
    }
  }
  return a;
}

/**
 * Sorts eigenpairs descending. `values`: [n] unsorted; `rowVectors`: n×n whose row i is
 * the eigenvector of values[i]. Returns vectors as columns (row-major).
 */
export function sortedDescending(
  values: Float64Array,
  rowVectors: Float64Array,
  n: number,
  iterations: number,
): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[j] - values[i]);
  const sorted = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, j) => {
    sorted[j] = values[source];
    for (let i = 0; i < n; i++) vectors[i * n + j] = rowVectors[source * n + i];
  });
  return { values: sorted, vectors, iterations };
}
