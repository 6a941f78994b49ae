import { describe, expect, it } from 'vitest';
import { foregroundMask, otsuThreshold } from '../../src/io/mask.js';
import type { Volume } from '../../src/io/volume.js';

function volumeOf(values: number[]): Volume {
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

/** Otsu by brute force from the definition: the split of sorted values maximising between-class variance. */
function bestSplitByDefinition(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let best = -1;
  let split = 0;
  for (let t = 1; t < sorted.length; t++) {
    if (sorted[t] === sorted[t - 1]) continue;
    const lo = sorted.slice(0, t);
    const hi = sorted.slice(t);
    const m0 = lo.reduce((a, b) => a + b, 0) / lo.length;
    const m1 = hi.reduce((a, b) => a + b, 0) / hi.length;
    const between = lo.length * hi.length * (m0 - m1) ** 2;
    if (between > best) {
      best = between;
      split = t;
    }
  }
  return (sorted[split - 1] + sorted[split]) / 2;
}

describe('foregroundMask', () => {
  // Bimodal: background around 10 (600 voxels), head around 200 (400 voxels), deterministic spread.
  const values: number[] = [];
  for (let n = 0; n < 600; n++) values.push(10 + ((n * 37) % 21) - 10);
  for (let n = 0; n < 400; n++) values.push(200 + ((n * 53) % 61) - 30);

  it('Otsu separates the two modes of a bimodal volume exactly', () => {
    const mask = foregroundMask(volumeOf(values), { method: 'otsu' });
    expect(mask.slice(0, 600).every((m) => m === 0)).toBe(true);
    expect(mask.slice(600).every((m) => m === 1)).toBe(true);
  });

  it('Otsu threshold lies between the modes as the brute-force definition says', () => {
    const t = otsuThreshold(Float32Array.from(values));
    expect(t).toBeGreaterThan(20);
    expect(t).toBeLessThan(170);
    const definition = bestSplitByDefinition(values);
    // both put the split in the gap between 20 and 170
    expect(values.filter((v) => v > t).length).toBe(values.filter((v) => v > definition).length);
  });

  it('Otsu splits an uneven three-level volume where the definition does', () => {
    const levels = [...Array(500).fill(0), ...Array(300).fill(100), ...Array(200).fill(130)];
    const t = otsuThreshold(Float32Array.from(levels));
    const definition = bestSplitByDefinition(levels);
    expect(levels.filter((v) => v > t).length).toBe(levels.filter((v) => v > definition).length);
  });

  it("'mean' keeps voxels strictly above the mean", () => {
    const mask = foregroundMask(volumeOf([0, 1, 2, 3, 10]), { method: 'mean' }); // mean 3.2
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 1]);
  });

  it('a constant volume has no foreground, and a bad method is rejected with its value', () => {
    expect(foregroundMask(volumeOf([5, 5, 5])).every((m) => m === 0)).toBe(true);
    expect(() => foregroundMask(volumeOf([1]), { method: 'max' as never })).toThrow("not 'max'");
  });
});
