import { describe, expect, it } from 'vitest';
import { resampleCanonical, resampleToShape, resampleToSpacing } from '../../src/io/resample.js';
import { toCanonical } from '../../src/io/orientation.js';
import { LsslError } from '../../src/errors.js';
import type { Affine, Volume } from '../../src/io/volume.js';
import { decodeVolume, encodeVolume, expectClose, runPython } from './python-reference.js';

type Triple = [number, number, number];

function makeVolume(
  shape: Triple,
  value: (i: number, j: number, k: number) => number,
  spacing: Triple = [1, 1, 1],
  affine?: Affine,
): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  let n = 0;
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++) for (let i = 0; i < shape[0]; i++) data[n++] = value(i, j, k);
  return {
    data,
    shape,
    spacing,
    affine: affine ?? [
      [-spacing[0], 0, 0, 40],
      [0, spacing[1], 0, -30],
      [0, 0, spacing[2], -20],
      [0, 0, 0, 1],
    ],
  };
}

/** Deterministic pseudo-random values (a fixed LCG; tests only). */
function noise(seed: number): (i: number, j: number, k: number) => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

function world(affine: Affine, p: number[]): number[] {
  return [0, 1, 2].map((r) => affine[r][0] * p[0] + affine[r][1] * p[1] + affine[r][2] * p[2] + affine[r][3]);
}

const ramp = (i: number, j: number, k: number) => 2 * i + 3 * j - k + 5;

describe('resampleToShape', () => {
  it('reproduces a linear ramp exactly when halving (dyadic sample positions)', () => {
    const out = resampleToShape(makeVolume([16, 12, 8], ramp), [8, 6, 4]);
    // New voxel o sits at old index 2o + 0.5 on every axis.
    const expected = makeVolume([8, 6, 4], (i, j, k) => ramp(2 * i + 0.5, 2 * j + 0.5, 2 * k + 0.5));
    expectClose(out.data, expected.data, 0);
  });

  it('reproduces a linear ramp at any downsampling ratio (float32 rounding only)', () => {
    const shape: Triple = [17, 13, 11];
    const out = resampleToShape(makeVolume(shape, ramp), [5, 7, 4]);
    const r = shape.map((n, a) => n / [5, 7, 4][a]);
    const expected = makeVolume([5, 7, 4], (i, j, k) =>
      ramp((i + 0.5) * r[0] - 0.5, (j + 0.5) * r[1] - 0.5, (k + 0.5) * r[2] - 0.5),
    );
    expectClose(out.data, expected.data, 1e-4);
  });

  it('reproduces a ramp inside the outermost centres when upsampling, and replicates the edge beyond', () => {
    const out = resampleToShape(
      makeVolume([4, 4, 4], (i) => 10 * i),
      [8, 4, 4],
    );
    // x(o) = (o + 0.5)/2 − 0.5: −0.25 (clamped to 0), 0.25, 0.75, ..., 3.25 (clamped to 3).
    expect(Array.from(out.data.subarray(0, 8))).toEqual([0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30]);
  });

  it('keeps a constant volume constant', () => {
    const out = resampleToShape(
      makeVolume([9, 7, 5], () => 3.25),
      [13, 4, 6],
    );
    expect(out.data.every((v) => v === 3.25)).toBe(true);
  });

  it('keeps the field of view: outer voxel edges map to the same world points, spacing scales', () => {
    const input = makeVolume([20, 16, 12], ramp, [1, 1.5, 2]);
    const out = resampleToShape(input, [8, 8, 8]);
    expectClose(world(out.affine, [-0.5, -0.5, -0.5]), world(input.affine, [-0.5, -0.5, -0.5]), 1e-12);
    expectClose(world(out.affine, [7.5, 7.5, 7.5]), world(input.affine, [19.5, 15.5, 11.5]), 1e-12);
    expectClose(out.spacing, [2.5, 3, 3], 1e-12);
    // A voxel centre holds the value of the old image at its world position.
    expectClose(
      world(out.affine, [3, 2, 1]),
      world(input.affine, [3.5 * 2.5 - 0.5, 2.5 * 2 - 0.5, 1.5 * 1.5 - 0.5]),
      1e-12,
    );
  });

  it('matches scipy.ndimage.zoom(order=1, grid_mode=True, mode="nearest") up and down', () => {
    const input = makeVolume([12, 10, 9], noise(7));
    const shapes: Triple[] = [
      [7, 13, 5],
      [24, 5, 9],
      [3, 3, 3],
    ];
    const expected = runPython(
      `
from scipy.ndimage import zoom
a = vol(inp['data'], inp['shape'])
out = [enc(zoom(a, [o / i for o, i in zip(s, inp['shape'])], order=1, grid_mode=True, mode='nearest')) for s in inp['shapes']]
`,
      { data: encodeVolume(input.data), shape: input.shape, shapes },
    );
    shapes.forEach((shape, n) => expectClose(resampleToShape(input, shape).data, decodeVolume(expected[n]), 2e-6));
  });

  it('nearest keeps labels and matches scipy zoom(order=0, grid_mode=True) where no sample is a tie', () => {
    const input = makeVolume([13, 11, 9], (i, j, k) => (i * 7 + j * 3 + k) % 5);
    const expected = runPython(
      `
from scipy.ndimage import zoom
a = vol(inp['data'], inp['shape'])
out = enc(zoom(a, [7 / 13, 5 / 11, 4 / 9], order=0, grid_mode=True, mode='nearest'))
`,
      { data: encodeVolume(input.data), shape: input.shape },
    );
    const out = resampleToShape(input, [7, 5, 4], { interpolation: 'nearest' });
    expectClose(out.data, decodeVolume(expected), 0);
  });

  it('returns its input when the shape already matches, and rejects bad shapes echoing them', () => {
    const input = makeVolume([4, 4, 4], ramp);
    expect(resampleToShape(input, [4, 4, 4])).toBe(input);
    expect(() => resampleToShape(input, [4, 0, 4])).toThrow(LsslError);
    expect(() => resampleToShape(input, [4, 0, 4])).toThrow('shape must be 3 positive integers, not [4, 0, 4]');
  });
});

