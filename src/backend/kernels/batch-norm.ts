/**
 * Batch normalisation (Ioffe & Szegedy, ICML 2015) as kernels: training (batch moments,
 * normalisation and affine in one kernel), its gradient (the standard three-term formula plus
 * the terms of the mean and variance outputs, in one kernel), and inference (moving
 * statistics), over x [..., C] with statistics per channel over every other axis (NDHWC
 * activations: N·D·H·W values per channel; MLP features [B, C]: B values).
 *
 * Why: written with stock ops (tf.moments, sub, mul, add) on the wasm backend, the moments'
 * Mean over axes [0, 1, 2, 3] runs a rank-5 transpose first, and with the gradients of the
 * broadcasts it took 70–75 % of a SimSiam, BYOL or DirectPred step at 32³. Here the moments
 * are one pass of float64 sums (shifted by the channel's first value), the output one pass,
 * the gradient two (memory-bound-simd.as, run by batch-norm-simd.ts).
 *
 *   LsslBatchNormTrain      x [..., C], gamma [C], beta [C] → y [..., C], mean [C], variance [C]
 *                           (variance biased: Σ(x − mean)²/M, what normalises, as PyTorch)
 *   LsslBatchNormTrainGrad  dy, x, gamma, mean, variance, dmean, dvariance → dx, dgamma, dbeta
 *   LsslBatchNormInfer      x, mean, variance, gamma, beta → y (gradient with stock ops)
 *
 * `batchNormTraining` / `batchNormInference` use them where registered on the active backend
 * (float32) and the stock ops elsewhere (e.g. tfjs-node), which compute the same formulas.
 */
import * as tf from '@tensorflow/tfjs';
import { channelAffine, channelGradApply, channelGradSums, channelMomentSums } from './batch-norm-simd.js';
import { useBackendHeap } from './memory-bound.js';
import { simdRuntime } from './simd-runtime.js';
import { withTensorsAndScratch, type FastKernelBackend } from './tensor-io.js';

export const BATCH_NORM_TRAIN_KERNEL = 'LsslBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'LsslBatchNormTrainGrad';
export const BATCH_NORM_INFER_KERNEL = 'LsslBatchNormInfer';

interface Attrs {
  epsilon: number;
}

/** Views [2C] float64 sums and [k·C] float32 coefficients in one scratch array of 4C + k·C floats. */
function splitScratch(scratch: Float32Array, C: number): { sums: Float64Array; coef: (k: number) => Float32Array } {
  const sums = new Float64Array(scratch.buffer, scratch.byteOffset, 2 * C);
  return { sums, coef: (k) => scratch.subarray(4 * C, 4 * C + k * C) };
}

function trainKernel(backendName: FastKernelBackend): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
    const { epsilon } = attrs as unknown as Attrs;
    const C = x.shape[x.shape.length - 1];
    const M = x.shape.reduce((a, b) => a * b, 1) / C;
    useBackendHeap(backendName, backend);
    const rt = simdRuntime();
    return withTensorsAndScratch(backendName, backend, [x, gamma, beta], [x.shape, [C], [C]], 7 * C, (ins, outs, s) => {
      const [xv, g, b] = ins;
      const [y, meanOut, varOut] = outs;
      const { sums, coef } = splitScratch(s, C);
      const c = coef(3);
      const shift = c.subarray(0, C);
      channelMomentSums(rt, xv, C, shift, sums);
      for (let j = 0; j < C; j++) {
        const d = sums[j] / M;
        const mean = shift[j] + d;
        const variance = Math.max(0, sums[C + j] / M - d * d);
        meanOut[j] = mean;
        varOut[j] = variance;
        c[C + j] = g[j] / Math.sqrt(variance + epsilon);
        c[2 * C + j] = b[j];
      }
      c.set(meanOut.subarray(0, C), 0);
      channelAffine(rt, xv, c, C, y);
    });
  };
}

function trainGradKernel(backendName: FastKernelBackend): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const names = ['dy', 'x', 'gamma', 'mean', 'variance', 'dmean', 'dvariance'] as const;
    const list = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]);
    const { epsilon } = attrs as unknown as Attrs;
    const x = list[1];
    const C = x.shape[x.shape.length - 1];
    const M = x.shape.reduce((a, b) => a * b, 1) / C;
    useBackendHeap(backendName, backend);
    const rt = simdRuntime();
    return withTensorsAndScratch(backendName, backend, list, [x.shape, [C], [C]], 8 * C, (ins, outs, s) => {
      const [dy, xv, g, mean, variance, dmean, dvar] = ins;
      const [dx, dgamma, dbeta] = outs;
      const { sums, coef } = splitScratch(s, C);
      const c = coef(4);
      c.set(mean.subarray(0, C), 2 * C);
      channelGradSums(rt, dy, xv, c.subarray(2 * C, 3 * C), C, sums);
      for (let j = 0; j < C; j++) {
        const inv = 1 / Math.sqrt(variance[j] + epsilon);
        const a = g[j] * inv;
        const sumDy = sums[j];
        const sumDyCentered = sums[C + j];
        c[j] = a;
        c[C + j] = (-a * inv * inv * sumDyCentered + 2 * dvar[j]) / M;
        c[3 * C + j] = (-a * sumDy + dmean[j]) / M;
        dgamma[j] = inv * sumDyCentered;
        dbeta[j] = sumDy;
      }
      channelGradApply(rt, dy, xv, c, C, dx);
    });
  };
}

