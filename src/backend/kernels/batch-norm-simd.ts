/**
 * The batch-norm and EMA kernels of memory-bound-simd.as on plain Float32Arrays, as the other
 * memory-bound kernels run (memory-bound.ts): in place on the tfjs-wasm heap (main thread, no
 * copies) when every array lies in it, else staged through the SimdRuntime's shared heap and
 * run on all its threads.
 *
 * Every array is x viewed as [rows, C] (channels last). Per-channel sums are float64; the
 * staged path keeps one accumulator per chunk of rows (chunks depend on the row count only)
 * and adds them in chunk order, so no result depends on the thread count or the scheduling.
 */
import { inPlaceKernels, STAGE_BYTES } from './memory-bound.js';
import { rowChunk, type KernelArgs, type KernelName, type SimdRuntime } from './simd-runtime.js';

const align = (bytes: number): number => (bytes + 63) & ~63;

/** About 32 chunks per call: fine enough to balance threads slowed by other processes. */
const fineChunk = (rows: number): number => Math.max(1, Math.ceil(rows / 32));

/** Values per row of the flat EMA kernel. */
const FLAT_BLOCK = 4096;

/** Float32 bits of v as an i32 (how emaBlend takes its two factors). */
function f32Bits(v: number): number {
  return new Int32Array(new Float32Array([v]).buffer)[0];
}

/** The kernels' 12 arguments, zero-padded. */
function args(...values: number[]): KernelArgs {
  return [...values, ...new Array(12 - values.length).fill(0)] as KernelArgs;
}

/**
 * Per-channel float64 sums over rows of `a` [rows, C] (and `b`, same shape), with a per-channel
 * parameter `param` [C]: bnMoments → (Σ(a − param), Σ(a − param)²), bnGradSums(dy = a, x = b,
 * mean = param) → (Σdy, Σdy·(x − mean)). `scratch`: Float64Array [2C] for the in-place path
 * (in the tfjs-wasm heap), also the result.
 */
function channelSums(
  rt: SimdRuntime | undefined,
  kernel: 'bnMoments' | 'bnGradSums',
  a: Float32Array,
  b: Float32Array | undefined,
  param: Float32Array,
  C: number,
  scratch: Float64Array,
  stage = STAGE_BYTES,
): Float64Array {
  const rows = a.length / C;
  scratch.fill(0);
  const heap = inPlaceKernels(a, ...(b ? [b] : []), param, new Float32Array(scratch.buffer, scratch.byteOffset, 1));
  if (heap) {
    const acc = scratch.byteOffset;
    if (kernel === 'bnMoments') heap.bnMoments(a.byteOffset, param.byteOffset, acc, C, ...args().slice(4), 0, rows);
    else heap.bnGradSums(a.byteOffset, b!.byteOffset, acc, C, param.byteOffset, ...args().slice(5), 0, rows);
    return scratch;
  }
  if (!rt) throw new Error('the batch-norm kernels need the SIMD runtime off the wasm heap');
  const slotBytes = align(2 * C * 8);
  const slots = 8;
  const streams = b ? 2 : 1;
  const group = Math.max(1, Math.min(rows, Math.floor(stage / (C * 4 * streams))));
  const paramBytes = align(C * 4);
  const groupBytes = align(group * C * 4);
  const base = rt.reserve(paramBytes + slots * slotBytes + streams * groupBytes);
  const accPtr = base + paramBytes;
  const aPtr = accPtr + slots * slotBytes;
  const bPtr = aPtr + groupBytes;
  rt.f32(base, C).set(param);
  for (let r0 = 0; r0 < rows; r0 += group) {
    const count = Math.min(group, rows - r0);
    const acc = new Float64Array(rt.f32(base, 1).buffer, accPtr, (slots * slotBytes) / 8);
    acc.fill(0);
    rt.f32(aPtr, count * C).set(a.subarray(r0 * C, (r0 + count) * C));
    if (b) rt.f32(bPtr, count * C).set(b.subarray(r0 * C, (r0 + count) * C));
    const chunk = rowChunk(count);
    const kernelArgs = kernel === 'bnMoments' ? args(aPtr, base, accPtr, C) : args(aPtr, bPtr, accPtr, C, base);
    rt.run(kernel, kernelArgs, count, slotBytes, chunk);
    const buffer = rt.f32(base, 1).buffer;
    for (let k = 0; k * chunk < count; k++) {
      const slot = new Float64Array(buffer, accPtr + k * slotBytes, 2 * C);
      for (let j = 0; j < 2 * C; j++) scratch[j] += slot[j];
    }
  }
  return scratch;
}

/**
 * Per-channel moments of x [rows, C]: returns float64 [2C] = (Σ(x − s), Σ(x − s)²) with the
 * shift s = x's first row (free of cancellation whatever the mean). `shift` [C] and `scratch`
 * [2C] are caller-provided (in the tfjs-wasm heap for the in-place path).
 */
export function channelMomentSums(
  rt: SimdRuntime | undefined,
  x: Float32Array,
  C: number,
  shift: Float32Array,
  scratch: Float64Array,
  stage = STAGE_BYTES,
): Float64Array {
  shift.set(x.subarray(0, C));
  return channelSums(rt, 'bnMoments', x, undefined, shift, C, scratch, stage);
}

