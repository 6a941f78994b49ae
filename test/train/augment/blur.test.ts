import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianKernel } from '../../../src/train/augment/blur.js';
import { createRng } from '../../../src/rng.js';
import { pythonJson } from '../../eval/python-reference.js';

describe('gaussianBlur', () => {
  it('uses scipy’s kernel: radius ⌊4σ + 0.5⌋, normalised', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(9);
    expect(k.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(k[4] / k[5]).toBeCloseTo(Math.exp(0.5), 12);
  });

  it('matches scipy.ndimage.gaussian_filter (mode reflect) per axis', () => {
    const shape: [number, number, number] = [9, 7, 5];
    const rng = createRng(6);
    const data = Float32Array.from({ length: 9 * 7 * 5 }, () => rng.normal());
    const sigmas: [number, number, number] = [1.3, 0.6, 2.5];
    const script = `
import json, sys, numpy as np
from scipy.ndimage import gaussian_filter
inp = json.load(sys.stdin)
nx, ny, nz = inp['shape']
vol = np.array(inp['data'], dtype=np.float64).reshape(nz, ny, nx)  # x fastest
sx, sy, sz = inp['sigmas']
print(json.dumps(gaussian_filter(vol, sigma=(sz, sy, sx), mode='reflect', truncate=4.0).ravel().tolist()))
`;
    const expected = pythonJson<number[]>(script, { shape, data: Array.from(data), sigmas });
    const actual = gaussianBlur(data, shape, sigmas);
    expect(actual.length).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('leaves the volume unchanged for σ = 0 and keeps a constant volume constant', () => {
    const shape: [number, number, number] = [4, 3, 2];
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(gaussianBlur(data, shape, [0, 0, 0])).toEqual(data);
    const flat = gaussianBlur(new Float32Array(24).fill(3), shape, [2, 2, 2]);
    for (const v of flat) expect(v).toBeCloseTo(3, 5);
  });
});
