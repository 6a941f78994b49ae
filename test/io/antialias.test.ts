/**
 * The anti-aliasing blur of registered scans against scipy.ndimage.gaussian_filter (mode
 * 'reflect', truncate 4), and the widths it picks.
 */
import { describe, expect, it } from 'vitest';
import { antialias, antialiasSigmas } from '../../src/io/registration/antialias.js';
import { createRng } from '../../src/rng.js';
import type { Volume } from '../../src/io/volume.js';
import { decodeVolume, encodeVolume, expectClose, runPython } from './python-reference.js';

describe('antialias', () => {
  it('is scipy gaussian_filter with the same σ per axis', () => {
    const rng = createRng(3);
    const shape: [number, number, number] = [9, 7, 6];
    const volume: Volume = {
      data: Float32Array.from({ length: 9 * 7 * 6 }, () => rng.normal()),
      shape,
      spacing: [1, 1.5, 2],
      affine: [
        [1, 0, 0, 0],
        [0, 1.5, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 1],
      ],
    };
    const sigmas: [number, number, number] = [1.2, 0.6, 0];
    const ours = antialias(volume, sigmas);
    const reference = runPython(
      `from scipy.ndimage import gaussian_filter
out = enc(gaussian_filter(vol(inp['data'], inp['shape']), sigma=inp['sigmas'], mode='reflect', truncate=4.0))`,
      { data: encodeVolume(volume.data), shape, sigmas },
    );
    expectClose(ours.data, decodeVolume(reference), 1e-5);
    expect(ours.affine).toEqual(volume.affine);
  });

  it('blurs up to the output voxel (FWHM), and not an axis already as coarse', () => {
    const [x, y, z] = antialiasSigmas([1.25, 1, 3], [2.5, 2.5, 2.5]);
    expect(x).toBeCloseTo(Math.sqrt(2.5 ** 2 - 1.25 ** 2) / 2.3548200450309493 / 1.25, 12);
    expect(y).toBeCloseTo(Math.sqrt(2.5 ** 2 - 1) / 2.3548200450309493, 12);
    expect(z).toBe(0);
  });
});
