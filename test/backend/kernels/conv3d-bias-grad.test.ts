/**
 * The bias gradient that conv3dBackpropFilter adds up from its staged copy of dy (the gradient
 * kernel LsslConv3DBiasFilterGrad of conv3d-bias.ts): against tfjs' stock `Sum` on the cpu
 * backend, bit-identical with 1 or 3 threads, and without changing the filter gradient — for
 * the narrow (Cout < 4), channel-padded (Cout 6 → 8), direct and Winograd paths.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv3dBackpropFilter, type Shape5 } from '../../../src/backend/kernels/conv3d-simd.js';
import { createRuntime } from '../../../src/backend/kernels/simd-runtime.js';
import { winogradApplies } from '../../../src/backend/kernels/winograd.js';
import { createRng } from '../../../src/rng.js';

function normals(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** [N, D, H, W, Cin] of x with Cout, 'same' 3³ filters. */
const CASES: { x: Shape5; cout: number }[] = [
  { x: [2, 5, 4, 6, 3], cout: 1 }, // narrow kernel
  { x: [3, 4, 5, 3, 2], cout: 6 }, // channels padded 6 → 8
  { x: [2, 6, 4, 6, 8], cout: 12 }, // direct wide kernel
  { x: [2, 8, 6, 10, 16], cout: 24 }, // Winograd
];

describe('conv3dBackpropFilter with the bias gradient', () => {
  it('is the stock Σ dy, the same with 1 or 3 threads, and leaves the filter gradient as it was', async () => {
    await tf.setBackend('cpu');
    const one = (await createRuntime({ threads: 1 }))!;
    const three = (await createRuntime({ threads: 3 }))!;
    expect(winogradApplies([3, 3, 3], [8, 6, 10], 16, 24)).toBe(true);
    for (const [i, { x: xShape, cout }] of CASES.entries()) {
      const [n, d, h, w, cin] = xShape;
      const dyShape: Shape5 = [n, d, h, w, cout];
      const filterShape: Shape5 = [3, 3, 3, cin, cout];
      const x = normals(n * d * h * w * cin, 10 + i);
      const dy = normals(n * d * h * w * cout, 20 + i);
      const filterLen = 27 * cin * cout;
      const run = (rt: typeof one, withBias: boolean): [Float32Array, Float32Array] => {
        const dw = new Float32Array(filterLen);
        const db = new Float32Array(cout);
        conv3dBackpropFilter(rt, x, xShape, dy, dyShape, filterShape, [1, 1, 1], dw, withBias ? db : undefined);
        return [dw, db];
      };
      const [dwPlain] = run(one, false);
      const [dw1, db1] = run(one, true);
      const [dw3, db3] = run(three, true);
      expect(Array.from(dw1), `${xShape} dw`).toEqual(Array.from(dwPlain));
      expect(Array.from(dw3), `${xShape} dw, 3 threads`).toEqual(Array.from(dwPlain));
      expect(Array.from(db3), `${xShape} db, 3 threads`).toEqual(Array.from(db1));
      const want = tf.tidy(() => tf.sum(tf.tensor5d(dy, dyShape), [0, 1, 2, 3]).dataSync());
      const scale = Math.max(1, ...Array.from(want, Math.abs));
      for (let c = 0; c < cout; c++)
        expect(Math.abs(db1[c] - want[c]) / scale, `${xShape} db[${c}]`).toBeLessThan(1e-5);
    }
  });
});
