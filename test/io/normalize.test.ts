import { describe, expect, it } from 'vitest';
import { normalize, percentileOfSorted } from '../../src/io/normalize.js';
import type { Volume } from '../../src/io/volume.js';
import { encodeVolume, runPython } from './python-reference.js';

function volumeOf(values: ArrayLike<number>): Volume {
  return {
    data: Float32Array.from(values),
    shape: [values.length, 1, 1],
    spacing: [1, 1, 1],
    affine: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
  };
}

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

describe('normalize', () => {
  const raw = Array.from({ length: 1000 }, (_, n) => (n < 300 ? 0 : 50 + ((n * 7919) % 101)));
  const mask = Uint8Array.from(raw, (v) => (v > 0 ? 1 : 0));

  it('z-score has mean 0 and sd 1 inside the mask, and applies the same map outside', () => {
    const out = normalize(volumeOf(raw), { method: 'zscore', mask });
    const inside = Array.from(out.data).filter((_, n) => mask[n] === 1);
    const { mean, sd } = stats(inside);
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(Math.abs(sd - 1)).toBeLessThan(1e-6);
    const rawStats = stats(raw.filter((_, n) => mask[n] === 1));
    expect(out.data[0]).toBeCloseTo((0 - rawStats.mean) / rawStats.sd, 5);
  });

  it('z-score without a mask uses every voxel; a constant volume is only centred', () => {
    const out = normalize(volumeOf([1, 2, 3, 4]));
    expect(Array.from(out.data).map((v) => +v.toFixed(6))).toEqual([-1.341641, -0.447214, 0.447214, 1.341641]);
    expect(Array.from(normalize(volumeOf([7, 7])).data)).toEqual([0, 0]);
  });

  it('percentile rescale matches numpy.percentile over the mask and clips to [0, 1]', () => {
    const values = raw.filter((_, n) => mask[n] === 1);
    const [lo, hi] = runPython(
      "out = np.percentile(vol(inp['v'], (len(inp['m']),))[np.array(inp['m']) == 1], [0.5, 99.5]).tolist()",
      {
        v: encodeVolume(raw),
        m: Array.from(mask),
      },
    );
    const sorted = Float32Array.from(values).sort();
    expect(percentileOfSorted(sorted, 0.5)).toBeCloseTo(lo, 4);
    expect(percentileOfSorted(sorted, 99.5)).toBeCloseTo(hi, 4);
    const out = normalize(volumeOf(raw), { method: 'percentile', mask });
    raw.forEach((v, n) => expect(out.data[n]).toBeCloseTo(Math.min(1, Math.max(0, (v - lo) / (hi - lo))), 5));
  });

  it('rejects bad percentiles and methods, echoing them', () => {
    expect(() => normalize(volumeOf([1, 2]), { method: 'percentile', percentiles: [99, 1] })).toThrow('not [99, 1]');
    expect(() => normalize(volumeOf([1, 2]), { method: 'minmax' as never })).toThrow("not 'minmax'");
  });
});
