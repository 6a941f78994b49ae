/**
 * DirectPred (Tian, Chen, Ganguli, "Understanding self-supervised learning dynamics
 * without contrastive pairs", ICML 2021, §5 and Algorithm 1): BYOL whose linear, bias-free
 * predictor is not trained but set every step from the eigendecomposition of the running
 * correlation matrix of the online projections.
 *
 *   F ← ρ·F + (1 − ρ)·E[f fᵀ]   (F = E[f fᵀ] at the first step; ρ = 0.3)
 *   F = Q diag(s) Qᵀ,  p_j = sqrt(max(s_j, 0) / max_k s_k) + ε   (ε = 0.01; p ≥ 1e-4)
 *   W_p = Q diag(p) Qᵀ
 *
 * The correlation matrix and the eigendecomposition need no gradient; they are plain
 * Float64 arithmetic (src/math/eigen.ts).
 *
 * Shapes: f [N, D] (online projections of both views; a tensor or rows) → F as a row-major
 * Float64Array of D·D; F may be passed back as that array, as D rows or as a [D, D] tensor;
 * W_p [D, D].
 *
 * @example
 *   correlation = updateCorrelation(correlation, tf.concat([z1, z2]), 0.3); // D·D values
 *   const wp = directPredPredictor(correlation, { eps: 0.01 });            // [D, D]
 *   const [p1, p2] = [tf.matMul(z1, wp), tf.matMul(z2, wp)];                // [B, D] each
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors.js';
import { type DataRows, type DataValues, isTensor, rowMajorOf, valuesOf } from '../../math/data-input.js';
import { symmetricEigen } from '../../math/eigen.js';

/** The smallest gain kept, so W_p never loses a direction entirely (authors' clamp). */
const MIN_GAIN = 1e-4;

/**
 * The running correlation F: [D, D] row-major Float64, updated from the online
 * projections f: [B, D] (both views stacked, no gradient needed; a tensor or B rows).
 * F undefined (first step) → E[f fᵀ] = fᵀf / B; else ρ·F + (1 − ρ)·E[f fᵀ]; F is D·D
 * row-major values, D rows or a [D, D] tensor.
 * Returns a new array; F is not modified. ρ ∈ [0, 1).
 */
export function updateCorrelation(
  previousData: DataValues | DataRows | undefined,
  fData: tf.Tensor2D | DataRows,
  rho = 0.3,
): Float64Array {
  if (!(rho >= 0 && rho < 1)) throw inputError(`rho must be in [0, 1), not ${rho}`);
  if (isTensor(fData) && fData.rank !== 2) throw new Error(`f must be [batch, dim], not shape [${fData.shape}]`);
  const { rows: batch, cols: dim, data: values } = rowMajorOf(fData, 'f');
  if (batch < 1) throw new Error(`f must be [batch, dim] with batch ≥ 1, not shape [${batch},${dim}]`);
  const previous = previousData === undefined ? undefined : flattenSquare(previousData).matrix;
  if (previous !== undefined && previous.length !== dim * dim) {
    throw new Error(`the correlation matrix must be ${dim}×${dim} to match f, not ${previous.length} entries`);
  }
  const out = new Float64Array(dim * dim);
  // E[f fᵀ] in Float64, upper triangle then mirrored
  for (let b = 0; b < batch; b++) {
    const row = b * dim;
    for (let i = 0; i < dim; i++) {
      const fi = values[row + i];
      if (fi === 0) continue;
      const outRow = i * dim;
      for (let j = i; j < dim; j++) out[outRow + j] += fi * values[row + j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const mean = out[i * dim + j] / batch;
      const blended = previous === undefined ? mean : rho * previous[i * dim + j] + (1 - rho) * mean;
      out[i * dim + j] = blended;
      out[j * dim + i] = blended;
    }
  }
  return out;
}

/**
 * The gains p_j = sqrt(max(s_j, 0) / s_max) + ε, clamped at ≥ 1e-4, for eigenvalues s [D]
 * (an array or a 1D tensor) → gains [D].
 * If no eigenvalue is positive (F = 0, e.g. collapsed projections) every gain is ε
 * (clamped), i.e. W_p = ε·I.
 */
export function directPredGains(eigenvalueData: DataValues, eps = 0.01): Float64Array {
  const eigenvalues = valuesOf(eigenvalueData, 'eigenvalues');
  if (!(eps >= 0) || !Number.isFinite(eps)) throw inputError(`eps must be a finite number ≥ 0, not ${eps}`);
  let sMax = 0;
  for (let j = 0; j < eigenvalues.length; j++) sMax = Math.max(sMax, eigenvalues[j]);
  const gains = new Float64Array(eigenvalues.length);
  for (let j = 0; j < gains.length; j++) {
    const ratio = sMax > 0 ? Math.max(eigenvalues[j], 0) / sMax : 0;
    gains[j] = Math.max(Math.sqrt(ratio) + eps, MIN_GAIN);
  }
  return gains;
}

export interface DirectPredOptions {
  /** ε added to every gain (default 0.01, the authors') */
  eps?: number;
}

/**
 * W_p = Q diag(p) Qᵀ from the correlation F ([D, D]: D·D row-major values as a
 * Float64Array, Float32Array or number[], D rows, or a [D, D] or [D·D] tensor, read and not
 * disposed). Returns a [D, D] Float32 tensor (symmetric, so p = z·W_p for z: [B, D]); the
 * caller disposes it.
 */
export function directPredPredictor(correlation: DataValues | DataRows, options: DirectPredOptions = {}): tf.Tensor2D {
  const { matrix, dim } = flattenSquare(correlation);
  const { values, vectors } = symmetricEigen(matrix, dim);
  const gains = directPredGains(values, options.eps ?? 0.01);
  // Q·diag(p)·Qᵀ as one matMul (the backend's fast kernel; Float32 is the precision it is used at)
  return tf.tidy(() => {
    const q = tf.tensor2d(Float32Array.from(vectors), [dim, dim]);
    return tf.matMul(tf.mul(q, tf.tensor1d(Float32Array.from(gains))), q, false, true) as tf.Tensor2D;
  });
}

function flattenSquare(input: DataValues | DataRows): {
  matrix: ArrayLike<number>;
  dim: number;
} {
  if (isTensor(input)) {
    if (input.rank === 2 && input.shape[0] !== input.shape[1])
      throw new Error(`the correlation matrix must be square, not shape [${input.shape}]`);
    if (input.rank !== 1 && input.rank !== 2)
      throw new Error(`the correlation matrix must be a [D, D] or [D·D] tensor, not shape [${input.shape}]`);
  }
  const matrix = isTensor(input) ? input.dataSync() : input;
  const first = (matrix as ArrayLike<unknown>)[0];
  if (typeof first === 'object' && first !== null) {
    const rows = matrix as readonly ArrayLike<number>[];
    const dim = rows.length;
    rows.forEach((row, i) => {
      if (row.length !== dim)
        throw new Error(`the correlation matrix must be square, but row ${i} has ${row.length} entries, not ${dim}`);
    });
    return { matrix: rowMajorOf(rows, 'the correlation matrix').data, dim };
  }
  const flat = matrix as ArrayLike<number>;
  const dim = Math.round(Math.sqrt(flat.length));
  if (dim * dim !== flat.length || dim === 0) {
    throw new Error(`the correlation matrix must have D×D entries, not ${flat.length}`);
  }
  return { matrix: flat, dim };
}
