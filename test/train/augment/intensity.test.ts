import { describe, expect, it } from 'vitest';
import {
  applyIntensity,
  drawIntensity,
  identityIntensityParams,
  parseIntensityOptions,
} from '../../../src/train/augment/intensity.js';
import { createRng } from '../../../src/rng.js';

const shape = [8, 8, 8];
const rng = createRng(4);
const data = Float32Array.from({ length: 512 }, () => rng.normal());
const all = { biasField: {}, gamma: {}, blur: {}, noise: {} };

describe('intensity augmentation', () => {
  it('returns a copy for identity parameters', () => {
    const out = applyIntensity(data, shape, identityIntensityParams());
    expect(out).toEqual(data);
    expect(out).not.toBe(data);
  });

  it('is deterministic for a seed, keeps the shape, and replays from JSON parameters', () => {
    const a = drawIntensity(createRng(12), all);
    const b = drawIntensity(createRng(12), all);
    expect(a).toEqual(b);
    expect(a.biasField?.coefficients.length).toBe(20);
    const out = applyIntensity(data, shape, a);
    expect(out.length).toBe(data.length);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(applyIntensity(data, shape, JSON.parse(JSON.stringify(a)))).toEqual(out);
    expect(drawIntensity(createRng(13), all)).not.toEqual(a);
  });

  it('applies gamma on the image’s own [min, max] (values by hand)', () => {
    const params = { ...identityIntensityParams(), gamma: 2 };
    expect(Array.from(applyIntensity(new Float32Array([0, 0.25, 1, 1]), [4, 1, 1], params))).toEqual([0, 0.0625, 1, 1]);
    expect(Array.from(applyIntensity(new Float32Array([-1, 0, 1, 1]), [4, 1, 1], params))).toEqual([-1, -0.5, 1, 1]);
  });

  it('adds noise with the drawn mean and std', () => {
    const zeros = new Float32Array(32 ** 3);
    const out = applyIntensity(zeros, [32, 32, 32], {
      ...identityIntensityParams(),
      noise: { mean: 0.5, std: 0.2, seed: 3 },
    });
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    const std = Math.sqrt(out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(std).toBeCloseTo(0.2, 2);
  });

  it('parses TorchIO-style defaults and rejects bad ranges', () => {
    const config = parseIntensityOptions(all);
    expect(config.noise?.std).toEqual([0, 0.25]);
    expect(config.gamma?.logGamma).toEqual([-0.3, 0.3]);
    expect(config.blur?.std[0]).toEqual([0, 2]);
    expect(config.biasField).toMatchObject({ coefficients: [-0.5, 0.5], order: 3 });
    expect(() => parseIntensityOptions({ noise: { std: -1 } })).toThrow(
      /noise std must be a finite number ≥ 0, not -1/,
    );
    expect(() => parseIntensityOptions({ blur: { std: [-1, 1] } })).toThrow(/blur std must not go below 0/);
    expect(() => parseIntensityOptions({ gamma: { logGamma: [0.3, -0.3] } })).toThrow(/lo ≤ hi, not \[0.3, -0.3\]/);
    expect(() => parseIntensityOptions({ biasField: { order: 9 } })).toThrow(/order must be an integer in 0..6, not 9/);
    expect(() => parseIntensityOptions({ noise: { probability: 2 } })).toThrow(/probability in \[0, 1\], not 2/);
  });
});
