/**
 * The random invertible data-generating process of Zimmermann et al. (ICML 2021, §5):
 * x = g(z) = W₃·σ(W₂·σ(W₁·z)), σ = LeakyReLU(0.2), every Wₗ square n×n.
 * Each Wₗ = Uₗ·diag(sₗ)·Vₗᵀ with Uₗ, Vₗ random orthogonal (Gram–Schmidt of a Gaussian
 * matrix) and singular values sₗ uniform in [minSingular, maxSingular], so the condition
 * number of every layer is known and bounded (≤ maxSingular/minSingular) and g is a
 * bijection of Rⁿ with an exact inverse (LeakyReLU is strictly increasing).
 * Plain Float64 loops: n = 10, so a forward pass is a few hundred flops per sample.
 */
import type { Rng } from '../rng.js';

export const LEAKY_SLOPE = 0.2;

export interface GeneratorLayer {
  /** n×n row-major: weight[i*n + j] = W[i][j] */
  weight: Float64Array;
  /** n×n row-major inverse V·diag(1/s)·Uᵀ */
  inverse: Float64Array;
  singularValues: number[];
}

export interface InvertibleGenerator {
  n: number;
  layers: GeneratorLayer[];
}

export interface GeneratorOptions {
  layers?: number;
  minSingular?: number;
  maxSingular?: number;
}

/** A random n×n orthogonal matrix (row-major): Gram–Schmidt on Gaussian rows, retried if degenerate. */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (;;) {
      const row = Array.from({ length: n }, () => rng.normal());
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += row[j] * q[k * n + j];
        for (let j = 0; j < n; j++) row[j] -= dot * q[k * n + j];
      }
      const norm = Math.hypot(...row);
      if (norm < 1e-6) continue;
      for (let j = 0; j < n; j++) q[i * n + j] = row[j] / norm;
      break;
    }
  }
  return q;
}

export function createInvertibleGenerator(n: number, rng: Rng, options: GeneratorOptions = {}): InvertibleGenerator {
  const count = options.layers ?? 3;
  const lo = options.minSingular ?? 1;
  const hi = options.maxSingular ?? 2;
  if (!(lo > 0 && hi >= lo)) throw new Error(`singular values need 0 < minSingular ≤ maxSingular, not ${lo} and ${hi}`);
  const layers: GeneratorLayer[] = [];
  for (let l = 0; l < count; l++) {
    const u = randomOrthogonal(n, rng);
    const v = randomOrthogonal(n, rng);
    const s = Array.from({ length: n }, () => rng.uniform(lo, hi));
    const weight = new Float64Array(n * n);
    const inverse = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let w = 0;
        let winv = 0;
        for (let k = 0; k < n; k++) {
          w += u[i * n + k] * s[k] * v[j * n + k]; // (U S Vᵀ)_ij
          winv += v[i * n + k] * (1 / s[k]) * u[j * n + k]; // (V S⁻¹ Uᵀ)_ij
        }
        weight[i * n + j] = w;
        inverse[i * n + j] = winv;
      }
    }
    layers.push({ weight, inverse, singularValues: s });
  }
  return { n, layers };
}

/** Largest / smallest singular value of each layer. */
export function layerConditionNumbers(g: InvertibleGenerator): number[] {
  return g.layers.map((l) => Math.max(...l.singularValues) / Math.min(...l.singularValues));
}

/** x = g(z) for one sample z: [n]. */
export function generate(g: InvertibleGenerator, z: ArrayLike<number>): Float64Array {
  let h: Float64Array = Float64Array.from(z);
  g.layers.forEach((layer, l) => {
    h = matVec(layer.weight, h, g.n);
    if (l + 1 < g.layers.length) h = h.map((v) => (v > 0 ? v : LEAKY_SLOPE * v));
  });
  return h;
}

/** z = g⁻¹(x) for one observation x: [n]. */
export function invertGenerator(g: InvertibleGenerator, x: ArrayLike<number>): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  for (let l = g.layers.length - 1; l >= 0; l--) {
    if (l + 1 < g.layers.length) h = h.map((v) => (v > 0 ? v : v / LEAKY_SLOPE));
    h = matVec(g.layers[l].inverse, h, g.n);
  }
  return h;
}

function matVec(m: Float64Array, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}
