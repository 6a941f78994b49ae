/**
 * `LsslConv3DBias`: y = conv3d(x, filter) + bias in one kernel (stride 1, NDHWC, float32), for
 * the conv layers of the LSSL network (src/nn/ops.ts conv3dSameBias).
 *
 * Why: written as tf.add(tf.conv3d(x, w), b), the bias add is a single-threaded tfjs kernel
 * over the whole activation (≈ 75 ms for 64³ × 16 channels × 8 volumes on wasm), and the
 * tape keeps the conv output alive for Add's gradient until the backward pass (268 MB at batch
 * 8 for the first layer). Here the SIMD conv kernels start every output from the bias.
 *
 *   x [N, D, H, W, Cin], filter [KD, KH, KW, Cin, Cout], bias [Cout] → y [N, OD, OH, OW, Cout]
 *   gradients: dx = Conv3DBackpropInputV2(dy, filter), dfilter = Conv3DBackpropFilterV2(x, dy),
 *   dbias = Σ dy over N, OD, OH, OW (lssl's kernels again where registered)
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dForward, type Shape5 } from './conv3d-simd.js';
import type { SimdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';

export const CONV3D_BIAS_KERNEL = 'LsslConv3DBias';

const registered = new Set<FastKernelBackend>();

function registerGradientOnce(): void {
  if (tf.getGradient(CONV3D_BIAS_KERNEL)) return;
  tf.registerGradient({
    kernelName: CONV3D_BIAS_KERNEL,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const g = dy as tf.Tensor;
      const conv = { strides: [1, 1, 1], pad: (attrs as { pad: 'same' | 'valid' }).pad };
      return {
        x: () =>
          tf
            .engine()
            .runKernel('Conv3DBackpropInputV2', { dy: g, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
        filter: () =>
          tf
            .engine()
            .runKernel('Conv3DBackpropFilterV2', { x, dy: g }, { ...conv, filterShape: filter.shape }) as tf.Tensor,
        bias: () => tf.sum(g, [0, 1, 2, 3]),
      };
    },
  });
}

/** Registers LsslConv3DBias on `backend` (idempotent). */
export function registerConv3dBias(backend: FastKernelBackend, rt: SimdRuntime): void {
  registerGradientOnce();
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({
    kernelName: CONV3D_BIAS_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const { x, filter, bias } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo };
      const pad = (attrs as { pad: 'same' | 'valid' }).pad;
      const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filter.shape as Shape5, 1, 1, pad);
      const front: [number, number, number] = [info.padInfo.front, info.padInfo.top, info.padInfo.left];
      return withTensors(backend, b, [x, filter, bias], info.outShape, ([xv, fv, bv], out) =>
        conv3dForward(
          rt,
          xv,
          x.shape as Shape5,
          fv,
          filter.shape as Shape5,
          front,
          [info.outDepth, info.outHeight, info.outWidth],
          out,
          bv,
        ),
      );
    },
  });
}

/** Removes it from `backend` (conv3dWithBias then falls back to conv3d + add). */
export function unregisterConv3dBias(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(CONV3D_BIAS_KERNEL, backend);
}

/**
 * conv3d(x, filter, stride 1, pad) + bias, differentiable: one kernel where LsslConv3DBias is
 * registered on the active backend (and everything is float32), else tf.conv3d + tf.add.
 */
export function conv3dWithBias(
  x: tf.Tensor5D,
  filter: tf.Tensor5D,
  bias: tf.Tensor1D,
  pad: 'same' | 'valid',
): tf.Tensor5D {
  const fused =
    [x, filter, bias].every((t) => t.dtype === 'float32') &&
    tf.getKernel(CONV3D_BIAS_KERNEL, tf.getBackend()) !== undefined;
  if (fused) return tf.engine().runKernel(CONV3D_BIAS_KERNEL, { x, filter, bias }, { pad }) as tf.Tensor5D;
  return tf.tidy(() => tf.add(tf.conv3d(x, filter, 1, pad), bias));
}
