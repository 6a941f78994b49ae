// AssemblyScript (see build-kernels.mjs): multiply-accumulate of the relaxed-SIMD conv module,
// imported by conv3d-simd.as as './madd'. `f32x4.relaxed_madd` (WebAssembly relaxed SIMD,
// https://github.com/WebAssembly/relaxed-simd) is one fused multiply-add (one rounding) where
// the CPU has FMA and mul + add otherwise; the engine chooses once per process, so results are
// the same run to run and across threads, and differ from the plain module in rounding only.

/** a·b + c per f32 lane, fused where the CPU can. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}
