/**
 * Fast CPU kernels for 3D convolution (issue "Fast 3D convolution on the CPU").
 *
 * Re-registers Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 on the 'wasm' and/or
 * 'cpu' backends with the SIMD kernels of conv3d-simd.as (see conv3d-simd.ts), and adds a
 * ×2 nearest 3D upsampling kernel (upsample3d.ts; use `upsampleNearest3d`), and gives `Sum`
 * over leading axes (bias gradients) a path without the slow rank-5 transpose (leading-sum.ts),
 * and replaces MaxPool3D/MaxPool3DGrad for 2×2×2 windows (max-pool3d.ts); the memory-bound
 * ones run in WebAssembly SIMD on all threads too (memory-bound.ts). The ReLU gradient becomes
 * one kernel (relu-grad.ts) and wasm's Identity, which the tape uses to save tensors, stops
 * copying (identity.ts). conv3dWithBias adds the bias inside the conv kernel (conv3d-bias.ts);
 * upsampledConv3dWithBias sums its input gradient over the upsampling blocks before it leaves
 * the kernels' heap (upsample-conv3d.ts).
 * Batch norm (training, its gradient, inference) and the EMA target update are kernels too
 * (batch-norm.ts, ema-blend.ts; use batchNormTraining, batchNormInference, emaBlend).
 * Configurations
 * they do not cover (strides or dilations ≠ 1, channels-first, non-float32) go to the stock
 * kernel function saved from tf.getKernel before re-registering, so results never change
 * except for float rounding (≤ 1e-4 relative, tested).
 *
 * tfjs-node / tfjs-node-gpu ('tensorflow' backend) are never touched: they have fast kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dBackpropFilter, conv3dBackpropInput, conv3dForward, padFront, type Shape5 } from './conv3d-simd.js';
import { loadSimdRuntime, simdRuntime, type SimdRuntime } from './simd-runtime.js';
import { withTensors, type FastKernelBackend } from './tensor-io.js';
import { registerLeadingSum, unregisterLeadingSum } from './leading-sum.js';
import { registerMaxPool3d, unregisterMaxPool3d } from './max-pool3d.js';
import { registerUpsampleKernels, unregisterUpsampleKernels } from './upsample3d.js';
import { registerReluGrad, unregisterReluGrad } from './relu-grad.js';
import { registerSharedIdentity, unregisterSharedIdentity } from './identity.js';
import { registerConv3dBias, unregisterConv3dBias } from './conv3d-bias.js';
import { registerUpsampleConv3d, unregisterUpsampleConv3d } from './upsample-conv3d.js';
import { registerBatchNorm, unregisterBatchNorm } from './batch-norm.js';
import { registerEmaBlend, unregisterEmaBlend } from './ema-blend.js';

export type { FastKernelBackend } from './tensor-io.js';
export { upsampleNearest3d } from './upsample3d.js';
export { conv3dWithBias } from './conv3d-bias.js';
export { upsampledConv3dWithBias } from './upsample-conv3d.js';
export { batchNormInference, batchNormTraining } from './batch-norm.js';
export { emaBlend } from './ema-blend.js';

const KERNEL_NAMES = ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'] as const;
type ConvKernelName = (typeof KERNEL_NAMES)[number];

/** Stock kernel configs, saved per backend before we replace them. */
const stock = new Map<string, tf.KernelConfig>();

const allOnes = (v: number | number[] | undefined): boolean =>
  v === undefined || (Array.isArray(v) ? v.every((d) => d === 1) : v === 1);

/** True when the SIMD kernels cover this call (stride 1, dilation 1, NDHWC, float32). */
function supported(attrs: tf.NamedAttrMap, inputs: tf.TensorInfo[]): boolean {
  const format = attrs.dataFormat as string | undefined;
  return (
    allOnes(attrs.strides as number | number[]) &&
    allOnes(attrs.dilations as number | number[] | undefined) &&
    (format === undefined || format === 'NDHWC') &&
    typeof attrs.pad === 'string' &&
    inputs.every((t) => t.dtype === 'float32' && t.shape.length === 5)
  );
}

