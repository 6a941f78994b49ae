/**
 * The two builds of the conv kernels (simd-runtime.ts): the relaxed-SIMD one (fused
 * multiply-add) is chosen only where the engine accepts it, the portable one otherwise; both
 * agree with a float64 reference convolution written here, with each other up to rounding,
 * and each is deterministic (bit-identical run to run and with 1 or 3 threads); the Winograd
 * kernels (forward, filter gradient) agree with the direct ones.
 */
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  conv3dBackpropFilter,
  conv3dBackpropInput,
  conv3dForward,
  type Shape5,
} from '../../../src/backend/kernels/conv3d-simd.js';
import {
  chooseKernelVariant,
  createRuntime,
  findKernelBinary,
  type KernelVariant,
  type SimdRuntime,
} from '../../../src/backend/kernels/simd-runtime.js';
import { winogradApplies } from '../../../src/backend/kernels/winograd.js';
import { createRng } from '../../../src/rng.js';

const portablePath = (): string => findKernelBinary()!;
const relaxedPath = (): string => join(dirname(portablePath()), 'conv3d-simd-relaxed.wasm');

describe('chooseKernelVariant', () => {
  it('takes the relaxed build when the engine validates it', () => {
    const chosen = chooseKernelVariant(portablePath(), undefined, () => true);
    expect(chosen.variant).toBe('relaxed');
  });

  it('falls back to the portable build when the engine rejects relaxed SIMD', () => {
    const seen: number[] = [];
    const chosen = chooseKernelVariant(portablePath(), undefined, (bytes) => {
      seen.push(bytes.length);
      return false;
    });
    expect(seen.length).toBe(1); // it did ask about the relaxed bytes
    expect(chosen.variant).toBe('portable');
  });

  it('takes the portable build when LSSL_CONV_FMA=0, without asking the engine', () => {
    const chosen = chooseKernelVariant(portablePath(), '0', () => {
      throw new Error('must not validate');
    });
    expect(chosen.variant).toBe('portable');
  });

  it('needs the V8 flag on Node 20 (the module is rejected without it), and the default enables it', () => {
    const script = `
      const v8 = require('node:v8');
      const bytes = require('node:fs').readFileSync(${JSON.stringify(relaxedPath())});
      const before = WebAssembly.validate(bytes);
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      console.log(JSON.stringify({ before, after: WebAssembly.validate(bytes) }));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const { before, after } = JSON.parse(r.stdout) as { before: boolean; after: boolean };
    expect(after).toBe(true);
    // engines with relaxed SIMD on by default accept it without the flag; Node 20's V8 does not
    if (Number(process.versions.node.split('.')[0]) === 20) expect(before).toBe(false);
    expect(chooseKernelVariant(portablePath()).variant).toBe('relaxed');
  });
});

function randomArray(length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.normal());
}

/** y[n,z,y,x,co] = Σ x[n, z+kd−1, y+kh−1, x+kw−1, ci]·w[kd,kh,kw,ci,co] in float64 ('same', 3³). */
function referenceConv(x: Float32Array, [N, D, H, W, C]: Shape5, w: Float32Array, cout: number): Float64Array {
  const y = new Float64Array(N * D * H * W * cout);
  for (let n = 0; n < N; n++)
    for (let z = 0; z < D; z++)
      for (let yy = 0; yy < H; yy++)
        for (let xx = 0; xx < W; xx++)
          for (let kd = 0; kd < 3; kd++)
            for (let kh = 0; kh < 3; kh++)
              for (let kw = 0; kw < 3; kw++) {
                const [zi, yi, xi] = [z + kd - 1, yy + kh - 1, xx + kw - 1];
                if (zi < 0 || zi >= D || yi < 0 || yi >= H || xi < 0 || xi >= W) continue;
                const src = (((n * D + zi) * H + yi) * W + xi) * C;
                const dst = (((n * D + z) * H + yy) * W + xx) * cout;
                const wt = ((kd * 3 + kh) * 3 + kw) * C * cout;
                for (let ci = 0; ci < C; ci++)
                  for (let co = 0; co < cout; co++) y[dst + co] += x[src + ci] * w[wt + ci * cout + co];
              }
  return y;
}

function maxRelative(got: Float32Array, want: ArrayLike<number>): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < got.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    ref = Math.max(ref, Math.abs(want[i]));
  }
  return diff / ref;
}

/** A LSSL-like layer: 'same' 3³ conv, odd sizes, channels not a multiple of 8. */
const X_SHAPE: Shape5 = [2, 5, 6, 7, 12];
const COUT = 20;
const x = randomArray(
  X_SHAPE.reduce((a, b) => a * b, 1),
  1,
);
const w = randomArray(27 * 12 * COUT, 2);
const dy = randomArray(2 * 5 * 6 * 7 * COUT, 3);
const front: [number, number, number] = [1, 1, 1];

/** Forward, input gradient and filter gradient of the layer above on runtime `rt`. */
function convAll(rt: SimdRuntime): Float32Array[] {
  const y = new Float32Array(2 * 5 * 6 * 7 * COUT);
  conv3dForward(rt, x, X_SHAPE, w, [3, 3, 3, 12, COUT], front, [5, 6, 7], y);
  const dx = new Float32Array(x.length);
  conv3dBackpropInput(rt, dy, [2, 5, 6, 7, COUT], w, [3, 3, 3, 12, COUT], front, [5, 6, 7], dx);
  const dw = new Float32Array(w.length);
  conv3dBackpropFilter(rt, x, X_SHAPE, dy, [2, 5, 6, 7, COUT], [3, 3, 3, 12, COUT], front, dw);
  return [y, dx, dw];
}

describe('both builds of the conv kernels', () => {
  const runs: Partial<Record<KernelVariant, Float32Array[]>> = {};

  for (const variant of ['relaxed', 'portable'] as KernelVariant[]) {
    it(`${variant}: forward matches a float64 reference, and all three are deterministic across threads`, async () => {
      const one = (await createRuntime({ variant, threads: 1 }))!;
      const three = (await createRuntime({ variant, threads: 3 }))!;
      expect(one.variant).toBe(variant);
      const a = convAll(one);
      const b = convAll(three);
      const c = convAll(three);
      for (let i = 0; i < 3; i++) {
        expect(Array.from(b[i])).toEqual(Array.from(a[i]));
        expect(Array.from(c[i])).toEqual(Array.from(a[i]));
      }
      expect(maxRelative(a[0], referenceConv(x, X_SHAPE, w, COUT))).toBeLessThanOrEqual(1e-5);
      runs[variant] = a;
    });
  }

  it('agree with each other up to rounding (forward, input and filter gradients)', () => {
    const { relaxed, portable } = runs;
    expect(relaxed && portable).toBeTruthy();
    for (let i = 0; i < 3; i++) {
      const rel = maxRelative(relaxed![i], portable![i]);
      expect(rel, ['y', 'dx', 'dw'][i]).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('Winograd F(2,3) against the direct kernel', () => {
  // even output sizes, Cin % 4 = 0, Cout % 8 = 0 and enough work: winogradApplies
  const shape: Shape5 = [2, 8, 6, 10, 16];
  const cout = 24;
  const wx = randomArray(
    shape.reduce((a, b) => a * b, 1),
    4,
  );
  const ww = randomArray(27 * 16 * cout, 5);
  const bias = randomArray(cout, 6);

  const wdy = randomArray(2 * 8 * 6 * 10 * cout, 7);

  /** Forward (with bias) and filter gradient, Winograd on ('1') or off ('0'). */
  function forwardAndFilterGrad(rt: SimdRuntime, winograd: '0' | '1'): Float32Array[] {
    const saved = process.env.LSSL_CONV_WINOGRAD;
    process.env.LSSL_CONV_WINOGRAD = winograd;
    try {
      const y = new Float32Array(2 * 8 * 6 * 10 * cout);
      conv3dForward(rt, wx, shape, ww, [3, 3, 3, 16, cout], front, [8, 6, 10], y, bias);
      const dw = new Float32Array(ww.length);
      conv3dBackpropFilter(rt, wx, shape, wdy, [2, 8, 6, 10, cout], [3, 3, 3, 16, cout], front, dw);
      return [y, dw];
    } finally {
      if (saved === undefined) delete process.env.LSSL_CONV_WINOGRAD;
      else process.env.LSSL_CONV_WINOGRAD = saved;
    }
  }

  it('applies only to 3³ kernels with even outputs, Cin % 4 = 0, Cout % 8 = 0 and enough work', () => {
    expect(winogradApplies([3, 3, 3], [8, 6, 10], 16, 24, undefined)).toBe(true);
    expect(winogradApplies([3, 3, 3], [8, 6, 10], 16, 24, '0')).toBe(false);
    expect(winogradApplies([3, 3, 3], [8, 7, 10], 16, 24, undefined)).toBe(false);
    expect(winogradApplies([3, 3, 2], [8, 6, 10], 16, 24, undefined)).toBe(false);
    expect(winogradApplies([3, 3, 3], [8, 6, 10], 6, 24, undefined)).toBe(false);
    expect(winogradApplies([3, 3, 3], [8, 6, 10], 16, 12, undefined)).toBe(false);
    expect(winogradApplies([3, 3, 3], [2, 2, 2], 16, 16, undefined)).toBe(false);
  });

  for (const variant of ['relaxed', 'portable'] as KernelVariant[]) {
    it(`${variant}: forward and filter gradient equal the direct kernels up to rounding, bit-identical with 1 or 3 threads`, async () => {
      const one = (await createRuntime({ variant, threads: 1 }))!;
      const three = (await createRuntime({ variant, threads: 3 }))!;
      const direct = forwardAndFilterGrad(one, '0');
      const a = forwardAndFilterGrad(one, '1');
      const b = forwardAndFilterGrad(three, '1');
      for (let i = 0; i < 2; i++) {
        expect(Array.from(b[i])).toEqual(Array.from(a[i]));
        const rel = maxRelative(a[i], direct[i]);
        expect(rel, ['y', 'dw'][i]).toBeLessThanOrEqual(1e-5);
        expect(rel, ['y', 'dw'][i]).toBeGreaterThan(0); // it did take the other path
      }
    });
  }
});
