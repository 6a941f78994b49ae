/**
 * Winograd F(2×2×2, 3×3×3) for the 3×3×3 convolutions (kernel convWinograd in
 * winograd-simd.as; Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR
 * 2016): when it applies, and the filter transform U = G g Gᵀ along the three axes, computed
 * here once per call.
 */

// F(2,3)'s filter matrix G [4, 3] (u = G g) is [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]];
// applyG and applyGT below write its products out.

/** Below this many output voxels × input channels × output channels per element, the direct kernel is as fast. */
const MIN_WORK = 8 ** 3 * 16 * 16;

/**
 * Whether convWinograd computes this 'valid' convolution: a 3×3×3 kernel, even output sizes
 * (whole 2×2×2 blocks), input channels a multiple of 4 and output channels of 8 (its vector
 * tiles), enough work to pay for the transforms, and not switched off by LSSL_CONV_WINOGRAD=0.
 */
export function winogradApplies(
  kernel: readonly number[],
  outDims: readonly number[],
  cin: number,
  cout: number,
  env: string | undefined = process.env.LSSL_CONV_WINOGRAD,
): boolean {
  if (env === '0') return false;
  if (kernel.some((k) => k !== 3) || outDims.some((o) => o % 2 !== 0)) return false;
  if (cin % 4 !== 0 || cout % 8 !== 0) return false;
  return outDims[0] * outDims[1] * outDims[2] * cin * cout >= MIN_WORK;
}

/**
 * Applies G along the middle axis of `src` [outer, 3, inner] → [outer, 4, inner]:
 * u0 = g0, u1 = (g0 + g1 + g2) / 2, u2 = (g0 − g1 + g2) / 2, u3 = g2.
 */
function applyG(src: ArrayLike<number>, outer: number, inner: number): Float64Array {
  const dst = new Float64Array(outer * 4 * inner);
  for (let o = 0; o < outer; o++) {
    const s = o * 3 * inner;
    const d = o * 4 * inner;
    for (let i = 0; i < inner; i++) {
      const g0 = src[s + i];
      const g1 = src[s + inner + i];
      const g2 = src[s + 2 * inner + i];
      const even = 0.5 * (g0 + g2);
      dst[d + i] = g0;
      dst[d + inner + i] = even + 0.5 * g1;
      dst[d + 2 * inner + i] = even - 0.5 * g1;
      dst[d + 3 * inner + i] = g2;
    }
  }
  return dst;
}

/**
 * The transformed filter for convWinograd: `weights` [3, 3, 3, cin, cout] → `dst`
 * [64, cin, coutP] (ξ = ξz·16 + ξy·4 + ξx; channels cout..coutP zero), in float64 then
 * rounded once.
 */
export function winogradFilter(
  weights: Float32Array,
  cin: number,
  cout: number,
  coutP: number,
  dst: Float32Array,
): void {
  const inner = cin * cout;
  let t = applyG(weights, 9, inner); // along kw: [kd, kh, ξx, ci, co]
  t = applyG(t, 3, 4 * inner); // along kh: [kd, ξy, ξx, ...]
  t = applyG(t, 1, 16 * inner); // along kd: [ξz, ξy, ξx, ...]
  dst.fill(0, 0, 64 * cin * coutP);
  for (let r = 0; r < 64 * cin; r++) for (let co = 0; co < cout; co++) dst[r * coutP + co] = t[r * cout + co];
}

/**
 * Applies Gᵀ along the middle axis of `src` [outer, 4, inner] → [outer, 3, inner]:
 * k0 = a0 + (a1 + a2) / 2, k1 = (a1 − a2) / 2, k2 = (a1 + a2) / 2 + a3.
 */
function applyGT(src: Float64Array, outer: number, inner: number): Float64Array {
  const dst = new Float64Array(outer * 3 * inner);
  for (let o = 0; o < outer; o++) {
    const s = o * 4 * inner;
    const d = o * 3 * inner;
    for (let i = 0; i < inner; i++) {
      const a1 = src[s + inner + i];
      const a2 = src[s + 2 * inner + i];
      const mid = 0.5 * (a1 + a2);
      dst[d + i] = src[s + i] + mid;
      dst[d + inner + i] = 0.5 * (a1 - a2);
      dst[d + 2 * inner + i] = mid + src[s + 3 * inner + i];
    }
  }
  return dst;
}

/**
 * The filter gradient from convWinogradFilterGrad's transformed sums: `acc` [64, cin, coutP]
 * (Σ over tiles of (Bᵀ d B) ⊙ (A dy Aᵀ)) → `out` [3, 3, 3, cin, cout] = Gᵀ acc G along the
 * three axes (the transpose of winogradFilter's map, as ∂L/∂g of y = Aᵀ[(G g) ⊙ (Bᵀ d)]).
 */
export function winogradFilterGradTaps(
  acc: Float64Array,
  cin: number,
  cout: number,
  coutP: number,
  out: Float32Array,
): void {
  const inner = cin * coutP;
  let t: Float64Array = applyGT(acc, 1, 16 * inner); // along ξz: [kd, ξy, ξx, ci, co]
  t = applyGT(t, 3, 4 * inner); // along ξy: [kd, kh, ξx, ...]
  t = applyGT(t, 9, inner); // along ξx: [kd, kh, kw, ...]
  for (let r = 0; r < 27 * cin; r++) for (let co = 0; co < cout; co++) out[r * cout + co] = t[r * coutP + co];
}
