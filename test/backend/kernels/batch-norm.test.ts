/**
 * Batch norm through lssl's kernels (batch-norm.ts: in place on the wasm heap, staged on all
 * threads on cpu) against PyTorch's BatchNorm3d / BatchNorm1d (training and eval forward,
 * gradients with respect to input, gamma and beta, running statistics with its momentum
 * convention) and against the stock tfjs ops (tf.moments and friends, also the gradients that
 * flow through the mean and variance outputs and the inference-mode gradients); the EMA
 * kernel against the stock ops bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchNormInference,
  batchNormTraining,
  emaBlend,
  registerFastKernels,
  unregisterFastKernels,
  type FastKernelBackend,
} from '../../../src/backend/kernels/index.js';
import { BATCH_NORM_TRAIN_KERNEL } from '../../../src/backend/kernels/batch-norm.js';
import { channelGradSums, channelMomentSums } from '../../../src/backend/kernels/batch-norm-simd.js';
import { loadSimdRuntime } from '../../../src/backend/kernels/simd-runtime.js';
import { addBatchNorm, batchNorm, type PendingAssign } from '../../../src/nn/layers.js';
import { ParameterSet } from '../../../src/nn/params.js';
import { createRng } from '../../../src/rng.js';
import { expectClose, runPython } from '../../io/python-reference.js';

const EPS = 1e-5;
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

function normals(n: number, seed: number, mean = 0, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => mean + scale * rng.normal());
}

async function useBackend(backend: FastKernelBackend, fast: boolean): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  if (fast) expect(await registerFastKernels(backend)).toBe(true);
  else unregisterFastKernels(backend);
  expect(tf.getKernel(BATCH_NORM_TRAIN_KERNEL, backend) !== undefined).toBe(fast);
}

afterAll(() => {
  unregisterFastKernels('cpu');
  unregisterFastKernels('wasm');
});

// PyTorch's BatchNorm in training mode, one step from fresh running statistics (momentum 0.1,
// unbiased running variance), the gradients of Σ y·w, then eval mode on the same x.
const TORCH_BATCH_NORM = `
import torch
shape = inp['shape']
C = shape[-1]
def t(v, s): return torch.tensor(v, dtype=torch.float64).reshape(s)
def channels_first(a): return a.permute(0, len(shape) - 1, *range(1, len(shape) - 1)) if len(shape) > 2 else a
def channels_last(a): return a.permute(0, *range(2, len(shape)), 1) if len(shape) > 2 else a
x = channels_first(t(inp['x'], shape)).contiguous().requires_grad_()
w = channels_first(t(inp['w'], shape))
bn = (torch.nn.BatchNorm3d if len(shape) == 5 else torch.nn.BatchNorm1d)(C, eps=1e-5, momentum=0.1).double()
with torch.no_grad():
    bn.weight.copy_(t(inp['gamma'], (C,)))
    bn.bias.copy_(t(inp['beta'], (C,)))
bn.train()
y = bn(x)
(y * w).sum().backward()
bn.eval()
with torch.no_grad():
    ye = bn(x)
flat = lambda a: channels_last(a.detach()).reshape(-1).tolist()
out = {'y': flat(y), 'dx': flat(x.grad), 'dgamma': bn.weight.grad.tolist(), 'dbeta': bn.bias.grad.tolist(),
       'runningMean': bn.running_mean.tolist(), 'runningVar': bn.running_var.tolist(), 'eval': flat(ye)}
`;

interface BnCase {
  shape: number[];
  x: number[];
  w: number[];
  gamma: number[];
  beta: number[];
}

function bnCase(shape: number[], seed: number, mean: number, scale: number): BnCase {
  const C = shape[shape.length - 1];
  return {
    shape,
    x: normals(size(shape), seed, mean, scale),
    w: normals(size(shape), seed + 1),
    gamma: normals(C, seed + 2, 1, 0.3),
    beta: normals(C, seed + 3, 0, 0.5),
  };
}

/** lssl's batch-norm layer (nn/layers.ts) on a case: the same quantities as TORCH_BATCH_NORM. */
function lsslBatchNorm(c: BnCase): Record<string, number[]> {
  const params = new ParameterSet();
  const C = c.shape[c.shape.length - 1];
  addBatchNorm(params, 'bn', C);
  params.get('bn/gamma').assign(tf.tensor1d(c.gamma));
  params.get('bn/beta').assign(tf.tensor1d(c.beta));
  const pending: PendingAssign[] = [];
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x: tf.Tensor = tf.tensor(c.x, c.shape);
    const w = tf.tensor(c.w, c.shape);
    let y: number[] = [];
    const f = (xt: tf.Tensor) => {
      const out = batchNorm(params, 'bn', xt as tf.Tensor5D, true, pending);
      y = Array.from(out.dataSync());
      return tf.sum(tf.mul(out, w)) as tf.Scalar;
    };
    // the variables are tensors: their gradients come from the same single pass
    const [dx, dgamma, dbeta] = tf.grads(f)([x, params.get('bn/gamma'), params.get('bn/beta')]);
    expect(pending.length).toBe(2);
    for (const { variable, value } of pending.splice(0)) {
      variable.assign(value);
      value.dispose();
    }
    const ye = batchNorm(params, 'bn', x as tf.Tensor5D, false, pending);
    const get = (t: tf.Tensor) => Array.from(t.dataSync());
    return {
      y,
      dx: get(dx),
      dgamma: get(dgamma),
      dbeta: get(dbeta),
      runningMean: get(params.get('bn/movingMean')),
      runningVar: get(params.get('bn/movingVariance')),
      eval: get(ye),
    };
  });
  expect(tf.memory().numTensors).toBe(before);
  params.dispose();
  return out;
}

