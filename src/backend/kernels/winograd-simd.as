// AssemblyScript source (compiled by build-kernels.mjs into the conv modules), not TypeScript.
// 3×3×3 'valid' convolution by Winograd's minimal filtering F(2×2×2, 3×3×3) (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, applied along each of the
// three axes): every 2×2×2 block of outputs is A^T[(G g G^T) ⊙ (B^T d B)]A over a 4×4×4 input
// tile, i.e. 64 products per input/output channel pair instead of 8·27 = 216 (3.4× fewer
// multiplies). The 64 element-wise products over channels are 64 small matrix products
// (tiles × Cin) · (Cin × Cout), computed with the register tiles of convForward.
//
// Layout (float32, channels last):
//   input  [Dp, Hp, Wp, Cin]   zero-padded by the caller (Dp = OD + 2, ...), Cin % 4 == 0
//   u      [64, Cin, CoutP]    the transformed filter G g G^T (simd-runtime's caller computes
//                              it), followed by the bias [CoutP]; CoutP % 8 == 0
//   output [OD, OH, OW, CoutP] OD, OH, OW even
//   scratch, per tile plane k = z / 2: at scratchPtr + k·scratchStride, 64·TR·(Cin + CoutP)
//     floats + 64 v128, TR = OW / 2 tiles per row (one tile row is transformed, multiplied and
//     transformed back at a time, so its data stays in cache)
// z0..z1 are tile planes (output planes 2·z0 .. 2·z1); one plane per chunk keeps the result
// independent of which thread computes it.
import { madd } from './madd';

// B^T = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]] on 4 vectors at s + k·ss, stored at d + k·ds.
// @ts-ignore: decorator
@inline function inputLine(s: usize, ss: usize, d: usize, ds: usize): void {
  const d0 = v128.load(s), d1 = v128.load(s + ss), d2 = v128.load(s + 2 * ss), d3 = v128.load(s + 3 * ss);
  v128.store(d, f32x4.sub(d0, d2));
  v128.store(d + ds, f32x4.add(d1, d2));
  v128.store(d + 2 * ds, f32x4.sub(d2, d1));
  v128.store(d + 3 * ds, f32x4.sub(d1, d3));
}

// A^T = [[1,1,1,0],[0,1,-1,-1]] on 4 vectors at s + k·ss, 2 results stored at d, d + ds.
// @ts-ignore: decorator
@inline function outputLine(s: usize, ss: usize, d: usize, ds: usize): void {
  const m0 = v128.load(s), m1 = v128.load(s + ss), m2 = v128.load(s + 2 * ss), m3 = v128.load(s + 3 * ss);
  v128.store(d, f32x4.add(f32x4.add(m0, m1), m2));
  v128.store(d + ds, f32x4.sub(f32x4.sub(m1, m2), m3));
}

// Last pass of the output transform: as outputLine, plus the bias.
// @ts-ignore: decorator
@inline function outputLineBias(s: usize, ss: usize, d: usize, ds: usize, bias: v128): void {
  const m0 = v128.load(s), m1 = v128.load(s + ss), m2 = v128.load(s + 2 * ss), m3 = v128.load(s + 3 * ss);
  v128.store(d, f32x4.add(f32x4.add(f32x4.add(m0, m1), m2), bias));
  v128.store(d + ds, f32x4.add(f32x4.sub(f32x4.sub(m1, m2), m3), bias));
}

// Input transform B^T d B of the TR tiles of one tile row starting at rowBase (padded input),
// 4 channels at a time: V[ξ, t, ci] (ξ = ξz·16 + ξy·4 + ξx; vXi bytes per ξ); tmp holds 64 vectors.
function inputTiles(
  rowBase: usize, V: usize, vXi: usize, tmp: usize, TR: i32, Cin: i32, inRow: usize, inPlane: usize,
): void {
  const cinB = <usize>Cin << 2;
  for (let t = 0; t < TR; t++) {
    for (let c = 0; c < Cin; c += 4) {
      const src = rowBase + <usize>(2 * t) * cinB + (<usize>c << 2);
      for (let a = 0; a < 16; a++) {
        // along x: input (dz, dy) = (a >> 2, a & 3) → tmp[dz, dy, ξx]
        inputLine(src + <usize>(a >> 2) * inPlane + <usize>(a & 3) * inRow, cinB, tmp + (<usize>a << 6), 16);
      }
      for (let a = 0; a < 16; a++) {
        // along y: tmp[dz, ·, ξx] with (dz, ξx) = (a >> 2, a & 3), in place
        const p = tmp + (<usize>(a >> 2) << 8) + (<usize>(a & 3) << 4);
        inputLine(p, 64, p, 64);
      }
      const dst = V + <usize>t * cinB + (<usize>c << 2);
      for (let a = 0; a < 16; a++) {
        // along z: tmp[·, ξy, ξx] with ξy·4 + ξx = a → V[ξz·16 + a, t, c..c+3]
        inputLine(tmp + (<usize>a << 4), 256, dst + <usize>a * vXi, 16 * vXi);
      }
    }
  }
}

