// AssemblyScript source (compiled by build-kernels.mjs with `asc --enable simd`), not TypeScript:
// the .as extension keeps it out of tsc. WebAssembly SIMD kernels for stride-1 3D convolution.
//
// Layout (all float32, channels last like TensorFlow's NDHWC):
//   input   [Dp, Hp, Wp, Cin]    one batch element, ALREADY zero-padded by the caller, so every
//                                kernel below is a 'valid' convolution with no bounds checks
//   weights [KD, KH, KW, Cin, CoutP]  CoutP = Cout rounded up to 4 (wide kernels), followed
//                                by the bias [CoutP] that the forward kernels start from
//                                (zeros when there is none, e.g. for the input gradient)
//   output  [OD, OH, OW, CoutP]  OD = Dp-KD+1, ...
// Rows z0..z1 (exclusive) of the output are computed, so two threads can share one call by
// splitting z. Pointers are byte offsets into the (shared) memory the host manages; the module
// allocates nothing.
//
// Inner loops run over j = kw*Cin + ci: for a fixed (kd, kh) the input values of one output
// voxel are the contiguous KW*Cin floats starting at its input row, and the weights are the
// contiguous KW*Cin rows of CoutP floats. Register tiles: 4 output voxels along x times 8 output
// channels = 8 f32x4 accumulators (fits the 16 SIMD registers of x86-64 with the operands).

//
// Every multiply-accumulate goes through `madd(a, b, c)` = a·b + c, from ./madd: the build
// compiles this file twice, once with madd-plain.as (f32x4 mul then add) and once with
// madd-relaxed.as (relaxed SIMD `f32x4.relaxed_madd`, a fused multiply-add where the CPU has
// one); simd-runtime.ts picks the relaxed module when the engine accepts it.
import { madd } from './madd';

// ---------------------------------------------------------------------------------------------
// Forward: out[z,y,x,co] = sum_{kd,kh,j} in[z+kd, y+kh, x*Cin + j] * w[kd,kh,j,co]

