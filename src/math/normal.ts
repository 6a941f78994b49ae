/**
 * The standard normal distribution to double precision, for the BCa bootstrap interval
 * (Efron 1987), which maps its bias correction and acceleration through Φ and Φ⁻¹.
 *
 * Φ(z) comes from the regularised incomplete gamma function, Φ(−z) = ½·Q(½, z²/2) for z ≥ 0
 * (series for P below a + 1, Lentz continued fraction for Q above; Numerical Recipes §6.2),
 * so no fitted coefficients are involved. Φ⁻¹ starts from Acklam's rational approximation
 * (relative error ~1e-9) and polishes it with Halley steps on the accurate Φ. Both agree
 * with scipy.special.ndtr / ndtri to ~1e-15 (tested).
 */

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI); // ln Γ(½)
const EPS = 1e-16;

/** P(½, x) by its power series; converges fast for x < 1.5. */
function lowerGammaHalfSeries(x: number): number {
  let term = 1 / 0.5;
  let sum = term;
  for (let n = 1; n < 500; n++) {
    term *= x / (0.5 + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + 0.5 * Math.log(x) - LOG_SQRT_PI);
}

/** Q(½, x) by the modified Lentz continued fraction; converges fast for x ≥ 1.5. */
function upperGammaHalfFraction(x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - 0.5;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - 0.5);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + 0.5 * Math.log(x) - LOG_SQRT_PI) * h;
}

/** Φ(z) = P(Z ≤ z) for a standard normal Z (scipy.special.ndtr). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = (z * z) / 2;
  // Φ(−|z|) = ½ Q(½, z²/2): compute the lower tail accurately, reflect for z > 0.
  const lowerTail = x < 1.5 ? 0.5 * (1 - lowerGammaHalfSeries(x)) : 0.5 * upperGammaHalfFraction(x);
  return z <= 0 ? lowerTail : 1 - lowerTail;
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Acklam's rational approximation of Φ⁻¹(p) for 0 < p ≤ ½ (relative error < 1.2e-9). */
function acklamLowerHalf(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** Φ⁻¹(p), the standard normal quantile (scipy.special.ndtri); ±∞ at p = 0 or 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ≥ ½ (Sterbenz), so the symmetry costs no precision.
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLowerHalf(p);
  for (let step = 0; step < 3; step++) {
    // Halley's method on Φ(x) − p: u = (Φ(x) − p)/φ(x).
    const u = (normalCdf(x) - p) * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const next = x - u / (1 + (x * u) / 2);
    if (next === x) break;
    x = next;
  }
  return x;
}
