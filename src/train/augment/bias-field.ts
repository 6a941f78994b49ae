/**
 * A smooth multiplicative bias field, as TorchIO's RandomBiasField (after Van Leemput et
 * al., IEEE TMI 18:897–908, 1999): field = exp(Σ c_ijk·x^i·y^j·z^k) over i + j + k ≤ order,
 * with x, y, z the voxel coordinates scaled to [−1, 1] along each axis, and image ← image ·
 * field. TorchIO's defaults: order 3 (20 terms), coefficients U(−0.5, 0.5).
 */
import type { Triple } from './ranges.js';

/** The exponents (i, j, k) of the polynomial terms, in TorchIO's loop order. */
export function biasFieldTerms(order: number): Triple[] {
  const terms: Triple[] = [];
  for (let i = 0; i <= order; i++) {
    for (let j = 0; j <= order - i; j++) {
      for (let k = 0; k <= order - i - j; k++) terms.push([i, j, k]);
    }
  }
  return terms;
}

/** The field exp(Σ c·x^i y^j z^k) on the grid of `shape`, x-fastest. */
export function biasField(shape: Triple, order: number, coefficients: readonly number[]): Float32Array {
  const terms = biasFieldTerms(order);
  if (coefficients.length !== terms.length) {
    throw new Error(`an order-${order} bias field needs ${terms.length} coefficients, not ${coefficients.length}`);
  }
  const [nx, ny, nz] = shape;
  const unit = (index: number, n: number) => (n === 1 ? 0 : (2 * index) / (n - 1) - 1);
  const field = new Float32Array(nx * ny * nz);
  // for each (y, z), collapse the polynomial to one in x: a_i = Σ_{j,k} c_ijk y^j z^k
  const xPolynomial = new Float64Array(order + 1);
  const xs = Array.from({ length: nx }, (_, i) => unit(i, nx));
  let index = 0;
  for (let k = 0; k < nz; k++) {
    const z = unit(k, nz);
    for (let j = 0; j < ny; j++) {
      const y = unit(j, ny);
      xPolynomial.fill(0);
      terms.forEach(([pi, pj, pk], t) => {
        xPolynomial[pi] += coefficients[t] * y ** pj * z ** pk;
      });
      for (let i = 0; i < nx; i++, index++) {
        let value = 0;
        for (let p = order; p >= 0; p--) value = value * xs[i] + xPolynomial[p];
        field[index] = Math.exp(value);
      }
    }
  }
  return field;
}
