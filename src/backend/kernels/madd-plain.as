// AssemblyScript (see build-kernels.mjs): multiply-accumulate of the portable conv module,
// imported by conv3d-simd.as as './madd'. Two roundings (product, then sum), as tfjs' own kernels.

/** a·b + c per f32 lane: mul then add. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}
