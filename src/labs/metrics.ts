/**
 * How well a representation recovers known latents, as the theory papers measure it:
 * the R² of a linear regression from the representation to the latents (Zimmermann et al.
 * 2021, "linear identifiability"), the mean correlation coefficient after matching units to
 * latents (MCC; Hyvärinen & Morioka 2016), and the best |correlation| of each latent with any
 * unit (Tian et al. 2020). Matrices are row-major Float64Array [samples, columns].
 */
import { fitRidge, predictLinear, type Matrix } from '../math/linear.js';
import { r2 } from '../eval/metrics.js';
import { maxWeightAssignment } from './hungarian.js';

/** Ridge strength for the linear read-out: only guards against collinear units (sklearn's LinearRegression is α = 0). */
const READOUT_RIDGE = 1e-6;

/**
 * Fits y ≈ X·W + b per latent on (trainX, trainY) and returns the mean over latents of the R²
 * on (testX, testY) (sklearn's r2_score, uniform average). X: [N, units], Y: [N, latents].
 */
export function linearReadoutR2(trainX: Matrix, trainY: Matrix, testX: Matrix, testY: Matrix): number {
  if (trainX.rows !== trainY.rows || testX.rows !== testY.rows) {
    throw new Error(
      `features and latents need the same rows, not ${trainX.rows}/${trainY.rows} and ${testX.rows}/${testY.rows}`,
    );
  }
  let sum = 0;
  for (let k = 0; k < trainY.cols; k++) {
    const model = fitRidge(trainX, column(trainY, k), READOUT_RIDGE);
    sum += r2(column(testY, k), predictLinear(model, testX));
  }
  return sum / trainY.cols;
}

/**
 * |Pearson correlation| between every column of a [N, p] and every column of b [N, q]:
 * nested [p][q]. A constant column (e.g. a dead ReLU unit) correlates 0 with everything.
 */
export function absCorrelationMatrix(a: Matrix, b: Matrix): number[][] {
  if (a.rows !== b.rows) throw new Error(`correlation needs the same rows, not ${a.rows} and ${b.rows}`);
  const za = standardizedColumns(a);
  const zb = standardizedColumns(b);
  const out: number[][] = [];
  for (let i = 0; i < a.cols; i++) {
    const row = new Array<number>(b.cols).fill(0);
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      const ca = za[i];
      const cb = zb[j];
      if (ca === undefined || cb === undefined) continue;
      for (let r = 0; r < a.rows; r++) s += ca[r] * cb[r];
      row[j] = Math.min(1, Math.abs(s));
    }
    out.push(row);
  }
  return out;
}

/**
 * Mean correlation coefficient: |corr| between latents [N, n] and units [N, m ≥ n], units
 * matched one-to-one to latents by the Hungarian method to maximise the total, then averaged.
 */
export function meanCorrelationCoefficient(latents: Matrix, units: Matrix): number {
  if (units.cols < latents.cols)
    throw new Error(`MCC needs at least as many units (${units.cols}) as latents (${latents.cols})`);
  const corr = absCorrelationMatrix(latents, units);
  return maxWeightAssignment(corr).total / latents.cols;
}

/** For each latent column of `latents`, the best |corr| with any column of `units`: [n]. */
export function bestAbsCorrelations(latents: Matrix, units: Matrix): number[] {
  return absCorrelationMatrix(latents, units).map((row) => Math.max(0, ...row));
}

/** Column k of m as a Float64Array. */
export function column(m: Matrix, k: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.cols + k];
  return out;
}

/** Columns centred and scaled to unit sum of squares; undefined for a constant column. */
function standardizedColumns(m: Matrix): (Float64Array | undefined)[] {
  const out: (Float64Array | undefined)[] = [];
  for (let k = 0; k < m.cols; k++) {
    const c = column(m, k);
    let mean = 0;
    for (const v of c) mean += v;
    mean /= c.length;
    let ss = 0;
    for (let r = 0; r < c.length; r++) {
      c[r] -= mean;
      ss += c[r] * c[r];
    }
    // Relative test: float32 activations of a dead unit can wobble by rounding only.
    out.push(ss > 1e-20 * c.length * Math.max(1, mean * mean) ? c.map((v) => v / Math.sqrt(ss)) : undefined);
  }
  return out;
}
