/**
 * MaxPool3D and MaxPool3DGrad for non-overlapping 2×2×2 windows (the LSSL encoder's
 * MaxPool3d(2)): filter 2, stride 2, 'valid', NDHWC float32.
 *
 * The stock wasm kernels took a quarter of an LSSL training step at 64³ (≈ 0.5 s forward and
 * 1.3 s gradient per step) with generic window loops; with the window fixed the loops run
 * over contiguous channel runs: in WebAssembly SIMD on all threads (memory-bound-simd.as) once
 * the SIMD runtime is loaded, else in the JS loops below. Ties go to the last maximum in
 * (d, h, w) scan order, as in tfjs' cpu kernel. Any other configuration calls the stock kernel.
 *
 *   x [N, D, H, W, C] → y [N, ⌊D/2⌋, ⌊H/2⌋, ⌊W/2⌋, C]
 *   MaxPool3DGrad(dy [N, ⌊D/2⌋, ⌊H/2⌋, ⌊W/2⌋, C], x) → dx [N, D, H, W, C]: dy at each window's
 *   maximum, 0 elsewhere
 */
import * as tf from '@tensorflow/tfjs';
import { maxPool2ForwardSimd, maxPool2GradSimd, useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

/** Offsets of the 8 window voxels in (d, h, w) scan order, for an input of H × W × C. */
function windowOffsets(H: number, W: number, C: number): number[] {
  const offsets: number[] = [];
  for (let d = 0; d < 2; d++)
    for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) offsets.push(((d * H + h) * W + w) * C);
  return offsets;
}

/**
 * Visits every window: calls visit(firstInputIndex, outputIndex) for channel 0; the caller
 * handles the C channels itself (they are contiguous in both arrays).
 */
function forEachWindow(shape: number[], visit: (inBase: number, outBase: number) => void): void {
  const [N, D, H, W, C] = shape;
  const OD = D >> 1,
    OH = H >> 1,
    OW = W >> 1;
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let z = 0; z < OD; z++)
      for (let y = 0; y < OH; y++) {
        const row = ((n * D + 2 * z) * H + 2 * y) * W * C;
        for (let x = 0; x < OW; x++, o += C) visit(row + 2 * x * C, o);
      }
}

/** y = max over each 2×2×2 window; `shape` is x's shape. */
export function maxPool2Forward(x: Float32Array, shape: number[], y: Float32Array): void {
  const [, , H, W, C] = shape;
  const [o0, o1, o2, o3, o4, o5, o6, o7] = windowOffsets(H, W, C);
  forEachWindow(shape, (i, o) => {
    for (let c = 0; c < C; c++) {
      const b = i + c;
      y[o + c] = Math.max(x[b + o0], x[b + o1], x[b + o2], x[b + o3], x[b + o4], x[b + o5], x[b + o6], x[b + o7]);
    }
  });
}

/** dx = dy routed to each window's (last) maximum; `shape` is x's shape. */
export function maxPool2Grad(dy: Float32Array, x: Float32Array, shape: number[], dx: Float32Array): void {
  const [, , H, W, C] = shape;
  const offsets = windowOffsets(H, W, C);
  // Windows do not cover a trailing odd plane/row/column; those voxels get no gradient.
  if (shape[1] % 2 || H % 2 || W % 2) dx.fill(0);
  forEachWindow(shape, (i, o) => {
    for (let c = 0; c < C; c++) {
      const b = i + c;
      let best = 0;
      let max = x[b + offsets[0]];
      for (let k = 1; k < 8; k++) {
        const v = x[b + offsets[k]];
        if (v >= max) {
          max = v;
          best = k;
        }
      }
      // every voxel of the window is written, so dx needs no zero fill beforehand
      const g = dy[o + c];
      for (let k = 0; k < 8; k++) dx[b + offsets[k]] = k === best ? g : 0;
    }
  });
}

const isTwo = (v: unknown): boolean => v === 2 || (Array.isArray(v) && v.length === 3 && v.every((d) => d === 2));

/** True for filter 2, stride 2, 'valid', NDHWC, float32 rank-5 input. */
function supported(attrs: tf.NamedAttrMap, x: tf.TensorInfo): boolean {
  const format = attrs.dataFormat as string | undefined;
  return (
    isTwo(attrs.filterSize) &&
    isTwo(attrs.strides) &&
    attrs.pad === 'valid' &&
    (format === undefined || format === 'NDHWC') &&
    x.dtype === 'float32' &&
    x.shape.length === 5
  );
}

const stock = new Map<string, tf.KernelConfig>();

/** Replaces MaxPool3D and MaxPool3DGrad on `backend` (idempotent). */
export function registerMaxPool3d(backend: FastKernelBackend): void {
  const pool = tf.getKernel('MaxPool3D', backend);
  const grad = tf.getKernel('MaxPool3DGrad', backend);
  if (!pool || !grad || stock.has(`${backend}_MaxPool3D`)) return;
  stock.set(`${backend}_MaxPool3D`, pool);
  stock.set(`${backend}_MaxPool3DGrad`, grad);
  tf.unregisterKernel('MaxPool3D', backend);
  tf.registerKernel({
    ...pool,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (!supported(args.attrs ?? {}, x)) return pool.kernelFunc(args);
      const [N, D, H, W, C] = x.shape;
      useBackendHeap(backend, args.backend);
      const rt = simdRuntime();
      return withTensors(backend, args.backend, [x], [N, D >> 1, H >> 1, W >> 1, C], ([xv], out) =>
        rt ? maxPool2ForwardSimd(rt, xv, x.shape, out) : maxPool2Forward(xv, x.shape, out),
      );
    },
  });
  tf.unregisterKernel('MaxPool3DGrad', backend);
  tf.registerKernel({
    ...grad,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      if (!supported(args.attrs ?? {}, input) || dy.dtype !== 'float32') return grad.kernelFunc(args);
      useBackendHeap(backend, args.backend);
      const rt = simdRuntime();
      return withTensors(backend, args.backend, [dy, input], input.shape, ([dyv, xv], out) =>
        rt ? maxPool2GradSimd(rt, dyv, xv, input.shape, out) : maxPool2Grad(dyv, xv, input.shape, out),
      );
    },
  });
}

/** Restores the stock kernels. */
export function unregisterMaxPool3d(backend: FastKernelBackend): void {
  for (const name of ['MaxPool3D', 'MaxPool3DGrad']) {
    const original = stock.get(`${backend}_${name}`);
    if (!original) continue;
    tf.unregisterKernel(name, backend);
    tf.registerKernel(original);
    stock.delete(`${backend}_${name}`);
  }
}
