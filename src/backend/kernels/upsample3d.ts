/**
 * ×2 nearest-neighbour 3D upsampling (PyTorch's `nn.Upsample(scale_factor=2)`), the LSSL
 * decoder's upsampling step, as one kernel and its gradient.
 *
 * Written with stock tf ops (expandDims + concat/tile per axis) it costs ~1 µs per output
 * element on the wasm backend, mostly in the gradient's SplitV/Slice on rank-6 tensors, and
 * took 90% of a training step; these loops copy whole channel runs instead (in WebAssembly
 * SIMD on all threads, memory-bound-simd.as, once the SIMD runtime is loaded).
 *
 *   x  [N, D, H, W, C] → y [N, 2D, 2H, 2W, C],   y[n, z, y, x, c] = x[n, ⌊z/2⌋, ⌊y/2⌋, ⌊x/2⌋, c]
 *   dy [N, 2D, 2H, 2W, C] → dx [N, D, H, W, C], dx = Σ of the 8 children of each voxel
 */
import * as tf from '@tensorflow/tfjs';
import { upsample2ForwardSimd, upsample2GradSimd, useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

export const UPSAMPLE_KERNEL = 'LsslUpsampleNearest3D';
export const UPSAMPLE_GRAD_KERNEL = 'LsslUpsampleNearest3DGrad';

/** y = upsample(x) on flat NDHWC arrays. */
export function upsampleNearest3dForward(x: Float32Array, shape: number[], y: Float32Array): void {
  const [N, D, H, W, C] = shape;
  const rowOut = 2 * W * C;
  for (let n = 0; n < N; n++)
    for (let z = 0; z < D; z++)
      for (let yy = 0; yy < H; yy++) {
        const src = ((n * D + z) * H + yy) * W * C;
        // first output row: every voxel twice; the other three rows are copies of it
        const first = ((n * 2 * D + 2 * z) * 2 * H + 2 * yy) * rowOut;
        for (let xx = 0; xx < W; xx++) {
          const v = x.subarray(src + xx * C, src + xx * C + C);
          y.set(v, first + 2 * xx * C);
          y.set(v, first + (2 * xx + 1) * C);
        }
        y.copyWithin(first + rowOut, first, first + rowOut);
        const plane = 2 * H * rowOut;
        y.copyWithin(first + plane, first, first + 2 * rowOut);
      }
}

/** dx = Σ over the 2×2×2 children, on flat NDHWC arrays; `shape` is dx's shape. */
export function upsampleNearest3dGrad(dy: Float32Array, shape: number[], dx: Float32Array): void {
  const [N, D, H, W, C] = shape;
  const rowOut = 2 * W * C;
  const plane = 2 * H * rowOut;
  for (let n = 0; n < N; n++)
    for (let z = 0; z < D; z++)
      for (let yy = 0; yy < H; yy++) {
        const dst = ((n * D + z) * H + yy) * W * C;
        const r0 = ((n * 2 * D + 2 * z) * 2 * H + 2 * yy) * rowOut;
        const r1 = r0 + rowOut,
          r2 = r0 + plane,
          r3 = r0 + plane + rowOut;
        for (let xx = 0; xx < W; xx++) {
          const a = 2 * xx * C;
          for (let c = 0; c < C; c++) {
            const i = a + c,
              j = a + C + c;
            dx[dst + xx * C + c] =
              dy[r0 + i] + dy[r0 + j] + dy[r1 + i] + dy[r1 + j] + dy[r2 + i] + dy[r2 + j] + dy[r3 + i] + dy[r3 + j];
          }
        }
      }
}

const registered = new Set<string>();

/** Registers the upsampling kernels on `backend` (and, once, their gradient). */
export function registerUpsampleKernels(backend: FastKernelBackend): void {
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({
    kernelName: UPSAMPLE_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, backend: b }) => {
      const x = inputs.x as tf.TensorInfo;
      const [N, D, H, W, C] = x.shape;
      useBackendHeap(backend, b);
      const rt = simdRuntime();
      return withTensors(backend, b, [x], [N, 2 * D, 2 * H, 2 * W, C], ([xv], out) =>
        rt ? upsample2ForwardSimd(rt, xv, x.shape, out) : upsampleNearest3dForward(xv, x.shape, out),
      );
    },
  });
  tf.registerKernel({
    kernelName: UPSAMPLE_GRAD_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, backend: b }) => {
      const dy = inputs.dy as tf.TensorInfo;
      const [N, D2, H2, W2, C] = dy.shape;
      const shape = [N, D2 / 2, H2 / 2, W2 / 2, C];
      useBackendHeap(backend, b);
      const rt = simdRuntime();
      return withTensors(backend, b, [dy], shape, ([dyv], out) =>
        rt ? upsample2GradSimd(rt, dyv, shape, out) : upsampleNearest3dGrad(dyv, shape, out),
      );
    },
  });
  if (!tf.getGradient(UPSAMPLE_KERNEL)) {
    tf.registerGradient({
      kernelName: UPSAMPLE_KERNEL,
      gradFunc: (dy) => ({
        x: () => tf.engine().runKernel(UPSAMPLE_GRAD_KERNEL, { dy: dy as tf.Tensor }) as tf.Tensor,
      }),
    });
  }
}

/** Removes them again (the stock-ops path of upsampleNearest3d then runs). */
export function unregisterUpsampleKernels(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(UPSAMPLE_KERNEL, backend);
  tf.unregisterKernel(UPSAMPLE_GRAD_KERNEL, backend);
}

/** The same upsampling with stock ops, for backends without the kernel (e.g. tfjs-node). */
function upsampleWithOps(x: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => {
    const [N, D, H, W, C] = x.shape;
    let y = tf.image
      .resizeNearestNeighbor(x.reshape([N * D, H, W, C]) as tf.Tensor4D, [2 * H, 2 * W])
      .reshape([N, D, 1, 4 * H * W * C]);
    y = tf.concat([y, y], 2);
    return y.reshape([N, 2 * D, 2 * H, 2 * W, C]) as tf.Tensor5D;
  });
}

/**
 * ×2 nearest-neighbour upsampling of x [N, D, H, W, C] → [N, 2D, 2H, 2W, C], differentiable.
 * Uses the fast kernel when registered on the active backend, else stock tf ops.
 */
export function upsampleNearest3d(x: tf.Tensor5D): tf.Tensor5D {
  if (x.rank !== 5) throw new Error(`upsampleNearest3d needs a rank-5 [N, D, H, W, C] tensor, not rank ${x.rank}`);
  if (tf.getKernel(UPSAMPLE_KERNEL, tf.getBackend()) && x.dtype === 'float32') {
    return tf.engine().runKernel(UPSAMPLE_KERNEL, { x }) as tf.Tensor5D;
  }
  return upsampleWithOps(x);
}
