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
 *   gradients: dx = Conv3DBackpropInputV2(dy, filter); dfilter and dbias = Σ dy over N, OD,
 *   OH, OW both from `LsslConv3DBiasFilterGrad` (x, dy) → [dfilter, dbias], which sums dy
 *   while it is in the conv kernels' heap for the filter gradient anyway (one pass over dy on
 *   the main thread fewer than a separate `Sum`).
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dBackpropFilter, conv3dForward, padFront, type Shape5 } from './conv3d-simd.js';
import type { SimdRuntime } from './simd-runtime.js';
import { withTensors, withTensorsAndScratch, type FastKernelBackend } from './tensor-io.js';

export const CONV3D_BIAS_KERNEL = 'LsslConv3DBias';
/** (x, dy) → [dfilter, dbias]: the filter and bias gradients of LsslConv3DBias in one pass. */
export const CONV3D_BIAS_FILTER_GRAD_KERNEL = 'LsslConv3DBiasFilterGrad';

const registered = new Set<FastKernelBackend>();

function registerGradientOnce(): void {
  if (tf.getGradient(CONV3D_BIAS_KERNEL)) return;
  tf.registerGradient({
    kernelName: CONV3D_BIAS_KERNEL,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const g = dy as tf.Tensor;
      const pad = (attrs as { pad: 'same' | 'valid' }).pad;
      const conv = { strides: [1, 1, 1], pad };
      // the bias gradient, when the filter gradient (computed first: inputs are visited in the
      // order x, filter, bias) has produced it on the way; plain values, so nothing leaks when
      // the bias needs no gradient
      let biasGrad: Float32Array | undefined;
      const fused = tf.getKernel(CONV3D_BIAS_FILTER_GRAD_KERNEL, tf.getBackend()) !== undefined;
      return {
        x: () =>
          tf
            .engine()
            .runKernel('Conv3DBackpropInputV2', { dy: g, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
        filter: () => {
          if (!fused) {
            return tf
              .engine()
              .runKernel('Conv3DBackpropFilterV2', { x, dy: g }, { ...conv, filterShape: filter.shape }) as tf.Tensor;
          }
          const [dFilter, dBias] = tf
            .engine()
            .runKernel(CONV3D_BIAS_FILTER_GRAD_KERNEL, { x, dy: g }, { pad, filterShape: filter.shape }) as tf.Tensor[];
          biasGrad = dBias.dataSync() as Float32Array;
          dBias.dispose();
          return dFilter;
        },
        bias: () => (biasGrad ? tf.tensor1d(biasGrad) : tf.sum(g, [0, 1, 2, 3])),
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
      const front = padFront(info);
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
  tf.registerKernel({
    kernelName: CONV3D_BIAS_FILTER_GRAD_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { pad, filterShape } = attrs as { pad: 'same' | 'valid'; filterShape: Shape5 };
      const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filterShape, 1, 1, pad);
      const front = padFront(info);
      return withTensorsAndScratch(backend, b, [x, dy], [filterShape, [filterShape[4]]], 0, ([xv, dyv], [df, db]) =>
        conv3dBackpropFilter(rt, xv, x.shape as Shape5, dyv, dy.shape as Shape5, filterShape, front, df, db),
      );
    },
  });
}

/** Removes it from `backend` (conv3dWithBias then falls back to conv3d + add). */
export function unregisterConv3dBias(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  tf.unregisterKernel(CONV3D_BIAS_KERNEL, backend);
  tf.unregisterKernel(CONV3D_BIAS_FILTER_GRAD_KERNEL, backend);
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
