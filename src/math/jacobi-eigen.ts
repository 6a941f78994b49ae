/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method, in Float64
 * (Jacobi 1846; rotation formulas and the threshold strategy of Rutishauser,
 * Numer. Math. 9:1–10, 1966, as in Numerical Recipes §11.1), visiting the pairs in the
 * parallel round-robin order of Brent & Luk (SIAM J. Sci. Stat. Comput. 6:69–84, 1985).
 *
 * Each rotation zeroes one off-diagonal pair (p, q); a sweep visits every pair once and
 * convergence is quadratic, usually 6–10 sweeps. The round-robin order splits a sweep into
 * n − 1 rounds of n/2 disjoint pairs; rotations on disjoint pairs commute, so a round is
 * applied as one row pass and one column pass over the matrix, both walking memory
 * contiguously (the classic one-pair-at-a-time update writes a column with stride n and
 * is ~3× slower here). During the first three sweeps pairs below a threshold are skipped
 * (they would be re-filled anyway). The iteration stops when the off-diagonal Frobenius
 * norm is below 1e-12·‖A‖_F, so each eigenvalue is within 1e-12·‖A‖_F of the exact
 * one (Weyl) — far below the Float32 precision DirectPred's predictor is used at.
 */
import { runtimeError } from '../errors.js';
import { type DataValues, squareValuesOf } from './data-input.js';
import { sortedDescending, symmetrizedCopy, type SymmetricEigen } from './eigen.js';

const MAX_SWEEPS = 60;
const RELATIVE_TOLERANCE = 1e-12;

/**
 * matrix: [n, n] row-major (n·n numbers, or an [n, n] tensor, read and not disposed),
 * symmetric up to rounding (it is symmetrised as (A + Aᵀ)/2; an asymmetry above 1e-6
 * relative to the largest entry is an error). Float32 input is fine: the work is done in
 * Float64. Returns values [n] (descending) and vectors [n, n] as symmetricEigen.
 */
export function jacobiEigen(matrix: DataValues, n: number): SymmetricEigen {
  const a = symmetrizedCopy(squareValuesOf(matrix, n, 'matrix'), n);
  const vt = new Float64Array(n * n); // rows are the eigenvectors being accumulated
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  let norm2 = 0;
  for (let i = 0; i < n * n; i++) norm2 += a[i] * a[i];
  const stopAt = RELATIVE_TOLERANCE * RELATIVE_TOLERANCE * norm2;
  const rounds = roundRobinRounds(n);
  const rotations = new Rotations(n >> 1);

  let sweeps = 0;
  for (;;) {
    const off = offDiagonalSumOfSquares(a, n);
    if (off <= stopAt) break;
    if (sweeps === MAX_SWEEPS) {
      throw runtimeError(`jacobiEigen did not converge in ${MAX_SWEEPS} Jacobi sweeps (n = ${n})`);
    }
    const threshold = sweeps < 3 ? (0.2 * Math.sqrt(off)) / (n * n) : 0;
    for (const round of rounds) {
      rotations.choose(a, n, round, threshold);
      if (rotations.count > 0) rotations.apply(a, vt, n);
    }
    sweeps++;
  }
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = a[i * n + i];
  return sortedDescending(diagonal, vt, n, sweeps);
}

/**
 * The rotations of one round: for each active pair (p, q), J with J_pp = J_qq = c,
 * J_pq = s, J_qp = −s, chosen so that (JᵀAJ)_pq = 0 (Rutishauser's smaller angle).
 */
class Rotations {
  readonly p: Int32Array;
  readonly q: Int32Array;
  readonly c: Float64Array;
  readonly s: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.p = new Int32Array(capacity);
    this.q = new Int32Array(capacity);
    this.c = new Float64Array(capacity);
    this.s = new Float64Array(capacity);
  }

  choose(a: Float64Array, n: number, round: Int32Array, threshold: number): void {
    this.count = 0;
    for (let i = 0; i < round.length; i += 2) {
      const p = round[i];
      const q = round[i + 1];
      const apq = a[p * n + q];
      if (apq === 0 || Math.abs(apq) <= threshold) continue;
      const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
      // the smaller root of t² + 2tθ − 1 = 0, i.e. |rotation angle| ≤ π/4
      const t = Number.isFinite(theta * theta)
        ? Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        : 1 / (2 * theta);
      const c = 1 / Math.sqrt(t * t + 1);
      const k = this.count++;
      this.p[k] = p;
      this.q[k] = q;
      this.c[k] = c;
      this.s[k] = t * c;
    }
  }

  /** A ← JᵀAJ (a row pass, then a column pass) and Vᵀ ← JᵀVᵀ; the rotated pairs become 0. */
  apply(a: Float64Array, vt: Float64Array, n: number): void {
    rotateRowPairs(a, n, this);
    rotateRowPairs(vt, n, this);
    rotateColumnPairs(a, n, this);
    for (let r = 0; r < this.count; r++) {
      a[this.p[r] * n + this.q[r]] = 0;
      a[this.q[r] * n + this.p[r]] = 0;
    }
  }
}

/** M ← JᵀM: rows p and q of each pair mix (contiguous). */
function rotateRowPairs(m: Float64Array, n: number, rotations: Rotations): void {
  const { p, q, c, s, count } = rotations;
  for (let r = 0; r < count; r++) {
    const rowP = p[r] * n;
    const rowQ = q[r] * n;
    const cr = c[r];
    const sr = s[r];
    for (let k = 0; k < n; k++) {
      const xp = m[rowP + k];
      const xq = m[rowQ + k];
      m[rowP + k] = cr * xp - sr * xq;
      m[rowQ + k] = sr * xp + cr * xq;
    }
  }
}

/** M ← MJ: columns p and q of each pair mix, walking M row by row. */
function rotateColumnPairs(m: Float64Array, n: number, rotations: Rotations): void {
  const { p, q, c, s, count } = rotations;
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let r = 0; r < count; r++) {
      const ip = row + p[r];
      const iq = row + q[r];
      const xp = m[ip];
      const xq = m[iq];
      m[ip] = c[r] * xp - s[r] * xq;
      m[iq] = s[r] * xp + c[r] * xq;
    }
  }
}

/**
 * Brent–Luk / circle-method schedule: n − 1 rounds (n even; an odd n gets a dummy index
 * that sits out), each a flat list [p0, q0, p1, q1, ...] of disjoint pairs with p < q,
 * covering every pair exactly once per sweep.
 */
function roundRobinRounds(n: number): Int32Array[] {
  const players = n % 2 === 0 ? n : n + 1;
  const circle = Array.from({ length: players }, (_, i) => i);
  const rounds: Int32Array[] = [];
  for (let r = 0; r < players - 1; r++) {
    const pairs: number[] = [];
    for (let i = 0; i < players / 2; i++) {
      const x = circle[i];
      const y = circle[players - 1 - i];
      if (x < n && y < n) pairs.push(Math.min(x, y), Math.max(x, y));
    }
    rounds.push(Int32Array.from(pairs));
    circle.splice(1, 0, circle.pop() as number);
  }
  return rounds;
}

function offDiagonalSumOfSquares(a: Float64Array, n: number): number {
  let sum = 0;
  for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) sum += a[p * n + q] * a[p * n + q];
  return sum;
}
