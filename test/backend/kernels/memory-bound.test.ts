/**
 * The SIMD memory-bound kernels (memory-bound-simd.as on all threads) against the stock tfjs
 * cpu kernels, which this file never replaces: 2×2×2 max pooling and its gradient (exactly,
 * ties included), the ReLU gradient (bit for bit, signed zeros included), sums over leading
 * axes (≤ 1e-5 relative); upsampling against its formula. Odd sides, batch 1, 1 channel and
 * channel counts that are not multiples of 4, with the default staging and with a tiny one
 * that forces many staged groups; then the same through the registered kernels on the wasm
 * backend, where they run in place on the tfjs-wasm heap.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFastKernels, unregisterFastKernels, upsampleNearest3d } from '../../../src/backend/kernels/index.js';
import {
  maxPool2ForwardSimd,
  maxPool2GradSimd,
  reluGradSimd,
  sumLeadingRowsSimd,
  upsample2ForwardSimd,
  upsample2GradSimd,
  wasmHeapAttached,
} from '../../../src/backend/kernels/memory-bound.js';
import { loadSimdRuntime, type SimdRuntime } from '../../../src/backend/kernels/simd-runtime.js';
import { createRng } from '../../../src/rng.js';

type Shape5 = [number, number, number, number, number];
let rt: SimdRuntime;

beforeAll(async () => {
  await tf.setBackend('cpu');
  rt = (await loadSimdRuntime())!;
  expect(rt, 'dist/kernels/conv3d-simd.wasm is not built').toBeDefined();
});

/** Random normals, ReLU'd when `relu` (so windows of zeros tie), from a seeded generator. */
function randomValues(n: number, seed: number, relu = false): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (relu ? Math.max(0, rng.normal()) : rng.normal()));
}

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const SHAPES: Shape5[] = [
  [1, 4, 4, 4, 1],
  [2, 6, 4, 8, 3],
  [1, 5, 7, 3, 5],
  [3, 7, 6, 9, 16],
  [1, 2, 2, 2, 7],
];
const STAGES = [undefined, 2048];

describe('maxPool2 SIMD', () => {
  for (const shape of SHAPES)
    for (const stage of STAGES) {
      it(`equals stock cpu maxPool3d and its gradient for [${shape}] (stage ${stage ?? 'default'})`, () => {
        const x = randomValues(size(shape), 11, true);
        const outShape = [shape[0], shape[1] >> 1, shape[2] >> 1, shape[3] >> 1, shape[4]];
        const dy = randomValues(size(outShape), 12);
        const [want, wantDx] = tf.tidy(() => {
          const xt = tf.tensor5d(x, shape);
          const r = tf.tensor(dy, outShape);
          const y = tf.maxPool3d(xt, 2, 2, 'valid');
          const dx = tf.grad((a: tf.Tensor) =>
            tf
              .maxPool3d(a as tf.Tensor5D, 2, 2, 'valid')
              .mul(r)
              .sum(),
          )(xt);
          return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
        });
        const y = new Float32Array(size(outShape));
        maxPool2ForwardSimd(rt, x, shape, y, stage);
        expect(Array.from(y)).toEqual(Array.from(want));
        const dx = new Float32Array(size(shape)).fill(NaN); // every voxel must be written
        maxPool2GradSimd(rt, dy, x, shape, dx, stage);
        expect(Array.from(dx)).toEqual(Array.from(wantDx));
      });
    }
});

describe('upsample2 SIMD', () => {
  for (const shape of SHAPES)
    for (const stage of STAGES) {
      it(`copies each voxel into its 2×2×2 block and sums blocks for the gradient, [${shape}] (stage ${stage ?? 'default'})`, () => {
        const [N, D, H, W, C] = shape;
        const x = randomValues(size(shape), 21);
        const y = new Float32Array(8 * size(shape));
        upsample2ForwardSimd(rt, x, shape, y, stage);
        const dy = randomValues(y.length, 22);
        const dx = new Float32Array(size(shape));
        upsample2GradSimd(rt, dy, shape, dx, stage);
        const want = new Float32Array(dx.length);
        const wantY = new Float32Array(y.length);
        let i = 0;
        for (let n = 0; n < N; n++)
          for (let z = 0; z < 2 * D; z++)
            for (let yy = 0; yy < 2 * H; yy++)
              for (let xx = 0; xx < 2 * W; xx++)
                for (let c = 0; c < C; c++, i++) {
                  const src = (((n * D + (z >> 1)) * H + (yy >> 1)) * W + (xx >> 1)) * C + c;
                  wantY[i] = x[src];
                  want[src] += dy[i];
                }
        expect(bits(y)).toEqual(bits(wantY));
        const err = Math.max(...Array.from(dx, (v, k) => Math.abs(v - want[k]) / (1 + Math.abs(want[k]))));
        expect(err).toBeLessThanOrEqual(1e-5);
      });
    }
});

describe('reluGrad SIMD', () => {
  it('equals the stock cpu Relu gradient bit for bit (−0 for negative dy where x ≤ 0)', () => {
    for (const [n, stage] of [
      [1, undefined],
      [7, undefined],
      [100_003, undefined],
      [100_003, 4096],
    ] as [number, number | undefined][]) {
      const x = randomValues(n, 31);
      x[0] = 0; // step(0) = 0
      const dy = randomValues(n, 32);
      const want = tf.tidy(
        () =>
          tf
            .grad((a: tf.Tensor) => tf.relu(a).mul(tf.tensor(dy)).sum())(tf.tensor(x))
            .dataSync() as Float32Array,
      );
      const dx = new Float32Array(n);
      reluGradSimd(rt, dy, x, dx, stage);
      expect(bits(dx)).toEqual(bits(want));
    }
  });
});

