/**
 * The SIMD runtime: thread-count setting, the built binary is found, and a kernel split over
 * rows by several threads gives the same result as one thread (conv against a plain loop).
 */
import { describe, expect, it } from 'vitest';
import { conv3dBackpropFilter, conv3dForward } from '../../../src/backend/kernels/conv3d-simd.js';
import {
  findKernelBinary,
  kernelThreadCount,
  loadSimdRuntime,
  rowChunk,
} from '../../../src/backend/kernels/simd-runtime.js';

describe('kernelThreadCount', () => {
  it('uses LSSL_KERNEL_THREADS when it is a positive integer, else the cores (≤ 4)', () => {
    expect(kernelThreadCount('1')).toBe(1);
    expect(kernelThreadCount('3')).toBe(3);
    const auto = kernelThreadCount(''); // '' = unset (undefined would read the real env)
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(4);
    expect(kernelThreadCount('0')).toBe(auto);
    expect(kernelThreadCount('two')).toBe(auto);
  });
});

describe('loadSimdRuntime', () => {
  it('finds the built kernels (node src/backend/kernels/build-kernels.mjs) and loads them', async () => {
    expect(findKernelBinary(), 'dist/kernels/conv3d-simd.wasm is not built').toBeDefined();
    const rt = await loadSimdRuntime();
    expect(rt).toBeDefined();
  });

  it('splits rows across threads without changing the result (1×1×1 filter = channel mixing)', async () => {
    const rt = (await loadSimdRuntime())!;
    // x [1, 9, 2, 3, 2], filter [1,1,1,2,4]: y[v, co] = Σ_ci x[v, ci]·w[ci, co], easy to check by hand
    const shape: [number, number, number, number, number] = [1, 9, 2, 3, 2];
    const x = Float32Array.from({ length: 9 * 2 * 3 * 2 }, (_, i) => (i % 7) - 3);
    const w = Float32Array.from([1, 2, 3, 4, -1, 0.5, 0, 2]);
    const y = new Float32Array(9 * 2 * 3 * 4);
    conv3dForward(rt, x, shape, w, [1, 1, 1, 2, 4], [0, 0, 0], [9, 2, 3], y);
    for (let v = 0; v < 9 * 2 * 3; v++)
      for (let co = 0; co < 4; co++) expect(y[v * 4 + co]).toBeCloseTo(x[v * 2] * w[co] + x[v * 2 + 1] * w[4 + co], 5);
  });

  it('gives bit-identical filter gradients on repeated calls (per-chunk accumulators)', async () => {
    const rt = (await loadSimdRuntime())!;
    const xShape: [number, number, number, number, number] = [2, 13, 6, 7, 4];
    const dyShape: [number, number, number, number, number] = [2, 13, 6, 7, 8];
    const x = Float32Array.from({ length: 2 * 13 * 6 * 7 * 4 }, (_, i) => Math.sin(i * 1.3));
    const dy = Float32Array.from({ length: 2 * 13 * 6 * 7 * 8 }, (_, i) => Math.cos(i * 0.7));
    const runs = [0, 1, 2, 3].map(() => {
      const out = new Float32Array(27 * 4 * 8);
      conv3dBackpropFilter(rt, x, xShape, dy, dyShape, [3, 3, 3, 4, 8], [1, 1, 1], out);
      return Array.from(out);
    });
    for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
  });
});

describe('rowChunk', () => {
  it('cuts the rows into at most 8 chunks of at least one row', () => {
    expect(rowChunk(64)).toBe(8);
    expect(rowChunk(13)).toBe(2);
    expect(rowChunk(3)).toBe(1);
  });
});
