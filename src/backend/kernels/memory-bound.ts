/**
 * The memory-bound kernels of memory-bound-simd.as (2×2×2 max pooling and its gradient, ×2
 * nearest upsampling and its gradient, the ReLU gradient, sums over leading axes) on plain
 * Float32Arrays, run on all threads of the SimdRuntime.
 *
 * The tensors live outside the kernels' shared heap (the tfjs-wasm heap or JS arrays), so the
 * main thread stages them through it in groups of at most STAGE_BYTES: copy a group in, let
 * every thread take chunks of its rows, copy the result out. The staging copies are plain
 * memcpy; the loops they replace were scalar JS on one thread (≈ 1 s of a 64³ batch-4 step).
 * Which thread computes a chunk never changes the result: each output value is written by one
 * chunk, and sums keep one accumulator per chunk, added in chunk order.
 */
import type { KernelArgs, SimdRuntime } from './simd-runtime.js';

/** Heap bytes staged at a time (keeps the shared heap, which never shrinks, small). */
export const STAGE_BYTES = 48 << 20;

/** Values per row of the flat (elementwise) kernels. */
const FLAT_BLOCK = 4096;

const align = (bytes: number): number => (bytes + 63) & ~63;

/** An array cut into equal units (batch elements, or single values for flat kernels). */
interface Stream {
  data: Float32Array;
  perUnit: number;
}

/**
 * Copies `units` units of every input into the heap in groups, calls `body(inPtrs, outPtr,
 * count)` for each group and copies its output back. `zeroOut` clears the staged output first
 * (for kernels that leave some outputs unwritten). `stage` bytes of heap per group; tests pass
 * small values to run several groups.
 */