describe('resampleToSpacing', () => {
  it('sets the spacing, rounds the voxel count, and keeps the grid edge', () => {
    const input = makeVolume([20, 15, 11], ramp, [1, 1.5, 2]);
    const out = resampleToSpacing(input, [2, 2, 3]);
    expect(out.shape).toEqual([10, 11, 7]); // round(20/2, 22.5/2, 22/3)
    expect(out.spacing).toEqual([2, 2, 3]);
    expectClose(world(out.affine, [-0.5, -0.5, -0.5]), world(input.affine, [-0.5, -0.5, -0.5]), 1e-12);
  });

  it('each new voxel holds the old image interpolated at its world position (scipy map_coordinates)', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const oblique: Affine = [
      [c * 1, -s * 1.5, 0, 5],
      [s * 1, c * 1.5, 0, -7],
      [0, 0, 2, 3],
      [0, 0, 0, 1],
    ];
    const input = makeVolume([14, 10, 8], noise(11), [1, 1.5, 2], oblique);
    const out = resampleToSpacing(input, [1.7, 2, 1.1]);
    const expected = runPython(
      `
from scipy.ndimage import map_coordinates
a = vol(inp['data'], inp['shape'])
old, new = np.array(inp['old']), np.array(inp['new'])
grid = np.stack(np.meshgrid(*[np.arange(n) for n in inp['out_shape']], indexing='ij'), 0).reshape(3, -1, order='F')
coords = (np.linalg.inv(old) @ new @ np.vstack([grid, np.ones(grid.shape[1])]))[:3]
out = enc(map_coordinates(a, coords, order=1, mode='nearest'))
`,
      { data: encodeVolume(input.data), shape: input.shape, old: input.affine, new: out.affine, out_shape: out.shape },
    );
    expectClose(out.data, decodeVolume(expected), 2e-6);
  });

  it('accepts one number for isotropic spacing and rejects bad spacing echoing it', () => {
    const input = makeVolume([8, 8, 8], ramp, [1, 1, 1]);
    expect(resampleToSpacing(input, 2).shape).toEqual([4, 4, 4]);
    expect(resampleToSpacing(input, 1)).toBe(input);
    expect(() => resampleToSpacing(input, [1, -2, 1])).toThrow(
      'spacing must be positive numbers of mm, not [1, -2, 1]',
    );
  });
});

describe('resampleCanonical', () => {
  const c = Math.cos(0.4);
  const s = Math.sin(0.4);
  const affines: Record<string, Affine> = {
    LAS: [
      [-1.2, 0, 0, 30],
      [0, 1, 0, -20],
      [0, 0, 1.5, -10],
      [0, 0, 0, 1],
    ],
    PSR: [
      [0, 0, 1.1, 5],
      [-0.9, 0, 0, 6],
      [0, 1.3, 0, 7],
      [0, 0, 0, 1],
    ],
    obliqueILP: [
      [0, 0, -c, 1],
      [0, -1.4, s, 2],
      [-2 * c, 0, -s, 3],
      [0, 0, 0, 1],
    ],
    RAS: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
  };
  for (const [name, affine] of Object.entries(affines)) {
    it(`${name}: same voxels, affine and spacing as resampling toCanonical's copy`, () => {
      const spacing = [0, 1, 2].map((col) => Math.hypot(affine[0][col], affine[1][col], affine[2][col])) as Triple;
      const input = makeVolume([13, 10, 7], noise(3), spacing, affine);
      const canonical = toCanonical(input);
      for (const interpolation of ['linear', 'nearest'] as const) {
        const byShape = resampleCanonical(input, { shape: [6, 9, 5] }, { interpolation });
        const twoStep = resampleToShape(canonical, [6, 9, 5], { interpolation });
        expect(byShape.shape).toEqual(twoStep.shape);
        expectClose(byShape.data, twoStep.data, 0);
        expect(byShape.affine).toEqual(twoStep.affine);
        expect(byShape.spacing).toEqual(twoStep.spacing);
        const bySpacing = resampleCanonical(input, { spacing: 1.7 }, { interpolation });
        const twoStepSpacing = resampleToSpacing(canonical, 1.7, { interpolation });
        expect(bySpacing.shape).toEqual(twoStepSpacing.shape);
        expectClose(bySpacing.data, twoStepSpacing.data, 0);
        expect(bySpacing.affine).toEqual(twoStepSpacing.affine);
      }
    });
  }

  it('at the canonical shape it is an exact reorientation', () => {
    const input = makeVolume([5, 4, 3], noise(5), [1.2, 1, 1.5], affines.LAS);
    const canonical = toCanonical(input);
    const same = resampleCanonical(input, { shape: canonical.shape });
    expectClose(same.data, canonical.data, 0);
    expect(same.affine).toEqual(canonical.affine);
  });
});
