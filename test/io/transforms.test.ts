import { describe, expect, it } from 'vitest';
import {
  canonicalPreprocessOptions,
  foregroundMask,
  normalize,
  orientationCode,
  preprocess,
  resampleToShape,
  toCanonical,
} from '../../src/io/transforms.js';
import { LsslError } from '../../src/errors.js';
import type { Affine, Volume } from '../../src/io/volume.js';
import { decodeVolume, encodeVolume, expectClose, runPython } from './python-reference.js';

type Triple = [number, number, number];

const LAS: Affine = [
  [-1.5, 0, 0, 30],
  [0, 1, 0, -24],
  [0, 0, 1.2, -20],
  [0, 0, 0, 1],
];

/** A bright ellipsoid "head" (value 100 + gradient) on a dark background, off-centre. */
function phantom(shape: Triple, affine: Affine, spacing: Triple): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  const centre = [shape[0] * 0.4, shape[1] * 0.55, shape[2] * 0.5];
  let n = 0;
  for (let k = 0; k < shape[2]; k++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let i = 0; i < shape[0]; i++, n++) {
        const r =
          ((i - centre[0]) / (shape[0] * 0.3)) ** 2 +
          ((j - centre[1]) / (shape[1] * 0.3)) ** 2 +
          ((k - centre[2]) / (shape[2] * 0.35)) ** 2;
        data[n] = r < 1 ? 100 + i + 0.5 * j - 0.25 * k : 2 + ((n * 31) % 5);
      }
    }
  }
  return { data, shape, spacing, affine };
}

function worldCentroid(volume: Volume, mask: Uint8Array): number[] {
  const sum = [0, 0, 0];
  let count = 0;
  const [nx, ny] = volume.shape;
  mask.forEach((m, n) => {
    if (!m) return;
    const p = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    for (let r = 0; r < 3; r++)
      sum[r] +=
        volume.affine[r][0] * p[0] + volume.affine[r][1] * p[1] + volume.affine[r][2] * p[2] + volume.affine[r][3];
    count++;
  });
  return sum.map((s) => s / count);
}

describe('canonicalPreprocessOptions', () => {
  it('fills defaults and expands one number into a cube', () => {
    expect(canonicalPreprocessOptions()).toEqual({
      shape: [64, 64, 64],
      spacing: null,
      normalize: 'zscore',
      mask: 'none',
      percentiles: [0.5, 99.5],
    });
    expect(canonicalPreprocessOptions({ shape: 32, spacing: 2 })).toMatchObject({
      shape: [32, 32, 32],
      spacing: [2, 2, 2],
    });
  });

  it('gives the same settings (and JSON key) however they were spelled', () => {
    const a = canonicalPreprocessOptions({ shape: 64, mask: 'none' });
    const b = canonicalPreprocessOptions({ normalize: 'zscore', shape: [64, 64, 64] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(canonicalPreprocessOptions(a)).toEqual(a);
  });

  it('rejects bad values with errors that echo them', () => {
    expect(() => canonicalPreprocessOptions({ shape: [64, 0, 64] })).toThrow(
      'shape must be positive integers, not [64, 0, 64]',
    );
    expect(() => canonicalPreprocessOptions({ shape: 2.5 })).toThrow('not 2.5');
    expect(() => canonicalPreprocessOptions({ spacing: [1, 1] })).toThrow(
      'spacing must be positive numbers of mm, not [1, 1]',
    );
    expect(() => canonicalPreprocessOptions({ normalize: 'minmax' as never })).toThrow(
      'normalize must be one of zscore, percentile, none, not "minmax"',
    );
    expect(() => canonicalPreprocessOptions({ mask: 'brain' as never })).toThrow(LsslError);
    expect(() => canonicalPreprocessOptions({ percentiles: [2, 1] })).toThrow('not [2, 1]');
  });
});

describe('preprocess', () => {
  const input = phantom([40, 48, 36], LAS, [1.5, 1, 1.2]);

  it('without spacing: RAS+, whole field of view to the shape, z-score inside the Otsu mask', () => {
    const out = preprocess(input, { shape: 16, mask: 'otsu' });
    expect(out.shape).toEqual([16, 16, 16]);
    expect(orientationCode(out.affine)).toBe('RAS');
    const manual = resampleToShape(toCanonical(input), [16, 16, 16]);
    const mask = foregroundMask(manual, { method: 'otsu' });
    expectClose(out.data, normalize(manual, { method: 'zscore', mask }).data, 0);
    const inside = Array.from(out.data).filter((_, n) => mask[n]);
    const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
    const sd = Math.sqrt(inside.reduce((a, b) => a + (b - mean) ** 2, 0) / inside.length);
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(Math.abs(sd - 1)).toBeLessThan(1e-5);
    expect(out.affine).toEqual(manual.affine);
  });

  it('matches nibabel as_closest_canonical + scipy zoom(order=1, grid_mode=True) + z-score', () => {
    const out = preprocess(input, { shape: [16, 20, 12], mask: 'none' });
    const expected = runPython(
      `
import nibabel as nib
from scipy.ndimage import zoom
img = nib.as_closest_canonical(nib.Nifti1Image(vol(inp['data'], inp['shape']), np.array(inp['affine'])))
a = img.get_fdata()
z = zoom(a, [o / i for o, i in zip(inp['out'], a.shape)], order=1, grid_mode=True, mode='nearest')
out = enc((z - z.mean()) / z.std())
`,
      { data: encodeVolume(input.data), shape: input.shape, affine: input.affine, out: [16, 20, 12] },
    );
    expectClose(out.data, decodeVolume(expected), 2e-5);
  });

  it('with spacing: resamples to it, then crops/pads to the shape around the head, keeping its world position', () => {
    const out = preprocess(input, { shape: [24, 24, 24], spacing: 2, normalize: 'none', mask: 'otsu' });
    expect(out.shape).toEqual([24, 24, 24]);
    expect(out.spacing).toEqual([2, 2, 2]);
    expect(orientationCode(out.affine)).toBe('RAS');
    const before = worldCentroid(input, foregroundMask(input));
    const after = worldCentroid(out, foregroundMask(out));
    before.forEach((x, r) => expect(Math.abs(x - after[r])).toBeLessThan(1.5));
  });

  it('percentile rescale lands in [0, 1]', () => {
    const out = preprocess(input, { shape: 12, normalize: 'percentile' });
    expect(Math.min(...out.data)).toBe(0);
    expect(Math.max(...out.data)).toBe(1);
  });
});
