import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { conv3dSame, conv3dSameBias, maxPool3dBy2 } from '../../src/nn/ops.js';
import { registerFastKernels, unregisterFastKernels } from '../../src/backend/kernels/index.js';
import { Autoencoder } from '../../src/nn/autoencoder.js';
import { createRng } from '../../src/rng.js';
import { runPython, expectClose } from '../io/python-reference.js';

const normals = (n: number, seed: number, scale = 1) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => scale * rng.normal());
};

// PyTorch autograd of sum(conv3d(x, k, padding=1) * w), in NDHWC / [kd,kh,kw,in,out] layout.
const TORCH_CONV = `
import torch
B, S, ci, co = inp['dims']
x = torch.tensor(inp['x'], dtype=torch.float64).reshape(B, S, S, S, ci).permute(0, 4, 1, 2, 3).requires_grad_()
k = torch.tensor(inp['k'], dtype=torch.float64).reshape(3, 3, 3, ci, co).permute(4, 3, 0, 1, 2).detach().requires_grad_()
w = torch.tensor(inp['w'], dtype=torch.float64).reshape(B, S, S, S, co).permute(0, 4, 1, 2, 3)
(torch.nn.functional.conv3d(x, k, padding=1) * w).sum().backward()
out = [x.grad.permute(0, 2, 3, 4, 1).reshape(-1).tolist(), k.grad.permute(2, 3, 4, 1, 0).reshape(-1).tolist()]
`;

