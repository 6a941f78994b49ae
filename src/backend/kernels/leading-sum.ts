/**
 * Sum over the leading axes of a tensor — the gradient of a broadcast bias add, e.g. the
 * conv bias: dy [N, D, H, W, C] summed over axes [0, 1, 2, 3] → [C].
 *
 * The stock wasm Sum first transposes the reduced axes to the end, and its rank-5 transpose
 * is a slow generic loop (≈ 0.8 s for 8×32³×16 values, 20× the same sum on a 2D view).
 * Viewing x as [outer, inner] and adding rows needs no transpose (in WebAssembly SIMD on all
 * threads for large x, memory-bound-simd.as; float64 accumulators). Other reductions (and
 * non-float32 input) go to the stock kernel function saved before re-registering.
 */
import * as tf from '@tensorflow/tfjs';
import { sumLeadingRowsSimd, useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

/** Below this many values the fork/join of the SIMD runtime costs more than the JS loop. */
const SIMD_MIN_VALUES = 1 << 16;

/** out[j] = Σ_i x[i·inner + j] for i < outer (float64 accumulation). */
export function sumLeadingRows(x: Float32Array, outer: number, inner: number, out: Float32Array): void {
  const acc = new Float64Array(inner);
  for (let i = 0; i < outer; i++) {
    const row = i * inner;
    for (let j = 0; j < inner; j++) acc[j] += x[row + j];
  }
  out.set(acc);
}

/** Number of leading axes reduced when `axes` is exactly [0, 1, ..., k−1] with 0 < k < rank; else 0. */
export function leadingAxesCount(axes: number | number[], rank: number): number {
  const list = (Array.isArray(axes) ? axes : [axes]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  if (list.length === 0 || list.length >= rank) return 0;
  return list.every((a, i) => a === i) ? list.length : 0;
}

const stock = new Map<FastKernelBackend, tf.KernelConfig>();

/** Wraps `Sum` on `backend` with the leading-axes fast path (idempotent). */
export function registerLeadingSum(backend: FastKernelBackend): void {
  if (stock.has(backend)) return;
  const original = tf.getKernel('Sum', backend);
  if (!original) return;
  stock.set(backend, original);
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape.length) : 0;
    if (k === 0) return original.kernelFunc(args);
    const outer = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const innerShape = x.shape.slice(k);
    const inner = innerShape.reduce((a, b) => a * b, 1);
    const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...innerShape] : innerShape;
    useBackendHeap(backend, args.backend);
    const rt = outer * inner >= SIMD_MIN_VALUES ? simdRuntime() : undefined;
    return withTensors(backend, args.backend, [x], outShape, ([xv], out) =>
      rt ? sumLeadingRowsSimd(rt, xv, outer, inner, out) : sumLeadingRows(xv, outer, inner, out),
    );
  };
  tf.unregisterKernel('Sum', backend);
  tf.registerKernel({ ...original, kernelFunc });
}

/** Restores the stock Sum kernel. */
export function unregisterLeadingSum(backend: FastKernelBackend): void {
  const original = stock.get(backend);
  if (!original) return;
  tf.unregisterKernel('Sum', backend);
  tf.registerKernel(original);
  stock.delete(backend);
}
