import { describe, expect, it } from 'vitest';
import { resampleTrilinear, type VoxelMap } from '../../../src/train/augment/trilinear.js';
import { createRng } from '../../../src/rng.js';
import { pythonJson } from '../../eval/python-reference.js';

describe('resampleTrilinear', () => {
  it('matches scipy.ndimage.map_coordinates (order 1, grid-constant padding)', () => {
    const shape: [number, number, number] = [7, 6, 5];
    const rng = createRng(10);
    const data = Float32Array.from({ length: 7 * 6 * 5 }, () => rng.normal());
    // a rotation-like map with a shift that sends part of the grid outside the input
    const map: VoxelMap = [
      [0.9, -0.3, 0.1, 1.2],
      [0.35, 0.95, 0, -0.7],
      [0.05, 0, 1.1, 0.4],
    ];
    const script = `
import json, sys, numpy as np
from scipy.ndimage import map_coordinates
inp = json.load(sys.stdin)
nx, ny, nz = inp['shape']
vol = np.array(inp['data'], dtype=np.float64).reshape(nz, ny, nx).transpose(2, 1, 0)  # [x, y, z]
m = np.array(inp['map'])
i, j, k = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing='ij')
o = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
x = m @ o
out = map_coordinates(vol, x, order=1, mode='grid-constant', cval=inp['pad']).reshape(nx, ny, nz)
print(json.dumps(out.transpose(2, 1, 0).ravel().tolist()))
`;
    const expected = pythonJson<number[]>(script, { shape, data: Array.from(data), map, pad: -2 });
    const actual = resampleTrilinear(data, shape, map, -2);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    expect(worst).toBeLessThan(1e-5);
    expect(actual.some((v) => v === -2)).toBe(true);
  });
});