const TORCH_CASES: [number[], number, number][] = [
  [[2, 3, 4, 5, 6], 0, 1],
  [[1, 4, 2, 3, 5], 3, 0.5], // mean far from 0 relative to the spread
  [[2, 2, 2, 2, 1], -1, 2],
  [[6, 8], 1, 1], // BatchNorm1d, the heads' layout [B, C]
];

describe('batch norm against PyTorch', () => {
  const cases = TORCH_CASES.map(([shape, mean, scale], i) => bnCase(shape, 10 * i + 1, mean, scale));
  const torch = cases.map((c) => runPython(TORCH_BATCH_NORM, c) as Record<string, number[]>);
  for (const [backend, fast] of [
    ['wasm', true],
    ['cpu', true],
    ['cpu', false],
  ] as [FastKernelBackend, boolean][]) {
    it(`forward (train, eval), gradients and running statistics match on ${backend}${fast ? '' : ' (stock ops)'}`, async () => {
      await useBackend(backend, fast);
      cases.forEach((c, i) => {
        const got = lsslBatchNorm(c);
        for (const key of Object.keys(torch[i])) {
          try {
            expectClose(got[key], torch[i][key], 2e-4);
          } catch (e) {
            throw new Error(`case ${i} ${key}: ${(e as Error).message}`);
          }
        }
      });
    });
  }
});