function staged(
  rt: SimdRuntime, units: number, inputs: Stream[], output: Stream, stage: number,
  body: (inPtrs: number[], outPtr: number, count: number) => void, zeroOut = false,
): void {
  const perUnitBytes = [...inputs, output].reduce((a, s) => a + s.perUnit * 4, 0);
  const group = Math.max(1, Math.min(units, Math.floor(stage / perUnitBytes)));
  const sizes = [...inputs, output].map((s) => align(group * s.perUnit * 4));
  const base = rt.reserve(sizes.reduce((a, b) => a + b, 0));
  const ptrs = sizes.map((_, i) => base + sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const outPtr = ptrs[inputs.length];
  for (let u0 = 0; u0 < units; u0 += group) {
    const count = Math.min(group, units - u0);
    inputs.forEach((s, i) => rt.f32(ptrs[i], count * s.perUnit).set(s.data.subarray(u0 * s.perUnit, (u0 + count) * s.perUnit)));
    if (zeroOut) rt.f32(outPtr, count * output.perUnit).fill(0);
    body(ptrs.slice(0, inputs.length), outPtr, count);
    output.data.set(rt.f32(outPtr, count * output.perUnit), u0 * output.perUnit);
  }
}

const volume = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** y [N, ⌊D/2⌋, ⌊H/2⌋, ⌊W/2⌋, C] = max over each 2×2×2 window of x [N, D, H, W, C]. */
export function maxPool2ForwardSimd(rt: SimdRuntime, x: Float32Array, shape: number[], y: Float32Array, stage = STAGE_BYTES): void {
  const [N, D, H, W, C] = shape;
  const [OD, OH, OW] = [D >> 1, H >> 1, W >> 1];
  if (OD * OH * OW * C === 0) return;
  staged(rt, N, [{ data: x, perUnit: D * H * W * C }], { data: y, perUnit: OD * OH * OW * C }, stage, ([xPtr], yPtr, count) => {
    const args: KernelArgs = [xPtr, 0, yPtr, D, H, W, C, OD, OH, OW, 0, 0];
    rt.run('maxPool2Forward', args, count * OD);
  });
}

/** dx [N, D, H, W, C] = dy at each window's last maximum of x, 0 elsewhere. */
export function maxPool2GradSimd(rt: SimdRuntime, dy: Float32Array, x: Float32Array, shape: number[], dx: Float32Array, stage = STAGE_BYTES): void {
  const [N, D, H, W, C] = shape;
  const [OD, OH, OW] = [D >> 1, H >> 1, W >> 1];
  if (OD * OH * OW * C === 0) {
    dx.fill(0);
    return;
  }
  // windows do not cover a trailing odd plane, row or column: those voxels get 0
  const odd = D % 2 !== 0 || H % 2 !== 0 || W % 2 !== 0;
  const perX = D * H * W * C;
  staged(rt, N, [{ data: x, perUnit: perX }, { data: dy, perUnit: OD * OH * OW * C }], { data: dx, perUnit: perX }, stage, ([xPtr, dyPtr], dxPtr, count) => {
    const args: KernelArgs = [xPtr, dyPtr, dxPtr, D, H, W, C, OD, OH, OW, 0, 0];
    rt.run('maxPool2Grad', args, count * OD);
  }, odd);
}

/** y [N, 2D, 2H, 2W, C] = x [N, D, H, W, C] repeated twice along each spatial axis. */
export function upsample2ForwardSimd(rt: SimdRuntime, x: Float32Array, shape: number[], y: Float32Array, stage = STAGE_BYTES): void {
  const [N, D, H, W, C] = shape;
  if (volume(shape) === 0) return;
  staged(rt, N, [{ data: x, perUnit: D * H * W * C }], { data: y, perUnit: 8 * D * H * W * C }, stage, ([xPtr], yPtr, count) => {
    rt.run('upsample2Forward', [xPtr, 0, yPtr, H, W, C, 0, 0, 0, 0, 0, 0], count * D);
  });
}

/** dx [N, D, H, W, C] = Σ of the 8 children in dy [N, 2D, 2H, 2W, C]; `shape` is dx's. */
export function upsample2GradSimd(rt: SimdRuntime, dy: Float32Array, shape: number[], dx: Float32Array, stage = STAGE_BYTES): void {
  const [N, D, H, W, C] = shape;
  if (volume(shape) === 0) return;
  staged(rt, N, [{ data: dy, perUnit: 8 * D * H * W * C }], { data: dx, perUnit: D * H * W * C }, stage, ([dyPtr], dxPtr, count) => {
    rt.run('upsample2Grad', [dyPtr, 0, dxPtr, H, W, C, 0, 0, 0, 0, 0, 0], count * D);
  });
}

/** dx = dy · step(x), elementwise (the ReLU gradient). */
export function reluGradSimd(rt: SimdRuntime, dy: Float32Array, x: Float32Array, dx: Float32Array, stage = STAGE_BYTES): void {
  staged(rt, dx.length, [{ data: dy, perUnit: 1 }, { data: x, perUnit: 1 }], { data: dx, perUnit: 1 }, stage, ([dyPtr, xPtr], dxPtr, count) => {
    rt.run('reluGrad', [dyPtr, xPtr, dxPtr, count, FLAT_BLOCK, 0, 0, 0, 0, 0, 0, 0], Math.ceil(count / FLAT_BLOCK));
  });
}

/**
 * out[j] = Σ_i x[i·inner + j] for i < outer, accumulated in float64: one accumulator per chunk
 * of rows (the chunks of each staged group go to accumulators 0..7 in turn), added in order.
 */
export function sumLeadingRowsSimd(rt: SimdRuntime, x: Float32Array, outer: number, inner: number, out: Float32Array, stage = STAGE_BYTES): void {
  if (inner === 0) return;
  const slots = 8;
  const slotBytes = align(inner * 8);
  const group = Math.max(1, Math.min(outer, Math.floor(stage / (inner * 4))));
  const inBytes = align(group * inner * 4);
  const base = rt.reserve(inBytes + slots * slotBytes);
  const accPtr = base + inBytes;
  new Float64Array(rt.f32(accPtr, (slots * slotBytes) / 4).buffer, accPtr, (slots * slotBytes) / 8).fill(0);
  for (let r0 = 0; r0 < outer; r0 += group) {
    const rows = Math.min(group, outer - r0);
    rt.f32(base, rows * inner).set(x.subarray(r0 * inner, (r0 + rows) * inner));
    // the runtime cuts the group into ≤ 8 chunks (rowChunk), chunk k adding into slot k
    rt.run('sumRows', [base, 0, accPtr, inner, 0, 0, 0, 0, 0, 0, 0, 0], rows, slotBytes);
  }
  const acc = new Float64Array(inner);
  const heap = rt.f32(base, 1).buffer;
  for (let k = 0; k < slots; k++) {
    const slot = new Float64Array(heap, accPtr + k * slotBytes, inner);
    for (let j = 0; j < inner; j++) acc[j] += slot[j];
  }
  out.set(acc);
}

