import { describe, expect, it } from 'vitest';
import {
  effectiveRank,
  namedAugmentation,
  normalizedStdOfRows,
  parseVariant,
  TORCHIO_STRENGTH_AUGMENTATION,
} from '../../src/validate/contrastive-phantom.js';

describe('contrastive phantom bench helpers', () => {
  it("normalizedStdOfRows: lightly's monitor by hand", () => {
    // unit rows e1, e2: each dimension takes {1, 0}, population std 0.5
    expect(
      normalizedStdOfRows([
        [3, 0],
        [0, 2],
      ]),
    ).toBeCloseTo(0.5, 12);
    // parallel rows: collapsed, 0
    expect(
      normalizedStdOfRows([
        [1, 1],
        [2, 2],
        [5, 5],
      ]),
    ).toBeCloseTo(0, 12);
  });

  it('effectiveRank: 1 for centred rows along one line, k for k orthogonal equal spreads', () => {
    const line = [0, 1, 2, 3, 4].map((t) => [10 + t, 10 + 2 * t, 10 - t]);
    expect(effectiveRank(line)).toBeCloseTo(1, 6);
    // ±e1, ±e2, ±e3 (mean 0): three singular values of √2 each → exp(log 3) = 3
    const cross = [
      [1, 0, 0],
      [-1, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
      [0, 0, 1],
      [0, 0, -1],
    ];
    expect(effectiveRank(cross)).toBeCloseTo(3, 6);
    // singular values 2 and 1 (p = ⅔, ⅓): exp(−⅔ log ⅔ − ⅓ log ⅓)
    const uneven = [
      [2, 0],
      [-2, 0],
      [0, 1],
      [0, -1],
    ];
    expect(effectiveRank(uneven)).toBeCloseTo(Math.exp(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3)), 6);
  });

  it('parses METHOD[:visits][+option=value]', () => {
    expect(parseVariant('simclr')).toEqual({ method: 'simclr', positives: undefined, options: {}, train: {} });
    expect(parseVariant('byol:visits+momentumBase=0.99+projectorOutputNorm=true+train.weightDecay=0.04')).toEqual({
      method: 'byol',
      positives: 'visits',
      options: { momentumBase: 0.99, projectorOutputNorm: true },
      train: { weightDecay: 0.04 },
    });
    expect(parseVariant('byol+network.norm=batch+network.latentSize=64').options).toEqual({
      network: { norm: 'batch', latentSize: 64 },
    });
    expect(parseVariant('simsiam+augment=torchio')).toMatchObject({
      method: 'simsiam',
      augmentation: 'torchio',
      options: {},
    });
    expect(namedAugmentation('torchio')).toBe(TORCHIO_STRENGTH_AUGMENTATION);
    expect(() => namedAugmentation('strong')).toThrow(/not "strong"/);
    expect(() => parseVariant('mae')).toThrow(/not "mae"/);
    expect(() => parseVariant('byol:scans')).toThrow(/METHOD\[:visits\]/);
  });
});