function inferKernel(backendName: FastKernelBackend): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const names = ['x', 'mean', 'variance', 'gamma', 'beta'] as const;
    const list = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]);
    const { epsilon } = attrs as unknown as Attrs;
    const x = list[0];
    const C = x.shape[x.shape.length - 1];
    useBackendHeap(backendName, backend);
    const rt = simdRuntime();
    const [y] = withTensorsAndScratch(backendName, backend, list, [x.shape], 7 * C, (ins, outs, s) => {
      const [xv, mean, variance, g, b] = ins;
      const c = splitScratch(s, C).coef(3);
      for (let j = 0; j < C; j++) {
        c[j] = mean[j];
        c[C + j] = g[j] / Math.sqrt(variance[j] + epsilon);
        c[2 * C + j] = b[j];
      }
      channelAffine(rt, xv, c, C, outs[0]);
    });
    return y;
  };
}

/** The gradients of the training kernel: one LsslBatchNormTrainGrad call for all three inputs. */
function registerGradientsOnce(): void {
  if (!tf.getGradient(BATCH_NORM_TRAIN_KERNEL)) {
    tf.registerGradient({
      kernelName: BATCH_NORM_TRAIN_KERNEL,
      inputsToSave: ['x', 'gamma'],
      outputsToSave: [false, true, true],
      gradFunc: (dys, saved, attrs) => {
        const [dy, dmean, dvariance] = dys as tf.Tensor[];
        const [x, gamma, mean, variance] = saved;
        const [dx, dgamma, dbeta] = tf
          .engine()
          .runKernel(
            BATCH_NORM_TRAIN_GRAD_KERNEL,
            { dy, x, gamma, mean, variance, dmean, dvariance },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
      },
    });
  }
  if (!tf.getGradient(BATCH_NORM_INFER_KERNEL)) {
    tf.registerGradient({
      kernelName: BATCH_NORM_INFER_KERNEL,
      inputsToSave: ['x', 'mean', 'variance', 'gamma'],
      gradFunc: (dy, saved, attrs) => inferenceGradients(dy as tf.Tensor, saved, (attrs as unknown as Attrs).epsilon),
    });
  }
}

/** The gradients of y = (x − mean)·γ/√(var + ε) + β with respect to its five inputs (stock ops). */
function inferenceGradients(dy: tf.Tensor, saved: tf.Tensor[], epsilon: number): Record<string, () => tf.Tensor> {
  const [x, mean, variance, gamma] = saved;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const inv = () => tf.rsqrt(tf.add(variance, epsilon));
  const sumCentered = () => tf.sum(tf.mul(dy, tf.sub(x, mean)), axes);
  return {
    x: () => tf.mul(dy, tf.mul(gamma, inv())),
    mean: () => tf.neg(tf.mul(tf.sum(dy, axes), tf.mul(gamma, inv()))),
    variance: () => tf.mul(tf.mul(sumCentered(), gamma), tf.mul(-0.5, tf.pow(inv(), 3))),
    gamma: () => tf.mul(sumCentered(), inv()),
    beta: () => tf.sum(dy, axes),
  };
}

const registered = new Set<FastKernelBackend>();

/** Registers the three batch-norm kernels on `backend` (idempotent). */
export function registerBatchNorm(backend: FastKernelBackend): void {
  registerGradientsOnce();
  if (registered.has(backend)) return;
  registered.add(backend);
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN_KERNEL, backendName: backend, kernelFunc: trainKernel(backend) });
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAIN_GRAD_KERNEL,
    backendName: backend,
    kernelFunc: trainGradKernel(backend),
  });
  tf.registerKernel({ kernelName: BATCH_NORM_INFER_KERNEL, backendName: backend, kernelFunc: inferKernel(backend) });
}

/** Removes them (batchNormTraining / batchNormInference then use stock ops). */
export function unregisterBatchNorm(backend: FastKernelBackend): void {
  if (!registered.delete(backend)) return;
  for (const name of [BATCH_NORM_TRAIN_KERNEL, BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_INFER_KERNEL])
    tf.unregisterKernel(name, backend);
}

function kernelServes(name: string, tensors: tf.Tensor[]): boolean {
  return tensors.every((t) => t.dtype === 'float32') && tf.getKernel(name, tf.getBackend()) !== undefined;
}

function checkChannels(x: tf.Tensor, params: tf.Tensor[]): number {
  if (x.rank < 2) throw new Error(`batch norm needs x of rank ≥ 2 [..., C], not rank ${x.rank}`);
  const C = x.shape[x.rank - 1];
  for (const p of params)
    if (p.rank !== 1 || p.shape[0] !== C)
      throw new Error(`batch-norm parameters must have shape [${C}], not [${p.shape}]`);
  return C;
}

/**
 * Training-mode batch norm of x [..., C] with gamma, beta [C]: y = (x − mean)·γ/√(var + ε) + β
 * with the batch's per-channel mean and biased variance over all axes but the last, which are
 * returned too ([C] each). Differentiable in x, gamma and beta (and through mean and variance).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  checkChannels(x, [gamma, beta]);
  if (kernelServes(BATCH_NORM_TRAIN_KERNEL, [x, gamma, beta])) {
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
    return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.tidy(() => tf.add(tf.mul(tf.sub(x, mean), tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma)), beta));
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** Inference-mode batch norm: y = (x − mean)·γ/√(variance + ε) + β with given statistics [C]. */
export function batchNormInference(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  checkChannels(x, [mean, variance, gamma, beta]);
  if (kernelServes(BATCH_NORM_INFER_KERNEL, [x, mean, variance, gamma, beta])) {
    return tf.engine().runKernel(BATCH_NORM_INFER_KERNEL, { x, mean, variance, gamma, beta }, { epsilon }) as tf.Tensor;
  }
  return tf.tidy(() => tf.add(tf.mul(tf.sub(x, mean), tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma)), beta));
}
