/**
 * The ReLU gradient as one kernel: dx = dy · step(x).
 *
 * tfjs' Relu gradient is mul(dy, cast(step(x), 'float32')): three kernels and two temporary
 * tensors of the activation's size (268 MB each for the 64³ × 16-channel layer at batch 8),
 * single-threaded on wasm. `LsslReluGrad` computes the same products in one pass on all
 * threads (memory-bound-simd.as). Gradients are registered per kernel name for every backend,
 * so the replacement gradient calls LsslReluGrad only where it is registered (and for float32)
 * and tfjs' own gradient function everywhere else (e.g. tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import { reluGradSimd, useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

export const RELU_GRAD_KERNEL = 'LsslReluGrad';

/** dx = dy · (x > 0 ? 1 : 0) on flat arrays. */
export function reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * (x[i] > 0 ? 1 : 0);
}

const registered = new Set<FastKernelBackend>();
let stockGradient: tf.GradConfig | undefined;

/** Wraps the Relu gradient (once) so that it runs LsslReluGrad where that kernel exists. */
function wrapReluGradient(): void {
  if (stockGradient) return;
  const original = tf.getGradient('Relu');
  if (!original) return;
  stockGradient = original;
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      if (x.dtype === 'float32' && grad.dtype === 'float32' && tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())) {
        return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: grad, x }) as tf.Tensor };
      }
      return original.gradFunc(dy, saved, attrs);
    },
  });
}

/** Registers LsslReluGrad on `backend` (idempotent). */
export function registerReluGrad(backend: FastKernelBackend): void {
  wrapReluGradient();
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, backend: b }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      useBackendHeap(backend, b);
      const rt = simdRuntime();
      return withTensors(backend, b, [dy, x], x.shape, ([dyv, xv], out) =>
        rt ? reluGradSimd(rt, dyv, xv, out) : reluGrad(dyv, xv, out),
      );
    },
  });
}

/** Removes LsslReluGrad from `backend`; the Relu gradient then falls back to tfjs' own. */
export function unregisterReluGrad(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(RELU_GRAD_KERNEL, backend);
}
