/**
 * The EMA update of a target network (BYOL, Grill et al. 2020, §3.1: ξ ← m·ξ + (1 − m)·θ) as
 * one kernel per variable, `LsslEmaBlend`: out = t·m + o·(1 − m) in one pass, where stock ops
 * run three kernels (two Multiply, one Add) and keep two temporaries. Both factors are rounded
 * to float32 first and the products and sum are the stock ops' own, so the result is the
 * same bit for bit (tested); elsewhere (kernel not registered) the stock ops run.
 */
import * as tf from '@tensorflow/tfjs';
import { emaBlendArrays } from './batch-norm-simd.js';
import { useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

export const EMA_BLEND_KERNEL = 'LsslEmaBlend';

const registered = new Set<FastKernelBackend>();

/** Registers LsslEmaBlend on `backend` (idempotent). */
export function registerEmaBlend(backend: FastKernelBackend): void {
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({
    kernelName: EMA_BLEND_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const { target, online } = inputs as { target: tf.TensorInfo; online: tf.TensorInfo };
      const momentum = (attrs as { momentum: number }).momentum;
      useBackendHeap(backend, b);
      return withTensors(backend, b, [target, online], target.shape, ([t, o], out) =>
        emaBlendArrays(simdRuntime(), t, o, momentum, out),
      );
    },
  });
}

/** Removes it (emaBlend then uses stock ops). */
export function unregisterEmaBlend(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(EMA_BLEND_KERNEL, backend);
}

/** target·m + online·(1 − m) for two float32 tensors of one shape (no gradient: not for training). */
export function emaBlend(target: tf.Tensor, online: tf.Tensor, momentum: number): tf.Tensor {
  const fused =
    target.dtype === 'float32' &&
    online.dtype === 'float32' &&
    tf.getKernel(EMA_BLEND_KERNEL, tf.getBackend()) !== undefined;
  if (fused) return tf.engine().runKernel(EMA_BLEND_KERNEL, { target, online }, { momentum }) as tf.Tensor;
  return tf.tidy(() => tf.add(tf.mul(target, momentum), tf.mul(online, 1 - momentum)));
}