/** Loss over every output of batchNormTraining (so dmean and dvariance flow too) and its grads. */
function trainingOutputs(shape: number[], seed: number): number[][] {
  const C = shape[shape.length - 1];
  return tf.tidy(() => {
    const x = tf.tensor(normals(size(shape), seed, 0.7, 1.3), shape);
    const gamma = tf.tensor1d(normals(C, seed + 1, 1, 0.2));
    const beta = tf.tensor1d(normals(C, seed + 2));
    const w = tf.tensor(normals(size(shape), seed + 3), shape);
    const [u, v] = [tf.tensor1d(normals(C, seed + 4)), tf.tensor1d(normals(C, seed + 5))];
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { y, mean, variance } = batchNormTraining(a, g, b, EPS);
      return tf.addN([tf.sum(tf.mul(y, w)), tf.sum(tf.mul(mean, u)), tf.sum(tf.mul(variance, v))]) as tf.Scalar;
    };
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, EPS);
    const grads = tf.grads(f as (...a: tf.Tensor[]) => tf.Scalar)([x, gamma, beta]);
    return [y, mean, variance, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/** Inference-mode output and its gradients with respect to all five inputs. */
function inferenceOutputs(shape: number[], seed: number): number[][] {
  const C = shape[shape.length - 1];
  return tf.tidy(() => {
    const x = tf.tensor(normals(size(shape), seed, -0.4), shape);
    const stats = [normals(C, seed + 1), normals(C, seed + 2, 1.5, 0.2), normals(C, seed + 3, 1), normals(C, seed + 4)];
    const [mean, variance, gamma, beta] = stats.map((s) => tf.tensor1d(s));
    const w = tf.tensor(normals(size(shape), seed + 5), shape);
    const f = (...a: tf.Tensor[]) =>
      tf.sum(tf.mul(batchNormInference(a[0], a[1], a[2], a[3], a[4], EPS), w)) as tf.Scalar;
    const y = batchNormInference(x, mean, variance, gamma, beta, EPS);
    return [y, ...tf.grads(f)([x, mean, variance, gamma, beta])].map((t) => Array.from(t.dataSync()));
  });
}

const STOCK_SHAPES = [
  [3, 5, 7, 2, 3],
  [1, 9, 4, 6, 16],
  [2, 3, 3, 3, 1],
  [4, 2, 2, 2, 5],
  [8, 256],
  [33, 7],
];

describe('batch norm against the stock tfjs ops', () => {
  for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
    it(`training (with the mean and variance outputs) and inference, values and gradients, on ${backend}`, async () => {
      await useBackend('cpu', false);
      const stock = STOCK_SHAPES.map((s, i) => [...trainingOutputs(s, 7 * i), ...inferenceOutputs(s, 7 * i + 50)]);
      await useBackend(backend, true);
      const before = tf.memory().numTensors;
      STOCK_SHAPES.forEach((s, i) => {
        const fast = [...trainingOutputs(s, 7 * i), ...inferenceOutputs(s, 7 * i + 50)];
        expect(fast.length).toBe(stock[i].length);
        fast.forEach((values, k) => expectClose(values, stock[i][k], 1e-4));
        // deterministic: the same inputs give the same bits
        expect(trainingOutputs(s, 7 * i)).toEqual(fast.slice(0, 6));
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('batch-norm sums off the wasm heap (staged, all threads)', () => {
  it('equal float64 sums computed here, with one or many staged groups', async () => {
    const rt = (await loadSimdRuntime())!;
    expect(rt).toBeDefined();
    for (const [rows, C] of [
      [4000, 16],
      [777, 5],
      [50, 1],
    ]) {
      const x = Float32Array.from(normals(rows * C, rows, 2, 3));
      const dy = Float32Array.from(normals(rows * C, rows + 1));
      const mean = Float32Array.from(normals(C, rows + 2, 2));
      const expected = new Float64Array(4 * C);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < C; c++) {
          const d = Math.fround(x[r * C + c] - x[c]);
          expected[c] += d;
          expected[C + c] += d * d;
          expected[2 * C + c] += dy[r * C + c];
          expected[3 * C + c] += dy[r * C + c] * Math.fround(x[r * C + c] - mean[c]);
        }
      for (const stage of [undefined, 256]) {
        const moments = channelMomentSums(rt, x, C, new Float32Array(C), new Float64Array(2 * C), stage);
        const grads = channelGradSums(rt, dy, x, mean, C, new Float64Array(2 * C), stage);
        const got = [...moments, ...grads];
        got.forEach((v, j) =>
          expect(Math.abs(v - expected[j])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(expected[j]))),
        );
      }
    }
  });
});

describe('EMA blend', () => {
  for (const backend of ['wasm', 'cpu'] as FastKernelBackend[]) {
    it(`equals tf.add(tf.mul(t, m), tf.mul(o, 1 − m)) bit for bit on ${backend}`, async () => {
      await tf.setBackend(backend);
      await tf.ready();
      expect(await registerFastKernels(backend)).toBe(true);
      for (const [n, m] of [
        [1, 0.996],
        [7, 0.5],
        [70001, 0.99],
        [27 * 16 * 32, 0.9961],
      ]) {
        const [t, o] = [tf.tensor1d(normals(n, n)), tf.tensor1d(normals(n, n + 1))];
        const before = tf.memory().numTensors;
        const fused = emaBlend(t, o, m);
        expect(tf.memory().numTensors).toBe(before + 1);
        const stock = tf.tidy(() => tf.add(tf.mul(t, m), tf.mul(o, 1 - m)));
        expect(new Uint32Array(fused.dataSync().buffer)).toEqual(new Uint32Array(stock.dataSync().buffer));
        tf.dispose([t, o, fused, stock]);
      }
    });
  }
});
