import { describe, expect, it } from 'vitest';
import { boundingBox, cropOrPad, cropOrPadStart } from '../../src/io/crop.js';
import type { Affine, Volume } from '../../src/io/volume.js';

type Triple = [number, number, number];

const affine: Affine = [
  [0, 0, 1.5, 10],
  [-1, 0, 0, 20],
  [0, 2, 0, -5],
  [0, 0, 0, 1],
];

function indexVolume(shape: Triple): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]).map((_, n) => n + 1);
  return { data, shape, spacing: [1, 2, 1.5], affine };
}

function world(a: Affine, p: number[]): number[] {
  return [0, 1, 2].map((r) => a[r][0] * p[0] + a[r][1] * p[1] + a[r][2] * p[2] + a[r][3]);
}

/** Input voxel (i, j, k) of a volume holding value n + 1 at linear index n. */
function voxelOf(value: number, shape: Triple): Triple {
  const n = value - 1;
  return [n % shape[0], Math.floor(n / shape[0]) % shape[1], Math.floor(n / (shape[0] * shape[1]))];
}

describe('cropOrPad', () => {
  it('keeps every copied voxel at its world position (crop on one axis, pad on another)', () => {
    const input = indexVolume([10, 4, 7]);
    const out = cropOrPad(input, [6, 9, 7]);
    let copied = 0;
    for (let k = 0; k < 7; k++) {
      for (let j = 0; j < 9; j++) {
        for (let i = 0; i < 6; i++) {
          const value = out.data[i + 6 * (j + 9 * k)];
          if (value === 0) continue; // padding
          copied++;
          const source = voxelOf(value, input.shape);
          expect(world(out.affine, [i, j, k])).toEqual(world(input.affine, source));
        }
      }
    }
    expect(copied).toBe(6 * 4 * 7); // crop keeps 6 of 10 in x, pad keeps all 4 in y
  });

  it('centres the window on the volume without a mask: (10 → 6) starts at 2; (4 → 9) pads 3 before (half-voxel rounded down)', () => {
    expect(cropOrPadStart([10, 4, 7], [6, 9, 7], null)).toEqual([2, -3, 0]);
  });

  it('centres on the foreground bounding box, sliding so that a crop never pads', () => {
    const shape: Triple = [20, 20, 20];
    const mask = new Uint8Array(8000);
    // foreground box x 3..6, y 10..15, z 0..19
    for (let k = 0; k < 20; k++)
      for (let j = 10; j <= 15; j++) for (let i = 3; i <= 6; i++) mask[i + 20 * (j + 20 * k)] = 1;
    expect(boundingBox(mask, shape)).toEqual({ lo: [3, 10, 0], hi: [6, 15, 19] });
    // x: centre 4.5 → start floor(4.5 − 3.5) = 1; y: centre 12.5 → 9; z: window = volume.
    expect(cropOrPadStart(shape, [8, 8, 20], boundingBox(mask, shape))).toEqual([1, 9, 0]);
    // A box near the edge: window slides back inside instead of padding.
    expect(cropOrPadStart(shape, [16, 16, 20], boundingBox(mask, shape))).toEqual([0, 4, 0]);
    const out = cropOrPad({ data: new Float32Array(8000).fill(1), shape, spacing: [1, 1, 1], affine }, [8, 8, 20], {
      mask,
    });
    expect(out.data.every((v) => v === 1)).toBe(true); // no padding needed, none added
  });

  it('pads with the requested value and returns its input when the shape matches', () => {
    const input = indexVolume([2, 2, 2]);
    expect(cropOrPad(input, [2, 2, 2])).toBe(input);
    const out = cropOrPad(input, [4, 2, 2], { padValue: -1 });
    expect(Array.from(out.data.subarray(0, 4))).toEqual([-1, 1, 2, -1]);
  });

  it('rejects a bad shape or mask size, echoing it', () => {
    const input = indexVolume([2, 2, 2]);
    expect(() => cropOrPad(input, [2, 0, 2])).toThrow('shape must be 3 positive integers, not [2, 0, 2]');
    expect(() => cropOrPad(input, [3, 3, 3], { mask: new Uint8Array(5) })).toThrow('not 5');
  });
});
