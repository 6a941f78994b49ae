import pngjs from 'pngjs';
import { describe, expect, test } from 'vitest';
import {
  displayScale,
  divergingColour,
  divergingPng,
  greyLevel,
  greyPng,
  middleSlice,
  pngDataUri,
  quantile,
} from '../../../src/eval/report/png.js';

const { PNG } = pngjs;

/** volume[i + nx(j + ny·k)] = 100i + 10j + k, so every voxel tells where it came from. */
function codedVolume(nx: number, ny: number, nz: number): Float32Array {
  const v = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) v[i + nx * (j + ny * k)] = 100 * i + 10 * j + k;
  return v;
}

describe('middleSlice', () => {
  const shape: [number, number, number] = [4, 3, 5];
  const volume = codedVolume(...shape);

  test('axial: z = ⌊nz/2⌋, columns x, anterior (largest y) at the top', () => {
    const s = middleSlice(volume, shape, 'axial');
    expect([s.width, s.height]).toEqual([4, 3]);
    expect(Array.from(s.data.slice(0, 4))).toEqual([22, 122, 222, 322]); // row 0: y = 2, k = 2
    expect(s.data[2 * 4 + 3]).toBe(302); // bottom row y = 0, x = 3
  });

  test('coronal: y = ⌊ny/2⌋, superior (largest z) at the top', () => {
    const s = middleSlice(volume, shape, 'coronal');
    expect([s.width, s.height]).toEqual([4, 5]);
    expect(s.data[0]).toBe(14); // x 0, y 1, z 4
    expect(s.data[4 * 4 + 2]).toBe(210); // bottom row z 0, x 2
  });

  test('sagittal: x = ⌊nx/2⌋, columns y posterior → anterior, superior at the top', () => {
    const s = middleSlice(volume, shape, 'sagittal');
    expect([s.width, s.height]).toEqual([3, 5]);
    expect(Array.from(s.data.slice(0, 3))).toEqual([204, 214, 224]);
  });

  test('refuses a volume that does not match its shape', () => {
    expect(() => middleSlice(new Float32Array(10), [2, 2, 2], 'axial')).toThrow('volume has 10 voxels, not 2×2×2 = 8');
  });
});

describe('colour maps', () => {
  test('grey window clips and scales linearly', () => {
    expect([
      greyLevel(-1, 0, 2),
      greyLevel(0, 0, 2),
      greyLevel(1, 0, 2),
      greyLevel(2, 0, 2),
      greyLevel(5, 0, 2),
    ]).toEqual([0, 0, 128, 255, 255]);
    expect(greyLevel(1, 1, 1)).toBe(0);
  });

  test('diverging map: white at 0, the cool and warm ends at ∓limit, clipped beyond', () => {
    expect(divergingColour(0, 2)).toEqual([255, 255, 255]);
    expect(divergingColour(-2, 2)).toEqual([59, 76, 192]);
    expect(divergingColour(9, 2)).toEqual([180, 4, 38]);
    expect(divergingColour(1, 2)).toEqual([
      Math.round(255 + 0.5 * (180 - 255)),
      Math.round(255 + 0.5 * (4 - 255)),
      Math.round(255 + 0.5 * (38 - 255)),
    ]);
    expect(divergingColour(3, 0)).toEqual([255, 255, 255]);
  });

  test('quantile interpolates as numpy does and ignores non-finite values', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4, NaN, 1, 3, 2], 0.25)).toBe(1.75);
  });
});

describe('PNG encoding', () => {
  test('grey PNG decodes (pngjs) to the window levels, each voxel a scale×scale block', () => {
    const slice = { width: 2, height: 1, data: Float32Array.from([0, 10]) };
    const decoded = PNG.sync.read(greyPng(slice, 0, 10, 3));
    expect([decoded.width, decoded.height]).toEqual([6, 3]);
    expect(Array.from(decoded.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    const lastPixel = (2 * 6 + 5) * 4;
    expect(Array.from(decoded.data.subarray(lastPixel, lastPixel + 4))).toEqual([255, 255, 255, 255]);
  });

  test('diverging PNG decodes to the map colours', () => {
    const decoded = PNG.sync.read(divergingPng({ width: 3, height: 1, data: Float32Array.from([-1, 0, 1]) }, 1));
    expect(Array.from(decoded.data)).toEqual([59, 76, 192, 255, 255, 255, 255, 255, 180, 4, 38, 255]);
  });

  test('data URI and display scale', () => {
    const png = greyPng({ width: 1, height: 1, data: Float32Array.from([0]) }, 0, 1);
    const uri = pngDataUri(png);
    expect(uri.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
    expect(Buffer.from(uri.split(',')[1], 'base64').equals(png)).toBe(true);
    expect(displayScale({ width: 32, height: 16 })).toBe(4);
    expect(displayScale({ width: 200, height: 16 })).toBe(1);
  });
});