describe('sumLeadingRows SIMD', () => {
  for (const [outer, inner] of [
    [1, 1],
    [5, 3],
    [4096 + 17, 1],
    [3001, 16],
    [777, 5],
    [64, 33],
  ])
    for (const stage of STAGES) {
      it(`matches stock cpu tf.sum over axis 0 of [${outer}, ${inner}] (stage ${stage ?? 'default'}) and repeats bit for bit`, () => {
        const x = randomValues(outer * inner, 41);
        const want = tf.tidy(() => tf.sum(tf.tensor2d(x, [outer, inner]), 0).dataSync() as Float32Array);
        const exact = new Float64Array(inner);
        for (let i = 0; i < outer; i++) for (let j = 0; j < inner; j++) exact[j] += x[i * inner + j];
        const out = new Float32Array(inner);
        sumLeadingRowsSimd(rt, x, outer, inner, out, stage);
        const scale = Math.max(...Array.from(want, Math.abs), 1);
        for (let j = 0; j < inner; j++) {
          expect(Math.abs(out[j] - want[j]) / scale).toBeLessThanOrEqual(1e-5);
          expect(out[j]).toBe(Math.fround(exact[j])); // float64 accumulation: exact to float32 rounding
        }
        const again = new Float32Array(inner);
        sumLeadingRowsSimd(rt, x, outer, inner, again, stage);
        expect(bits(again)).toEqual(bits(out));
      });
    }
});

describe('in place on the tfjs-wasm heap', () => {
  it('is not attached before a kernel runs on the wasm backend', () => expect(wasmHeapAttached()).toBe(false));

  /** Pool, its gradient, ReLU gradient, bias sum, upsampling and its gradient with tf ops on the active backend. */
  function opsOn(shape: Shape5): Float32Array[] {
    return tf.tidy(() => {
      const x = tf.tensor5d(randomValues(size(shape), 51), shape);
      const pooledShape = [shape[0], shape[1] >> 1, shape[2] >> 1, shape[3] >> 1, shape[4]];
      const r = tf.tensor(randomValues(size(pooledShape), 52), pooledShape);
      const s = tf.tensor(randomValues(size(shape), 53), shape);
      const u = tf.tensor(randomValues(8 * size(shape), 54), [
        shape[0],
        2 * shape[1],
        2 * shape[2],
        2 * shape[3],
        shape[4],
      ]);
      const pool = tf.maxPool3d(tf.relu(x), 2, 2, 'valid');
      const poolGrad = tf.grad((a: tf.Tensor) =>
        tf
          .maxPool3d(a as tf.Tensor5D, 2, 2, 'valid')
          .mul(r)
          .sum(),
      )(tf.relu(x));
      const reluGrad = tf.grad((a: tf.Tensor) => tf.relu(a).mul(s).sum())(x);
      const biasSum = tf.sum(s, [0, 1, 2, 3]);
      const up = upsampleNearest3d(x);
      const upGrad = tf.grad((a: tf.Tensor) =>
        upsampleNearest3d(a as tf.Tensor5D)
          .mul(u)
          .sum(),
      )(x);
      return [pool, poolGrad, reluGrad, biasSum, up, upGrad, u].map((t) => t.dataSync() as Float32Array);
    });
  }

  for (const shape of [
    [1, 5, 7, 3, 1],
    [2, 6, 4, 8, 3],
    [3, 7, 6, 9, 16],
  ] as Shape5[]) {
    it(`matches the stock cpu kernels for [${shape}] (pool, ReLU and upsampling gradients, bias sum)`, async () => {
      await tf.setBackend('cpu');
      const want = opsOn(shape);
      await tf.setBackend('wasm');
      await tf.ready();
      expect(await registerFastKernels('wasm')).toBe(true);
      const before = tf.memory().numTensors;
      const got = opsOn(shape);
      expect(wasmHeapAttached()).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      unregisterFastKernels('wasm');
      expect(Array.from(got[0])).toEqual(Array.from(want[0]));
      expect(Array.from(got[1])).toEqual(Array.from(want[1]));
      expect(bits(got[2])).toEqual(bits(want[2]));
      const scale = Math.max(...Array.from(want[3], Math.abs), 1);
      got[3].forEach((v, j) => expect(Math.abs(v - want[3][j]) / scale).toBeLessThanOrEqual(1e-5));
      expect(bits(got[4])).toEqual(bits(want[4]));
      // upsampling gradient: the block sum of u (tfjs' cpu ResizeNearestNeighborGrad is no reference)
      const [N, D, H, W, C] = shape;
      const u = got[6];
      const blockSum = new Float32Array(size(shape));
      let i = 0;
      for (let n = 0; n < N; n++)
        for (let z = 0; z < 2 * D; z++)
          for (let yy = 0; yy < 2 * H; yy++)
            for (let xx = 0; xx < 2 * W; xx++)
              for (let c = 0; c < C; c++)
                blockSum[(((n * D + (z >> 1)) * H + (yy >> 1)) * W + (xx >> 1)) * C + c] += u[i++];
      got[5].forEach((v, k) =>
        expect(Math.abs(v - blockSum[k])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(blockSum[k]))),
      );
    });
  }
});
