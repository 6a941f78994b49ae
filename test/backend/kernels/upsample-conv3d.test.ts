/**
 * upsampledConv3dWithBias (conv of a ×2 nearest upsampling, its input gradient summed over the
 * 2×2×2 blocks in the conv kernels' heap): against tfjs' stock kernels doing upsampling, conv3d
 * and add as separate ops (cpu backend, fast kernels off), value and all three gradients; the
 * halved input gradient bit for bit the upsampling gradient of the full one, with 1 or 3 threads.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerFastKernels, unregisterFastKernels } from '../../../src/backend/kernels/index.js';
import { conv3dBackpropInput, type Shape5 } from '../../../src/backend/kernels/conv3d-simd.js';
import { createRuntime } from '../../../src/backend/kernels/simd-runtime.js';
import { upsample2GradSimd } from '../../../src/backend/kernels/memory-bound.js';
import { upsampledConv3dWithBias, upsampledConvFused } from '../../../src/backend/kernels/upsample-conv3d.js';
import { initBackend } from '../../../src/backend/select.js';
import { createRng } from '../../../src/rng.js';

function normals(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** Nearest ×2 upsampling with stock ops only (repeat along each spatial axis). */
function stockUpsample(x: tf.Tensor5D): tf.Tensor5D {
  let h: tf.Tensor = x;
  for (const axis of [1, 2, 3]) {
    const shape = h.shape.slice();
    h = tf.reshape(tf.concat([tf.expandDims(h, axis + 1), tf.expandDims(h, axis + 1)], axis + 1), [
      ...shape.slice(0, axis),
      2 * shape[axis],
      ...shape.slice(axis + 1),
    ]);
  }
  return h as tf.Tensor5D;
}

describe('upsampledConv3dWithBias', () => {
  it('matches stock upsampling + conv3d + add on cpu, value and the gradients of x, filter and bias', async () => {
    for (const [b, s, ci, co] of [
      [2, 3, 4, 1],
      [1, 4, 8, 6],
      [2, 4, 16, 16],
    ]) {
      const x = normals(b * s ** 3 * ci, 1);
      const k = normals(27 * ci * co, 2, 0.3);
      const bias = normals(co, 3);
      const w = normals(b * (2 * s) ** 3 * co, 4);
      const run = (fused: boolean): Float32Array[] =>
        tf.tidy(() => {
          const wt = tf.tensor5d(w, [b, 2 * s, 2 * s, 2 * s, co]);
          const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor): tf.Tensor =>
            fused
              ? upsampledConv3dWithBias(xt as tf.Tensor5D, kt as tf.Tensor5D, bt as tf.Tensor1D)
              : tf.add(tf.conv3d(stockUpsample(xt as tf.Tensor5D), kt as tf.Tensor5D, 1, 'same'), bt);
          const args = [tf.tensor5d(x, [b, s, s, s, ci]), tf.tensor5d(k, [3, 3, 3, ci, co]), tf.tensor1d(bias)];
          if (fused)
            expect(upsampledConvFused(args[0] as tf.Tensor5D, args[1] as tf.Tensor5D, args[2] as tf.Tensor1D)).toBe(
              true,
            );
          const y = f(args[0], args[1], args[2]);
          const g = tf.grads((xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(f(xt, kt, bt), wt)))(args);
          return [y, ...g].map((t) => t.dataSync() as Float32Array);
        });
      await initBackend('cpu');
      unregisterFastKernels('cpu');
      const want = run(false);
      await registerFastKernels('cpu');
      for (const backend of ['cpu', 'wasm'] as const) {
        await initBackend(backend);
        const before = tf.memory().numTensors;
        const got = run(true);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < 4; i++) {
          const scale = Math.max(...Array.from(want[i], Math.abs));
          const err = Math.max(...Array.from(got[i], (v, j) => Math.abs(v - want[i][j])));
          expect(err / scale, `${backend} [${[b, s, ci, co]}] output ${i}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it('halves the input gradient into exactly the upsampling gradient of the full one, with 1 or 3 threads', async () => {
    const one = (await createRuntime({ threads: 1 }))!;
    const three = (await createRuntime({ threads: 3 }))!;
    for (const [n, d, cin, cout] of [
      [2, 6, 16, 16], // Winograd
      [3, 4, 4, 1], // narrow dy
      [2, 4, 8, 6],
    ]) {
      const dyShape: Shape5 = [n, d, d, d, cout];
      const dy = normals(n * d ** 3 * cout, 5);
      const filter = normals(27 * cin * cout, 6);
      const full = new Float32Array(n * d ** 3 * cin);
      conv3dBackpropInput(one, dy, dyShape, filter, [3, 3, 3, cin, cout], [1, 1, 1], [d, d, d], full);
      const want = new Float32Array(full.length / 8);
      // the SIMD upsampling gradient, which the two-op form runs on wasm and cpu
      upsample2GradSimd(one, full, [n, d / 2, d / 2, d / 2, cin], want);
      for (const rt of [one, three]) {
        const got = new Float32Array(want.length);
        conv3dBackpropInput(rt, dy, dyShape, filter, [3, 3, 3, cin, cout], [1, 1, 1], [d, d, d], got, true);
        expect(Array.from(got), `[${[n, d, cin, cout]}] ${rt.threads} threads`).toEqual(Array.from(want));
      }
    }
  });
});
