/**
 * y = conv3d(upsample(x)) + bias with ×2 nearest upsampling, for the decoder of the LSSL
 * network, whose every conv after the first reads an upsampled activation.
 *
 * Why: as two ops, the input gradient of the conv is copied out of the conv kernels' heap at
 * full size (8× the upsampling input) and then summed over each 2×2×2 block by the
 * upsampling gradient, both on the main thread. Here the conv's input gradient is summed in
 * the kernels' heap on all threads (`LsslConv3DInputGradHalved`, conv3dBackpropInput with
 * `halve`) and only an eighth is copied out; the filter and bias gradients are those of
 * conv3dWithBias (LsslConv3DBiasFilterGrad). The same sums as the two-op form, in the same order.
 *
 *   x [N, D, H, W, Cin] (Cin % 4 = 0), filter [3, 3, 3, Cin, Cout], bias [Cout]
 *   → y [N, 2D, 2H, 2W, Cout]
 */
import * as tf from '@tensorflow/tfjs';
import { CONV3D_BIAS_FILTER_GRAD_KERNEL, conv3dWithBias } from './conv3d-bias.js';
import { conv3dBackpropInput, padFront, type Shape5 } from './conv3d-simd.js';
import type { SimdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';
import { upsampleNearest3d } from './upsample3d.js';

/** (dy [N, 2D, 2H, 2W, Cout], filter) → ∂L/∂x [N, D, H, W, Cin] of y = conv3d(upsample(x), filter, 'same'). */
export const CONV3D_INPUT_GRAD_HALVED_KERNEL = 'LsslConv3DInputGradHalved';

const registered = new Set<FastKernelBackend>();

/** Registers LsslConv3DInputGradHalved on `backend` (idempotent). */
export function registerUpsampleConv3d(backend: FastKernelBackend, rt: SimdRuntime): void {
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({
    kernelName: CONV3D_INPUT_GRAD_HALVED_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const inputShape = (attrs as { inputShape: Shape5 }).inputShape;
      const [n, d, h, w, cin] = inputShape;
      const full: Shape5 = [n, 2 * d, 2 * h, 2 * w, cin];
      const info = tf.backend_util.computeConv3DInfo(full, filter.shape as Shape5, 1, 1, 'same');
      const front = padFront(info);
      return withTensors(backend, b, [dy, filter], inputShape, ([dyv, fv], out) =>
        conv3dBackpropInput(
          rt,
          dyv,
          dy.shape as Shape5,
          fv,
          filter.shape as Shape5,
          front,
          [2 * d, 2 * h, 2 * w],
          out,
          true,
        ),
      );
    },
  });
}

/** Removes it from `backend` (upsampledConv3dWithBias then runs the two ops). */
export function unregisterUpsampleConv3d(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(CONV3D_INPUT_GRAD_HALVED_KERNEL, backend);
}

/** Whether the fused form applies: its kernels on the active backend, float32, Cin % 4 = 0. */
export function upsampledConvFused(x: tf.Tensor5D, filter: tf.Tensor5D, bias: tf.Tensor1D): boolean {
  const backend = tf.getBackend();
  return (
    [x, filter, bias].every((t) => t.dtype === 'float32') &&
    x.shape[4] % 4 === 0 &&
    filter.shape.slice(0, 3).every((k) => k === 3) &&
    tf.getKernel(CONV3D_INPUT_GRAD_HALVED_KERNEL, backend) !== undefined &&
    tf.getKernel(CONV3D_BIAS_FILTER_GRAD_KERNEL, backend) !== undefined
  );
}

const fused = tf.customGrad((x, filter, bias, save) => {
  const u = upsampleNearest3d(x as tf.Tensor5D);
  const y = conv3dWithBias(u, filter as tf.Tensor5D, bias as tf.Tensor1D, 'same');
  (save as tf.GradSaveFunc)([u, filter as tf.Tensor]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [upsampled, f] = saved;
      const engine = tf.engine();
      const dx = engine.runKernel(
        CONV3D_INPUT_GRAD_HALVED_KERNEL,
        { dy, filter: f },
        { inputShape: (x as tf.Tensor).shape },
      );
      const [dFilter, dBias] = engine.runKernel(
        CONV3D_BIAS_FILTER_GRAD_KERNEL,
        { x: upsampled, dy },
        { pad: 'same', filterShape: f.shape },
      ) as tf.Tensor[];
      return [dx as tf.Tensor, dFilter, dBias];
    },
  };
});

/**
 * conv3d(upsample ×2 nearest(x), filter, 'same') + bias, differentiable: the fused form where
 * upsampledConvFused, else upsampleNearest3d then conv3dWithBias.
 */
export function upsampledConv3dWithBias(x: tf.Tensor5D, filter: tf.Tensor5D, bias: tf.Tensor1D): tf.Tensor5D {
  if (upsampledConvFused(x, filter, bias)) return fused(x, filter, bias) as tf.Tensor5D;
  return tf.tidy(() => conv3dWithBias(upsampleNearest3d(x), filter, bias, 'same'));
}