/** Σdy and Σdy·(x − mean) per channel: float64 [2C] in `scratch`. */
export function channelGradSums(
  rt: SimdRuntime | undefined,
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  C: number,
  scratch: Float64Array,
  stage = STAGE_BYTES,
): Float64Array {
  return channelSums(rt, 'bnGradSums', dy, x, mean, C, scratch, stage);
}

/**
 * An elementwise per-channel kernel over [rows, C]: bnApply (out = (a − mean)·scale + beta,
 * coef [3C]) or bnGradApply (out = k0·a + k1·(b − mean) + k3, coef [4C], a = dy, b = x).
 */
function channelMap(
  rt: SimdRuntime | undefined,
  kernel: 'bnApply' | 'bnGradApply',
  a: Float32Array,
  b: Float32Array | undefined,
  coef: Float32Array,
  C: number,
  out: Float32Array,
  stage: number,
): void {
  const rows = a.length / C;
  if (rows === 0) return;
  const heap = inPlaceKernels(a, ...(b ? [b] : []), coef, out);
  if (heap) {
    if (kernel === 'bnApply')
      heap.bnApply(a.byteOffset, coef.byteOffset, out.byteOffset, C, ...args().slice(4), 0, rows);
    else heap.bnGradApply(a.byteOffset, b!.byteOffset, out.byteOffset, C, coef.byteOffset, ...args().slice(5), 0, rows);
    return;
  }
  if (!rt) throw new Error('the batch-norm kernels need the SIMD runtime off the wasm heap');
  const streams = b ? 3 : 2;
  const group = Math.max(1, Math.min(rows, Math.floor(stage / (C * 4 * streams))));
  const coefBytes = align(coef.length * 4);
  const groupBytes = align(group * C * 4);
  const base = rt.reserve(coefBytes + streams * groupBytes);
  const aPtr = base + coefBytes;
  const bPtr = aPtr + groupBytes;
  const outPtr = aPtr + (streams - 1) * groupBytes;
  rt.f32(base, coef.length).set(coef);
  for (let r0 = 0; r0 < rows; r0 += group) {
    const count = Math.min(group, rows - r0);
    rt.f32(aPtr, count * C).set(a.subarray(r0 * C, (r0 + count) * C));
    if (b) rt.f32(bPtr, count * C).set(b.subarray(r0 * C, (r0 + count) * C));
    const kernelArgs = kernel === 'bnApply' ? args(aPtr, base, outPtr, C) : args(aPtr, bPtr, outPtr, C, base);
    rt.run(kernel as KernelName, kernelArgs, count, 0, fineChunk(count));
    out.set(rt.f32(outPtr, count * C), r0 * C);
  }
}

/** y = (x − mean)·scale + beta per channel; coef f32 [3C] = mean, scale, beta. */
export function channelAffine(
  rt: SimdRuntime | undefined,
  x: Float32Array,
  coef: Float32Array,
  C: number,
  y: Float32Array,
  stage = STAGE_BYTES,
): void {
  channelMap(rt, 'bnApply', x, undefined, coef, C, y, stage);
}

/** dx = a·dy + b·(x − mean) + k per channel; coef f32 [4C] = a, b, mean, k. */
export function channelGradApply(
  rt: SimdRuntime | undefined,
  dy: Float32Array,
  x: Float32Array,
  coef: Float32Array,
  C: number,
  dx: Float32Array,
  stage = STAGE_BYTES,
): void {
  channelMap(rt, 'bnGradApply', dy, x, coef, C, dx, stage);
}

/** out = t·f32(m) + o·f32(1 − m) elementwise (the EMA of a target network). */
export function emaBlendArrays(
  rt: SimdRuntime | undefined,
  t: Float32Array,
  o: Float32Array,
  momentum: number,
  out: Float32Array,
  stage = STAGE_BYTES,
): void {
  const count = out.length;
  if (count === 0) return;
  const [m, n] = [f32Bits(momentum), f32Bits(1 - momentum)];
  const heap = inPlaceKernels(t, o, out);
  if (heap) {
    heap.emaBlend(t.byteOffset, o.byteOffset, out.byteOffset, count, count, m, n, 0, 0, 0, 0, 0, 0, 1);
    return;
  }
  if (!rt) throw new Error('the EMA kernel needs the SIMD runtime off the wasm heap');
  const group = Math.max(1, Math.min(count, Math.floor(stage / 12)));
  const bytes = align(group * 4);
  const base = rt.reserve(3 * bytes);
  for (let i0 = 0; i0 < count; i0 += group) {
    const n0 = Math.min(group, count - i0);
    rt.f32(base, n0).set(t.subarray(i0, i0 + n0));
    rt.f32(base + bytes, n0).set(o.subarray(i0, i0 + n0));
    const blocks = Math.ceil(n0 / FLAT_BLOCK);
    rt.run('emaBlend', args(base, base + bytes, base + 2 * bytes, n0, FLAT_BLOCK, m, n), blocks, 0, fineChunk(blocks));
    out.set(rt.f32(base + 2 * bytes, n0), i0);
  }
}