export function convWinograd(
  inPtr: usize, uPtr: usize, outPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, CoutP: i32,
  scratchPtr: i32, scratchStride: i32, unused: i32, z0: i32, z1: i32,
): void {
  const TR = OW >> 1;
  const TH = OH >> 1;
  const cinB = <usize>Cin << 2;
  const coutB = <usize>CoutP << 2;
  const inRow = <usize>Wp * cinB;
  const inPlane = <usize>Hp * inRow;
  const outRow = <usize>OW * coutB;
  const outPlane = <usize>OH * outRow;
  const vXi = <usize>TR * cinB; // bytes per ξ in V [64, TR, Cin]
  const mXi = <usize>TR * coutB; // bytes per ξ in M [64, TR, CoutP]
  const uXi = <usize>Cin * coutB; // bytes per ξ in U [64, Cin, CoutP]
  const biasPtr = uPtr + 64 * uXi;
  for (let tz = z0; tz < z1; tz++) {
    const scratch = <usize>scratchPtr + <usize>tz * <usize>scratchStride;
    const V = scratch;
    const M = V + 64 * vXi;
    const tmp = M + 64 * mXi; // 64 v128: one tile of 4 channels between passes
    for (let ty = 0; ty < TH; ty++) {
      // 1. input transform of the row's TR tiles: V[ξ, t, ci]
      inputTiles(inPtr + <usize>(2 * tz) * inPlane + <usize>(2 * ty) * inRow, V, vXi, tmp, TR, Cin, inRow, inPlane);
      // 2. M[ξ] = V[ξ] · U[ξ]: (TR × Cin) · (Cin × CoutP), tiles of 4 rows × 8 channels
      for (let xi = 0; xi < 64; xi++) {
        const Vx = V + <usize>xi * vXi;
        const Ux = uPtr + <usize>xi * uXi;
        const Mx = M + <usize>xi * mXi;
        let t = 0;
        for (; t + 4 <= TR; t += 4) {
          for (let co = 0; co < CoutP; co += 8) {
            let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
            let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
            let vp = Vx + <usize>t * cinB;
            let up = Ux + (<usize>co << 2);
            for (let ci = 0; ci < Cin; ci++) {
              const w0 = v128.load(up);
              const w1 = v128.load(up, 16);
              let a = v128.load32_splat(vp);
              c00 = madd(a, w0, c00);
              c01 = madd(a, w1, c01);
              a = v128.load32_splat(vp + cinB);
              c10 = madd(a, w0, c10);
              c11 = madd(a, w1, c11);
              a = v128.load32_splat(vp + 2 * cinB);
              c20 = madd(a, w0, c20);
              c21 = madd(a, w1, c21);
              a = v128.load32_splat(vp + 3 * cinB);
              c30 = madd(a, w0, c30);
              c31 = madd(a, w1, c31);
              vp += 4;
              up += coutB;
            }
            const mp = Mx + <usize>t * coutB + (<usize>co << 2);
            v128.store(mp, c00); v128.store(mp, c01, 16);
            v128.store(mp + coutB, c10); v128.store(mp + coutB, c11, 16);
            v128.store(mp + 2 * coutB, c20); v128.store(mp + 2 * coutB, c21, 16);
            v128.store(mp + 3 * coutB, c30); v128.store(mp + 3 * coutB, c31, 16);
          }
        }
        for (; t < TR; t++) {
          for (let co = 0; co < CoutP; co += 8) {
            let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
            let vp = Vx + <usize>t * cinB;
            let up = Ux + (<usize>co << 2);
            for (let ci = 0; ci < Cin; ci++) {
              const a = v128.load32_splat(vp);
              c0 = madd(a, v128.load(up), c0);
              c1 = madd(a, v128.load(up, 16), c1);
              vp += 4;
              up += coutB;
            }
            const mp = Mx + <usize>t * coutB + (<usize>co << 2);
            v128.store(mp, c0); v128.store(mp, c1, 16);
          }
        }
      }
      // 3. output transform, 4 channels at a time: out[2tz + oz, 2ty + oy, 2t + ox, co]
      const outBase = outPtr + <usize>(2 * tz) * outPlane + <usize>(2 * ty) * outRow;
      for (let t = 0; t < TR; t++) {
        for (let c = 0; c < CoutP; c += 4) {
          const src = M + <usize>t * coutB + (<usize>c << 2);
          for (let a = 0; a < 16; a++) {
            // along x: M[ξz·16 + ξy·4 + ·] with a = ξz·4 + ξy → tmp[ξz, ξy, ox]
            outputLine(src + <usize>(a << 2) * mXi, mXi, tmp + (<usize>a << 6), 16);
          }
          for (let a = 0; a < 8; a++) {
            // along y: tmp[ξz, ·, ox] with (ξz, ox) = (a >> 1, a & 1), in place
            const p = tmp + (<usize>(a >> 1) << 8) + (<usize>(a & 1) << 4);
            outputLine(p, 64, p, 64);
          }
          const bias = v128.load(biasPtr + (<usize>c << 2));
          const dst = outBase + <usize>(2 * t) * coutB + (<usize>c << 2);
          for (let a = 0; a < 4; a++) {
            // along z: tmp[·, oy, ox] with (oy, ox) = (a >> 1, a & 1) → out planes 2tz, 2tz + 1
            const oy = <usize>(a >> 1), ox = <usize>(a & 1);
            outputLineBias(tmp + (oy << 6) + (ox << 4), 256, dst + oy * outRow + ox * coutB, outPlane, bias);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient by the same transforms: y = A^T[(G g) ⊙ (B^T d)] is linear in g, so
// ∂L/∂g = G^T[(B^T d) ⊙ (A dy)] per tile (A dy maps 2 values to 4: [a, a + b, a − b, −b]),
// and over channels and tiles W̃[ξ, ci, co] = Σ_t V[ξ, t, ci]·D[ξ, t, co], D = A dy A^T in 3D.
// The caller applies G^T (64 → 27 taps) to the sum of the per-chunk W̃.
//   dy  [OD, OH, OW, CoutP] (unpadded, OD, OH, OW even)
//   acc [64, Cin, CoutP]    ACCUMULATED into (the runtime offsets it per chunk; zeroed by the caller)
//   scratch per tile plane: V [64, TR, Cin], D [64, TR, CoutP], 64 vectors

// A dy on 2 vectors at s, s + ss: 4 results at d + k·ds.
// @ts-ignore: decorator
@inline function gradLine(s: usize, ss: usize, d: usize, ds: usize): void {
  const a = v128.load(s), b = v128.load(s + ss);
  v128.store(d, a);
  v128.store(d + ds, f32x4.add(a, b));
  v128.store(d + 2 * ds, f32x4.sub(a, b));
  v128.store(d + 3 * ds, f32x4.neg(b));
}

export function convWinogradFilterGrad(
  inPtr: usize, dyPtr: usize, accPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, CoutP: i32,
  scratchPtr: i32, scratchStride: i32, unused: i32, z0: i32, z1: i32,
): void {
  const TR = OW >> 1;
  const TH = OH >> 1;
  const cinB = <usize>Cin << 2;
  const coutB = <usize>CoutP << 2;
  const inRow = <usize>Wp * cinB;
  const inPlane = <usize>Hp * inRow;
  const dyRow = <usize>OW * coutB;
  const dyPlane = <usize>OH * dyRow;
  const vXi = <usize>TR * cinB; // bytes per ξ in V [64, TR, Cin]
  const dXi = <usize>TR * coutB; // bytes per ξ in D [64, TR, CoutP]
  const aXi = <usize>Cin * coutB; // bytes per ξ in acc [64, Cin, CoutP]
  for (let tz = z0; tz < z1; tz++) {
    const V = <usize>scratchPtr + <usize>tz * <usize>scratchStride;
    const D = V + 64 * vXi;
    const tmp = D + 64 * dXi;
    // one tile row at a time: its V and D (64·TR·(Cin + CoutP) floats) stay in L2, which
    // measured faster than longer reductions over 2–16 rows whose V and D spill from it
    for (let ty = 0; ty < TH; ty++) {
      inputTiles(inPtr + <usize>(2 * tz) * inPlane + <usize>(2 * ty) * inRow, V, vXi, tmp, TR, Cin, inRow, inPlane);
      // D[ξ, t, co] = (A dy A^T) of the tile's 2×2×2 dy, 4 channels at a time
      const dyBase = dyPtr + <usize>(2 * tz) * dyPlane + <usize>(2 * ty) * dyRow;
      for (let t = 0; t < TR; t++) {
        for (let c = 0; c < CoutP; c += 4) {
          const src = dyBase + <usize>(2 * t) * coutB + (<usize>c << 2);
          for (let a = 0; a < 4; a++) {
            // along x: dy (oz, oy) = (a >> 1, a & 1) → tmp[oz, oy, ξx]
            gradLine(src + <usize>(a >> 1) * dyPlane + <usize>(a & 1) * dyRow, coutB, tmp + (<usize>(a >> 1) << 8) + (<usize>(a & 1) << 6), 16);
          }
          for (let a = 0; a < 8; a++) {
            // along y: tmp[oz, ·, ξx] with (oz, ξx) = (a >> 2, a & 3); rows 0, 1 read before 0..3 are written
            const p = tmp + (<usize>(a >> 2) << 8) + (<usize>(a & 3) << 4);
            gradLine(p, 64, p, 64);
          }
          const dst = D + <usize>t * coutB + (<usize>c << 2);
          for (let a = 0; a < 16; a++) {
            // along z: tmp[·, ξy, ξx] with ξy·4 + ξx = a → D[ξz·16 + a, t, c..c+3]
            gradLine(tmp + (<usize>a << 4), 256, dst + <usize>a * dXi, 16 * dXi);
          }
        }
      }
      // acc[ξ] += V[ξ]^T · D[ξ]: (Cin × TR) · (TR × CoutP), tiles of 4 ci × 8 co
      for (let xi = 0; xi < 64; xi++) {
        const Vx = V + <usize>xi * vXi;
        const Dx = D + <usize>xi * dXi;
        const Ax = accPtr + <usize>xi * aXi;
        for (let ci = 0; ci < Cin; ci += 4) {
          for (let co = 0; co < CoutP; co += 8) {
            const ap = Ax + <usize>ci * coutB + (<usize>co << 2);
            let c00 = v128.load(ap), c01 = v128.load(ap, 16);
            let c10 = v128.load(ap + coutB), c11 = v128.load(ap + coutB, 16);
            let c20 = v128.load(ap + 2 * coutB), c21 = v128.load(ap + 2 * coutB, 16);
            let c30 = v128.load(ap + 3 * coutB), c31 = v128.load(ap + 3 * coutB, 16);
            let vp = Vx + (<usize>ci << 2);
            let dp = Dx + (<usize>co << 2);
            for (let t = 0; t < TR; t++) {
              const g0 = v128.load(dp);
              const g1 = v128.load(dp, 16);
              let a = v128.load32_splat(vp);
              c00 = madd(a, g0, c00);
              c01 = madd(a, g1, c01);
              a = v128.load32_splat(vp, 4);
              c10 = madd(a, g0, c10);
              c11 = madd(a, g1, c11);
              a = v128.load32_splat(vp, 8);
              c20 = madd(a, g0, c20);
              c21 = madd(a, g1, c21);
              a = v128.load32_splat(vp, 12);
              c30 = madd(a, g0, c30);
              c31 = madd(a, g1, c31);
              vp += cinB;
              dp += coutB;
            }
            v128.store(ap, c00); v128.store(ap, c01, 16);
            v128.store(ap + coutB, c10); v128.store(ap + coutB, c11, 16);
            v128.store(ap + 2 * coutB, c20); v128.store(ap + 2 * coutB, c21, 16);
            v128.store(ap + 3 * coutB, c30); v128.store(ap + 3 * coutB, c31, 16);
          }
        }
      }
    }
  }
}
