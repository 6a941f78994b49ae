/**
 * Sampling on the unit sphere S^{n−1} ⊂ Rⁿ: the uniform distribution and the von Mises–Fisher
 * distribution vMF(μ, κ) with density ∝ exp(κ μᵀx), by Wood's rejection sampler
 * (A. T. A. Wood, "Simulation of the von Mises Fisher distribution", Commun. Statist.
 * Simula. 23(1), 1994). The positives of Zimmermann et al. (ICML 2021) are vMF draws
 * around each latent.
 *
 * Check: the mean resultant length E[μᵀx] equals A_n(κ) = I_{n/2}(κ) / I_{n/2−1}(κ)
 * (Mardia & Jupp, Directional Statistics, eq. 9.3.9), tested against scipy's Bessel functions.
 */
import { type DataValues, valuesOf } from '../math/data-input.js';
import type { Rng } from '../rng.js';

/** A point uniform on S^{n−1}: a standard normal vector divided by its length. */
export function sampleUniformSphere(n: number, rng: Rng): Float64Array {
  checkDimension(n);
  for (;;) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    const norm = Math.hypot(...v);
    if (norm > 1e-12) return v.map((x) => x / norm);
  }
}

/**
 * One draw of vMF(μ, κ) on S^{n−1}. μ: [n] (an array or a 1D tensor), unit length (checked); κ ≥ 0 (κ = 0 is uniform).
 * Wood's algorithm draws the cosine w = μᵀx from its marginal, density ∝ e^{κw}(1−w²)^{(n−3)/2},
 * by rejection from a Beta proposal, then a uniform direction v ⊥ μ: x = wμ + √(1−w²)v.
 */
export function sampleVonMisesFisher(muData: DataValues, kappa: number, rng: Rng): Float64Array {
  const mu = valuesOf(muData, 'mu');
  const n = mu.length;
  checkDimension(n);
  if (!(kappa >= 0) || !Number.isFinite(kappa)) throw new Error(`kappa must be a finite number ≥ 0, not ${kappa}`);
  const muNorm = Math.hypot(...Array.from(mu));
  if (Math.abs(muNorm - 1) > 1e-6) throw new Error(`mu must be a unit vector, not one of length ${muNorm}`);
  const w = sampleVmfCosine(n, kappa, rng);
  const v = tangentDirection(mu, rng);
  const s = Math.sqrt(Math.max(0, 1 - w * w));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w * mu[i] + s * v[i];
  return out;
}

/** The cosine w = μᵀx of a vMF(μ, κ) draw on S^{n−1} (Wood 1994, steps 0–4). */
export function sampleVmfCosine(n: number, kappa: number, rng: Rng): number {
  const m = n - 1;
  // b, x0 and c as in Wood (1994); this form of b avoids cancellation for large κ.
  const b = m / (2 * kappa + Math.sqrt(4 * kappa * kappa + m * m));
  const x0 = (1 - b) / (1 + b);
  const c = kappa * x0 + m * Math.log(1 - x0 * x0);
  for (;;) {
    const z = sampleBeta(m / 2, m / 2, rng);
    const w = (1 - (1 + b) * z) / (1 - (1 - b) * z);
    let u = rng.next();
    while (u === 0) u = rng.next();
    if (kappa * w + m * Math.log(1 - x0 * w) - c >= Math.log(u)) return w;
  }
}

/** A unit vector uniform among those orthogonal to the unit vector μ. */
function tangentDirection(mu: ArrayLike<number>, rng: Rng): Float64Array {
  const n = mu.length;
  for (;;) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    let dot = 0;
    for (let i = 0; i < n; i++) dot += v[i] * mu[i];
    for (let i = 0; i < n; i++) v[i] -= dot * mu[i];
    const norm = Math.hypot(...v);
    if (norm > 1e-9) return v.map((x) => x / norm);
  }
}

/** Gamma(shape, 1) by Marsaglia & Tsang (ACM TOMS 26(3), 2000); shape < 1 by the u^{1/shape} boost. */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new Error(`gamma shape must be > 0, not ${shape}`);
  if (shape < 1) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as G_a / (G_a + G_b). */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const ga = sampleGamma(a, rng);
  const gb = sampleGamma(b, rng);
  return ga / (ga + gb);
}

function checkDimension(n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new Error(`sphere dimension n must be an integer ≥ 2, not ${n}`);
}