describe('conv3dSame and maxPool3dBy2: gradients right on every backend', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`conv3dSame's gradients match PyTorch autograd on ${backend}`, async () => {
      await initBackend(backend);
      for (const [b, s, ci, co] of [
        [1, 4, 3, 5],
        [2, 8, 4, 6],
      ]) {
        const x = normals(b * s ** 3 * ci, 1);
        const k = normals(27 * ci * co, 2, 0.3);
        const w = normals(b * s ** 3 * co, 3);
        const [dx, dk]: number[][] = runPython(TORCH_CONV, { dims: [b, s, ci, co], x, k, w });
        const before = tf.memory().numTensors;
        const [gx, gk] = tf.tidy(() => {
          const wt = tf.tensor5d(w, [b, s, s, s, co]);
          const g = tf.grads((xt: tf.Tensor, kt: tf.Tensor) =>
            tf.sum(tf.mul(conv3dSame(xt as tf.Tensor5D, kt as tf.Tensor5D), wt)),
          );
          return g([tf.tensor5d(x, [b, s, s, s, ci]), tf.tensor5d(k, [3, 3, 3, ci, co])]).map((t) => t.dataSync());
        });
        expect(tf.memory().numTensors).toBe(before);
        expectClose(gx, dx, 1e-3);
        expectClose(gk, dk, 1e-3);
      }
    });

    it(`maxPool3dBy2 takes each block's max and routes its gradient to the argmax on ${backend}`, async () => {
      await initBackend(backend);
      const [b, s, c] = [2, 8, 5];
      const x = normals(b * s ** 3 * c, 4);
      const w = normals(b * (s / 2) ** 3 * c, 5);
      const g = tf.tidy(() =>
        tf
          .grad((xt: tf.Tensor) =>
            tf.sum(tf.mul(maxPool3dBy2(xt as tf.Tensor5D), tf.tensor5d(w, [b, s / 2, s / 2, s / 2, c]))),
          )(tf.tensor5d(x, [b, s, s, s, c]))
          .dataSync(),
      );
      // By hand: for each window and channel, w goes to the position of the largest x.
      const expected = new Float32Array(x.length);
      const pooled = tf.tidy(() => maxPool3dBy2(tf.tensor5d(x, [b, s, s, s, c])).dataSync());
      const expectedPooled = new Float32Array(pooled.length);
      const h = s / 2;
      const at = (n: number, d: number, r: number, q: number, ch: number) => (((n * s + d) * s + r) * s + q) * c + ch;
      for (let n = 0; n < b; n++)
        for (let d = 0; d < h; d++)
          for (let r = 0; r < h; r++)
            for (let q = 0; q < h; q++)
              for (let ch = 0; ch < c; ch++) {
                let best = -1;
                for (let i = 0; i < 8; i++) {
                  const idx = at(n, 2 * d + (i >> 2), 2 * r + ((i >> 1) & 1), 2 * q + (i & 1), ch);
                  if (best < 0 || Math.fround(x[idx]) > Math.fround(x[best])) best = idx;
                }
                expected[best] = w[(((n * h + d) * h + r) * h + q) * c + ch];
                expectedPooled[(((n * h + d) * h + r) * h + q) * c + ch] = x[best];
              }
      expectClose(pooled, expectedPooled, 1e-6);
      expectClose(g, expected, 1e-6);
    });
  }

  it('conv3dSameBias (bias added in the conv kernel) matches stock cpu conv3d + add, value and all three gradients', async () => {
    /** y and the gradients of Σ y·w with respect to x, kernel and bias, on the active backend. */
    const run = (x: number[], k: number[], bias: number[], w: number[], [b, s, ci, co]: number[]): Float32Array[] =>
      tf.tidy(() => {
        const wt = tf.tensor5d(w, [b, s, s, s, co]);
        const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) =>
          conv3dSameBias(xt as tf.Tensor5D, kt as tf.Tensor5D, bt as tf.Tensor1D);
        const args = [tf.tensor5d(x, [b, s, s, s, ci]), tf.tensor5d(k, [3, 3, 3, ci, co]), tf.tensor1d(bias)];
        const y = f(args[0], args[1], args[2]);
        const g = tf.grads((xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(f(xt, kt, bt), wt)))(args);
        return [y, ...g].map((t) => t.dataSync() as Float32Array);
      });
    for (const dims of [
      [1, 5, 1, 16],
      [2, 7, 16, 1],
      [3, 4, 3, 6],
      [1, 6, 8, 12],
    ]) {
      const [b, s, ci, co] = dims;
      const x = normals(b * s ** 3 * ci, 11);
      const k = normals(27 * ci * co, 12, 0.3);
      const bias = normals(co, 13);
      const w = normals(b * s ** 3 * co, 14);
      await initBackend('cpu');
      unregisterFastKernels('cpu');
      const want = run(x, k, bias, w, dims); // stock cpu kernels: conv3d, then add
      await registerFastKernels('cpu');
      for (const backend of ['cpu', 'wasm'] as const) {
        await initBackend(backend);
        const before = tf.memory().numTensors;
        const got = run(x, k, bias, w, dims);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < 4; i++) {
          const scale = Math.max(...Array.from(want[i], Math.abs));
          const err = Math.max(...Array.from(got[i], (v, j) => Math.abs(v - want[i][j])));
          expect(err / scale, `${backend} [${dims}] output ${i}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it("relu after maxPool3dBy2 (the encoder's order) gives the same values and gradients as relu before it (±0 aside)", async () => {
    // many windows entirely ≤ 0 (mean −0.5), where the max is cut by the ReLU either way
    const shape: [number, number, number, number, number] = [2, 4, 6, 4, 3];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = normals(size, 31).map((v) => v - 0.5);
    const w = normals(size / 8, 32);
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const [before, after] = [
        (t: tf.Tensor5D) => maxPool3dBy2(tf.relu(t)),
        (t: tf.Tensor5D) => tf.relu(maxPool3dBy2(t)),
      ].map((f) =>
        tf.tidy(() => {
          const xt = tf.tensor5d(x, shape);
          const wt = tf.tensor5d(w, [2, 2, 3, 2, 3]);
          const y = f(xt);
          const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor5D), wt)))(xt);
          // + 0 turns −0 into 0: the zeros of a cut window may differ in sign between the orders
          return [y, g].map((t) => Array.from(t.dataSync(), (v) => v + 0));
        }),
      );
      expect(after[0], `${backend} values`).toEqual(before[0]);
      expect(after[1], `${backend} gradients`).toEqual(before[1]);
      expect(before[1].some((v) => v !== 0)).toBe(true);
      expect(before[0].some((v) => v === 0)).toBe(true);
    }
  });

  it('the whole autoencoder has the same gradients on wasm as on cpu', async () => {
    const grads: Record<string, Map<string, Float32Array>> = {};
    const x = normals(2 * 4096, 6);
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const net = new Autoencoder({ inputShape: 16, latentSize: 8, seed: 1 });
      const xt = tf.tensor5d(x, [2, 16, 16, 16, 1]);
      const { value, grads: g } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(net.decode(net.encode(xt)), xt))) as tf.Scalar,
        net.trainableVariables(),
      );
      grads[backend] = new Map(net.params.entries.map((e) => [e.name, g[e.variable.name].dataSync() as Float32Array]));
      tf.dispose([value, xt, ...Object.values(g)]);
      net.dispose();
    }
    for (const [name, cpu] of grads.cpu) {
      const scale = Math.max(...Array.from(cpu, Math.abs));
      expectClose(grads.wasm.get(name)!, cpu, 1e-3 * scale + 1e-7);
    }
  });
});