function makeKernel(
  name: ConvKernelName,
  backendName: FastKernelBackend,
  rt: SimdRuntime,
  original: tf.KernelFunc,
): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const list = Object.values(inputs) as tf.TensorInfo[];
    if (!supported(attrs ?? {}, list)) return original(args);
    const pad = attrs!.pad as 'same' | 'valid';
    switch (name) {
      case 'Conv3D': {
        const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
        const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filter.shape as Shape5, 1, 1, pad);
        return withTensors(backendName, backend, [x, filter], info.outShape, ([xv, fv], out) =>
          conv3dForward(
            rt,
            xv,
            x.shape as Shape5,
            fv,
            filter.shape as Shape5,
            padFront(info),
            [info.outDepth, info.outHeight, info.outWidth],
            out,
          ),
        );
      }
      case 'Conv3DBackpropInputV2': {
        const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
        const inShape = attrs!.inputShape as Shape5;
        const info = tf.backend_util.computeConv3DInfo(inShape, filter.shape as Shape5, 1, 1, pad);
        return withTensors(backendName, backend, [dy, filter], inShape, ([dyv, fv], out) =>
          conv3dBackpropInput(
            rt,
            dyv,
            dy.shape as Shape5,
            fv,
            filter.shape as Shape5,
            padFront(info),
            [inShape[1], inShape[2], inShape[3]],
            out,
          ),
        );
      }
      case 'Conv3DBackpropFilterV2': {
        const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
        const filterShape = attrs!.filterShape as Shape5;
        const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filterShape, 1, 1, pad);
        return withTensors(backendName, backend, [x, dy], filterShape, ([xv, dyv], out) =>
          conv3dBackpropFilter(rt, xv, x.shape as Shape5, dyv, dy.shape as Shape5, filterShape, padFront(info), out),
        );
      }
    }
  };
}

/**
 * Replaces the three Conv3D kernels of `backend` with the SIMD ones. Call it after the backend
 * package is imported (its kernels are registered at import) and before or after
 * tf.setBackend. Returns false, leaving the stock kernels, when the kernel binary has not been
 * built (`node src/backend/kernels/build-kernels.mjs`) or the backend has no Conv3D kernel.
 */
export async function registerFastKernels(backend: FastKernelBackend): Promise<boolean> {
  const rt = await loadSimdRuntime();
  if (!rt) return false;
  for (const name of KERNEL_NAMES) {
    const key = `${backend}_${name}`;
    if (stock.has(key)) continue;
    const original = tf.getKernel(name, backend);
    if (!original) return false;
    stock.set(key, original);
    tf.unregisterKernel(name, backend);
    tf.registerKernel({ ...original, kernelFunc: makeKernel(name, backend, rt, original.kernelFunc) });
  }
  registerUpsampleKernels(backend);
  registerLeadingSum(backend);
  registerMaxPool3d(backend);
  registerReluGrad(backend);
  registerConv3dBias(backend, rt);
  registerUpsampleConv3d(backend, rt);
  registerBatchNorm(backend);
  registerEmaBlend(backend);
  if (backend === 'wasm') registerSharedIdentity();
  return true;
}

/** Puts the stock kernels back (benchmarks compare both in one process). */
export function unregisterFastKernels(backend: FastKernelBackend): void {
  for (const name of KERNEL_NAMES) {
    const original = stock.get(`${backend}_${name}`);
    if (!original) continue;
    tf.unregisterKernel(name, backend);
    tf.registerKernel(original);
    stock.delete(`${backend}_${name}`);
  }
  unregisterUpsampleKernels(backend);
  unregisterLeadingSum(backend);
  unregisterMaxPool3d(backend);
  unregisterReluGrad(backend);
  unregisterConv3dBias(backend);
  unregisterUpsampleConv3d(backend);
  unregisterBatchNorm(backend);
  unregisterEmaBlend(backend);
  if (backend === 'wasm') unregisterSharedIdentity();
}

/** Whether registerFastKernels is in effect for `backend`. */
export function fastKernelsActive(backend: FastKernelBackend): boolean {
  return KERNEL_NAMES.every((name) => stock.has(`${backend}_${name}`)) && simdRuntime() !== undefined;
}