export function convForward(
  inPtr: usize, wPtr: usize, outPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, CoutP: i32,
  KD: i32, KH: i32, KW: i32, z0: i32, z1: i32,
): void {
  const J = KW * Cin;
  const inRowStride = <usize>(Wp * Cin) << 2;
  const wTapStride = <usize>(J * CoutP) << 2;
  const wRow = <usize>CoutP << 2;
  const xStep = <usize>Cin << 2;
  const biasPtr = wPtr + <usize>(KD * KH) * wTapStride;
  for (let z = z0; z < z1; z++) {
    for (let y = 0; y < OH; y++) {
      const outRow = outPtr + ((<usize>((z * OH + y) * OW) * <usize>CoutP) << 2);
      const inBase = inPtr + ((<usize>((z * Hp + y) * Wp) * <usize>Cin) << 2);
      let x = 0;
      for (; x + 4 <= OW; x += 4) {
        const inX = inBase + ((<usize>(x * Cin)) << 2);
        const outX = outRow + ((<usize>(x * CoutP)) << 2);
        let co = 0;
        for (; co + 8 <= CoutP; co += 8) {
          const b0 = v128.load(biasPtr + (<usize>co << 2)), b1 = v128.load(biasPtr + (<usize>co << 2), 16);
          let c00 = b0, c01 = b1, c10 = b0, c11 = b1;
          let c20 = b0, c21 = b1, c30 = b0, c31 = b1;
          let wTap = wPtr + (<usize>co << 2);
          if (Cin == 1 && KW == 3) {
            // one input channel (the first conv, and the last conv's input gradient): j runs over
            // kw only, so it is unrolled, and the 4 voxels' 6 inputs sit at constant offsets
            for (let kd = 0; kd < KD; kd++) {
              for (let kh = 0; kh < KH; kh++) {
                const ip = inX + <usize>(kd * Hp + kh) * inRowStride;
                for (let kw: usize = 0; kw < 3; kw++) {
                  const wp = wTap + kw * wRow;
                  const w0 = v128.load(wp);
                  const w1 = v128.load(wp, 16);
                  const q = ip + (kw << 2);
                  let a = v128.load32_splat(q);
                  c00 = madd(a, w0, c00);
                  c01 = madd(a, w1, c01);
                  a = v128.load32_splat(q, 4);
                  c10 = madd(a, w0, c10);
                  c11 = madd(a, w1, c11);
                  a = v128.load32_splat(q, 8);
                  c20 = madd(a, w0, c20);
                  c21 = madd(a, w1, c21);
                  a = v128.load32_splat(q, 12);
                  c30 = madd(a, w0, c30);
                  c31 = madd(a, w1, c31);
                }
                wTap += wTapStride;
              }
            }
          } else {
          for (let kd = 0; kd < KD; kd++) {
            for (let kh = 0; kh < KH; kh++) {
              let ip = inX + <usize>(kd * Hp + kh) * inRowStride;
              let wp = wTap;
              for (let j = 0; j < J; j++) {
                const w0 = v128.load(wp);
                const w1 = v128.load(wp, 16);
                let a = v128.load32_splat(ip);
                c00 = madd(a, w0, c00);
                c01 = madd(a, w1, c01);
                a = v128.load32_splat(ip + xStep);
                c10 = madd(a, w0, c10);
                c11 = madd(a, w1, c11);
                a = v128.load32_splat(ip + 2 * xStep);
                c20 = madd(a, w0, c20);
                c21 = madd(a, w1, c21);
                a = v128.load32_splat(ip + 3 * xStep);
                c30 = madd(a, w0, c30);
                c31 = madd(a, w1, c31);
                ip += 4;
                wp += wRow;
              }
              wTap += wTapStride;
            }
          }
          }
          const op = outX + (<usize>co << 2);
          const os = <usize>CoutP << 2;
          v128.store(op, c00); v128.store(op, c01, 16);
          v128.store(op + os, c10); v128.store(op + os, c11, 16);
          v128.store(op + 2 * os, c20); v128.store(op + 2 * os, c21, 16);
          v128.store(op + 3 * os, c30); v128.store(op + 3 * os, c31, 16);
        }
        for (; co < CoutP; co += 4) {
          const b = v128.load(biasPtr + (<usize>co << 2));
          let c0 = b, c1 = b, c2 = b, c3 = b;
          let wTap = wPtr + (<usize>co << 2);
          for (let kd = 0; kd < KD; kd++) {
            for (let kh = 0; kh < KH; kh++) {
              let ip = inX + <usize>(kd * Hp + kh) * inRowStride;
              let wp = wTap;
              for (let j = 0; j < J; j++) {
                const w0 = v128.load(wp);
                c0 = madd(v128.load32_splat(ip), w0, c0);
                c1 = madd(v128.load32_splat(ip + xStep), w0, c1);
                c2 = madd(v128.load32_splat(ip + 2 * xStep), w0, c2);
                c3 = madd(v128.load32_splat(ip + 3 * xStep), w0, c3);
                ip += 4;
                wp += wRow;
              }
              wTap += wTapStride;
            }
          }
          const op = outX + (<usize>co << 2);
          const os = <usize>CoutP << 2;
          v128.store(op, c0); v128.store(op + os, c1); v128.store(op + 2 * os, c2); v128.store(op + 3 * os, c3);
        }
      }
      for (; x < OW; x++) {
        const inX = inBase + ((<usize>(x * Cin)) << 2);
        const outX = outRow + ((<usize>(x * CoutP)) << 2);
        for (let co = 0; co < CoutP; co += 4) {
          let c0 = v128.load(biasPtr + (<usize>co << 2));
          let wTap = wPtr + (<usize>co << 2);
          for (let kd = 0; kd < KD; kd++) {
            for (let kh = 0; kh < KH; kh++) {
              let ip = inX + <usize>(kd * Hp + kh) * inRowStride;
              let wp = wTap;
              for (let j = 0; j < J; j++) {
                c0 = madd(v128.load32_splat(ip), v128.load(wp), c0);
                ip += 4;
                wp += wRow;
              }
              wTap += wTapStride;
            }
          }
          v128.store(outX + (<usize>co << 2), c0);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Forward for few output channels (Cout < 4, e.g. the decoder's last conv to 1 channel):
// vectorised over j instead of co. Weights are transposed to [Cout, KD, KH, J], followed by
// the bias [Cout] (added last); output is [OD, OH, OW, Cout] unpadded.

export function convForwardNarrow(
  inPtr: usize, wPtr: usize, outPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, Cout: i32,
  KD: i32, KH: i32, KW: i32, z0: i32, z1: i32,
): void {
  const J = KW * Cin;
  const J4 = J & ~3;
  const inRowStride = <usize>(Wp * Cin) << 2;
  const wCoStride = <usize>(KD * KH * J) << 2;
  const xStep = <usize>Cin << 2;
  const biasPtr = wPtr + <usize>Cout * wCoStride;
  for (let z = z0; z < z1; z++) {
    for (let y = 0; y < OH; y++) {
      const inBase = inPtr + ((<usize>((z * Hp + y) * Wp) * <usize>Cin) << 2);
      const outRow = outPtr + ((<usize>((z * OH + y) * OW) * <usize>Cout) << 2);
      for (let co = 0; co < Cout; co++) {
        const wCo = wPtr + <usize>co * wCoStride;
        const bias = load<f32>(biasPtr + (<usize>co << 2));
        let x = 0;
        // 6 voxels per weight vector while the row lasts: 6 independent multiply-add chains
        // (4 wait on the latency) whose accumulators, inputs and weight still fit V8's 15
        // vector registers (8 spill one accumulator to the stack: no faster; 7 no faster
        // than 6); then 4, then 1
        if (J4 == J) {
          for (; x + 6 <= OW; x += 6) {
            const inX = inBase + ((<usize>(x * Cin)) << 2);
            let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
            let c3 = f32x4.splat(0), c4 = f32x4.splat(0), c5 = f32x4.splat(0);
            let wp = wCo;
            for (let kd = 0; kd < KD; kd++) {
              for (let kh = 0; kh < KH; kh++) {
                let p = inX + <usize>(kd * Hp + kh) * inRowStride;
                const pEnd = p + (<usize>J << 2);
                for (; p < pEnd; p += 16) {
                  const w = v128.load(wp);
                  c0 = madd(v128.load(p), w, c0);
                  c1 = madd(v128.load(p + xStep), w, c1);
                  c2 = madd(v128.load(p + 2 * xStep), w, c2);
                  c3 = madd(v128.load(p + 3 * xStep), w, c3);
                  c4 = madd(v128.load(p + 4 * xStep), w, c4);
                  c5 = madd(v128.load(p + 5 * xStep), w, c5);
                  wp += 16;
                }
              }
            }
            const os = <usize>Cout << 2;
            const op = outRow + ((<usize>(x * Cout + co)) << 2);
            store<f32>(op, hsum(c0) + bias);
            store<f32>(op + os, hsum(c1) + bias);
            store<f32>(op + 2 * os, hsum(c2) + bias);
            store<f32>(op + 3 * os, hsum(c3) + bias);
            store<f32>(op + 4 * os, hsum(c4) + bias);
            store<f32>(op + 5 * os, hsum(c5) + bias);
          }
        }
        for (; x + 4 <= OW; x += 4) {
          const inX = inBase + ((<usize>(x * Cin)) << 2);
          let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
          let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
          let wp = wCo;
          for (let kd = 0; kd < KD; kd++) {
            for (let kh = 0; kh < KH; kh++) {
              const ip = inX + <usize>(kd * Hp + kh) * inRowStride;
              let j = 0;
              for (; j < J4; j += 4) {
                const w = v128.load(wp + (<usize>j << 2));
                const p = ip + (<usize>j << 2);
                c0 = madd(v128.load(p), w, c0);
                c1 = madd(v128.load(p + xStep), w, c1);
                c2 = madd(v128.load(p + 2 * xStep), w, c2);
                c3 = madd(v128.load(p + 3 * xStep), w, c3);
              }
              for (; j < J; j++) {
                const w = load<f32>(wp + (<usize>j << 2));
                const p = ip + (<usize>j << 2);
                s0 += load<f32>(p) * w;
                s1 += load<f32>(p + xStep) * w;
                s2 += load<f32>(p + 2 * xStep) * w;
                s3 += load<f32>(p + 3 * xStep) * w;
              }
              wp += <usize>J << 2;
            }
          }
          const os = <usize>Cout << 2;
          const op = outRow + ((<usize>(x * Cout + co)) << 2);
          store<f32>(op, hsum(c0) + s0 + bias);
          store<f32>(op + os, hsum(c1) + s1 + bias);
          store<f32>(op + 2 * os, hsum(c2) + s2 + bias);
          store<f32>(op + 3 * os, hsum(c3) + s3 + bias);
        }
        for (; x < OW; x++) {
          const inX = inBase + ((<usize>(x * Cin)) << 2);
          let c0 = f32x4.splat(0);
          let s0: f32 = 0;
          let wp = wCo;
          for (let kd = 0; kd < KD; kd++) {
            for (let kh = 0; kh < KH; kh++) {
              const ip = inX + <usize>(kd * Hp + kh) * inRowStride;
              let j = 0;
              for (; j < J4; j += 4) {
                c0 = madd(v128.load(ip + (<usize>j << 2)), v128.load(wp + (<usize>j << 2)), c0);
              }
              for (; j < J; j++) s0 += load<f32>(ip + (<usize>j << 2)) * load<f32>(wp + (<usize>j << 2));
              wp += <usize>J << 2;
            }
          }
          store<f32>(outRow + ((<usize>(x * Cout + co)) << 2), hsum(c0) + s0 + bias);
        }
      }
    }
  }
}

function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// ---------------------------------------------------------------------------------------------
// Filter gradient: dw[kd,kh,j,co] += sum_{z,y,x} in[z+kd, y+kh, x*Cin + j] * dy[z,y,x,co]
// dw [KD, KH, Jp, CoutP] with Jp = J rounded up to 4 is ACCUMULATED into (the caller zeroes
// it and drops rows J..Jp-1, which collect garbage; each thread owns one). Rounding J up keeps
// every tile 4 rows tall, e.g. for the first LSSL conv (Cin = 1, J = 3); the input reads run
// up to 3 floats past a row, so the caller leaves slack after the input buffer.
// Tiles: 4 rows j times 8 channels co, streaming one output row (OW voxels) per tile, so the
// dy row and the KD*KH input rows stay in L1/L2 while all tiles of the row are visited.

export function convFilterGrad(
  inPtr: usize, dyPtr: usize, dwPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, CoutP: i32,
  KD: i32, KH: i32, KW: i32, z0: i32, z1: i32,
): void {
  const J = KW * Cin;
  const Jp = (J + 3) & ~3;
  const dyStep = <usize>CoutP << 2;
  const xStep = <usize>Cin << 2;
  for (let z = z0; z < z1; z++) {
    for (let y = 0; y < OH; y++) {
      const dyRow = dyPtr + ((<usize>((z * OH + y) * OW) * <usize>CoutP) << 2);
      for (let kd = 0; kd < KD; kd++) {
        for (let kh = 0; kh < KH; kh++) {
          const inRow = inPtr + ((<usize>(((z + kd) * Hp + (y + kh)) * Wp) * <usize>Cin) << 2);
          const dwTap = dwPtr + ((<usize>((kd * KH + kh) * Jp) * <usize>CoutP) << 2);
          let j = 0;
          for (; j < Jp; j += 4) {
            const ip0 = inRow + (<usize>j << 2);
            let co = 0;
            if (J - j == 3) {
              // 3 rows left (one input channel: J = 3): the 4th row would be thrown away
              for (; co + 8 <= CoutP; co += 8) {
                const dp = dwTap + ((<usize>(j * CoutP + co)) << 2);
                let c00 = v128.load(dp), c01 = v128.load(dp, 16);
                let c10 = v128.load(dp + dyStep), c11 = v128.load(dp + dyStep, 16);
                let c20 = v128.load(dp + 2 * dyStep), c21 = v128.load(dp + 2 * dyStep, 16);
                let gp = dyRow + (<usize>co << 2);
                let ip = ip0;
                for (let x = 0; x < OW; x++) {
                  const g0 = v128.load(gp);
                  const g1 = v128.load(gp, 16);
                  let a = v128.load32_splat(ip);
                  c00 = madd(a, g0, c00);
                  c01 = madd(a, g1, c01);
                  a = v128.load32_splat(ip, 4);
                  c10 = madd(a, g0, c10);
                  c11 = madd(a, g1, c11);
                  a = v128.load32_splat(ip, 8);
                  c20 = madd(a, g0, c20);
                  c21 = madd(a, g1, c21);
                  gp += dyStep;
                  ip += xStep;
                }
                v128.store(dp, c00); v128.store(dp, c01, 16);
                v128.store(dp + dyStep, c10); v128.store(dp + dyStep, c11, 16);
                v128.store(dp + 2 * dyStep, c20); v128.store(dp + 2 * dyStep, c21, 16);
              }
            }
            for (; co + 8 <= CoutP; co += 8) {
              const dp = dwTap + ((<usize>(j * CoutP + co)) << 2);
              let c00 = v128.load(dp), c01 = v128.load(dp, 16);
              let c10 = v128.load(dp + dyStep), c11 = v128.load(dp + dyStep, 16);
              let c20 = v128.load(dp + 2 * dyStep), c21 = v128.load(dp + 2 * dyStep, 16);
              let c30 = v128.load(dp + 3 * dyStep), c31 = v128.load(dp + 3 * dyStep, 16);
              let gp = dyRow + (<usize>co << 2);
              let ip = ip0;
              for (let x = 0; x < OW; x++) {
                const g0 = v128.load(gp);
                const g1 = v128.load(gp, 16);
                let a = v128.load32_splat(ip);
                c00 = madd(a, g0, c00);
                c01 = madd(a, g1, c01);
                a = v128.load32_splat(ip, 4);
                c10 = madd(a, g0, c10);
                c11 = madd(a, g1, c11);
                a = v128.load32_splat(ip, 8);
                c20 = madd(a, g0, c20);
                c21 = madd(a, g1, c21);
                a = v128.load32_splat(ip, 12);
                c30 = madd(a, g0, c30);
                c31 = madd(a, g1, c31);
                gp += dyStep;
                ip += xStep;
              }
              v128.store(dp, c00); v128.store(dp, c01, 16);
              v128.store(dp + dyStep, c10); v128.store(dp + dyStep, c11, 16);
              v128.store(dp + 2 * dyStep, c20); v128.store(dp + 2 * dyStep, c21, 16);
              v128.store(dp + 3 * dyStep, c30); v128.store(dp + 3 * dyStep, c31, 16);
            }
            for (; co < CoutP; co += 4) {
              const dp = dwTap + ((<usize>(j * CoutP + co)) << 2);
              let c0 = v128.load(dp), c1 = v128.load(dp + dyStep);
              let c2 = v128.load(dp + 2 * dyStep), c3 = v128.load(dp + 3 * dyStep);
              let gp = dyRow + (<usize>co << 2);
              let ip = ip0;
              for (let x = 0; x < OW; x++) {
                const g = v128.load(gp);
                c0 = madd(v128.load32_splat(ip), g, c0);
                c1 = madd(v128.load32_splat(ip, 4), g, c1);
                c2 = madd(v128.load32_splat(ip, 8), g, c2);
                c3 = madd(v128.load32_splat(ip, 12), g, c3);
                gp += dyStep;
                ip += xStep;
              }
              v128.store(dp, c0); v128.store(dp + dyStep, c1);
              v128.store(dp + 2 * dyStep, c2); v128.store(dp + 3 * dyStep, c3);
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient for few output channels (Cout < 4): vectorised over j.
// dw [Cout, KD, KH, J] (transposed, accumulated into); dy [OD, OH, OW, Cout] unpadded.

export function convFilterGradNarrow(
  inPtr: usize, dyPtr: usize, dwPtr: usize,
  Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, Cout: i32,
  KD: i32, KH: i32, KW: i32, z0: i32, z1: i32,
): void {
  const J = KW * Cin;
  const J4 = J & ~3;
  const xStep = <usize>Cin << 2;
  const dwCoStride = <usize>(KD * KH * J) << 2;
  for (let z = z0; z < z1; z++) {
    for (let y = 0; y < OH; y++) {
      const dyRow = dyPtr + ((<usize>((z * OH + y) * OW) * <usize>Cout) << 2);
      for (let co = 0; co < Cout; co++) {
        for (let kd = 0; kd < KD; kd++) {
          for (let kh = 0; kh < KH; kh++) {
            const inRow = inPtr + ((<usize>(((z + kd) * Hp + (y + kh)) * Wp) * <usize>Cin) << 2);
            const dwRow = dwPtr + <usize>co * dwCoStride + ((<usize>((kd * KH + kh) * J)) << 2);
            let j = 0;
            // 6 vectors (24 values of j) per pass over the row: 6 independent multiply-add
            // chains that fit V8's vector registers with their inputs (see convForwardNarrow)
            for (; j + 24 <= J4; j += 24) {
              const dp = dwRow + (<usize>j << 2);
              let c0 = v128.load(dp), c1 = v128.load(dp, 16), c2 = v128.load(dp, 32);
              let c3 = v128.load(dp, 48), c4 = v128.load(dp, 64), c5 = v128.load(dp, 80);
              let ip = inRow + (<usize>j << 2);
              let gp = dyRow + (<usize>co << 2);
              for (let x = 0; x < OW; x++) {
                const g = v128.load32_splat(gp);
                c0 = madd(v128.load(ip), g, c0);
                c1 = madd(v128.load(ip, 16), g, c1);
                c2 = madd(v128.load(ip, 32), g, c2);
                c3 = madd(v128.load(ip, 48), g, c3);
                c4 = madd(v128.load(ip, 64), g, c4);
                c5 = madd(v128.load(ip, 80), g, c5);
                ip += xStep;
                gp += <usize>Cout << 2;
              }
              v128.store(dp, c0); v128.store(dp, c1, 16); v128.store(dp, c2, 32);
              v128.store(dp, c3, 48); v128.store(dp, c4, 64); v128.store(dp, c5, 80);
            }
            // then 4 vectors (16 values of j) per pass
            for (; j + 16 <= J4; j += 16) {
              const dp = dwRow + (<usize>j << 2);
              let c0 = v128.load(dp), c1 = v128.load(dp, 16), c2 = v128.load(dp, 32), c3 = v128.load(dp, 48);
              let ip = inRow + (<usize>j << 2);
              let gp = dyRow + (<usize>co << 2);
              for (let x = 0; x < OW; x++) {
                const g = v128.load32_splat(gp);
                c0 = madd(v128.load(ip), g, c0);
                c1 = madd(v128.load(ip, 16), g, c1);
                c2 = madd(v128.load(ip, 32), g, c2);
                c3 = madd(v128.load(ip, 48), g, c3);
                ip += xStep;
                gp += <usize>Cout << 2;
              }
              v128.store(dp, c0); v128.store(dp, c1, 16); v128.store(dp, c2, 32); v128.store(dp, c3, 48);
            }
            for (; j < J4; j += 4) {
              const dp = dwRow + (<usize>j << 2);
              let c0 = v128.load(dp);
              let ip = inRow + (<usize>j << 2);
              let gp = dyRow + (<usize>co << 2);
              for (let x = 0; x < OW; x++) {
                c0 = madd(v128.load(ip), v128.load32_splat(gp), c0);
                ip += xStep;
                gp += <usize>Cout << 2;
              }
              v128.store(dp, c0);
            }
            for (; j < J; j++) {
              const dp = dwRow + (<usize>j << 2);
              let s: f32 = load<f32>(dp);
              let ip = inRow + (<usize>j << 2);
              let gp = dyRow + (<usize>co << 2);
              for (let x = 0; x < OW; x++) {
                s += load<f32>(ip) * load<f32>(gp);
                ip += xStep;
                gp += <usize>Cout << 2;
              }
              store<f32>(dp, s);
            }
          }
        }
      }
    }
  }
}
