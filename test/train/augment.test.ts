import { describe, expect, it } from 'vitest';
import {
  applySpatial,
  augmentSubject,
  augmentViews,
  DEFAULT_VIEW_AUGMENTATION,
  parseIntensityOptions,
  parseSpatialOptions,
  type AugmentOptions,
} from '../../src/train/augment.js';
import { createRng } from '../../src/rng.js';

const shape = [16, 16, 16];
const volume = (seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: 16 ** 3 }, () => rng.normal());
};

describe('augmentSubject / augmentViews', () => {
  it('moves all visits of a subject with one spatial draw and draws intensity per image', () => {
    const visits = [volume(1), volume(2)];
    const { images, params } = augmentSubject(createRng(3), visits, shape, {
      spatial: DEFAULT_VIEW_AUGMENTATION.spatial,
    });
    // no intensity options: each output is exactly the shared spatial transform of its visit
    expect(images[0]).toEqual(applySpatial(visits[0], shape, params.spatial));
    expect(images[1]).toEqual(applySpatial(visits[1], shape, params.spatial));
    expect(params.intensity).toHaveLength(2);
    const full = augmentSubject(createRng(3), visits, shape);
    expect(full.params.intensity[0]).not.toEqual(full.params.intensity[1]);
    expect(full.images.every((im) => im.length === 16 ** 3 && im.every(Number.isFinite))).toBe(true);
  });

  it('gives each view of one scan its own draw, reproducibly for a seed', () => {
    const scan = volume(4);
    const a = augmentViews(createRng(5), scan, shape, 2);
    const b = augmentViews(createRng(5), scan, shape, 2);
    expect(a.params).toEqual(b.params);
    expect(a.images).toEqual(b.images);
    expect(a.params[0].spatial).not.toEqual(a.params[1].spatial);
  });
});

/** A centred, smooth, brain-like blob on an n³ grid: an ellipsoid with a soft edge and a darker core. */
function blob(n: number): Float32Array {
  const c = (n - 1) / 2;
  const out = new Float32Array(n ** 3);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const r = Math.hypot((i - c) / (0.4 * n), (j - c) / (0.35 * n), (k - c) / (0.3 * n));
        out[i + n * (j + n * k)] = 1 / (1 + Math.exp((r - 1) * 8)) - 0.5 * Math.exp(-4 * r * r);
      }
    }
  }
  return out;
}

function centroid(v: Float32Array, n: number): number[] {
  const sum = [0, 0, 0];
  let mass = 0;
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const w = Math.max(0, v[i + n * (j + n * k)]);
        sum[0] += w * i;
        sum[1] += w * j;
        sum[2] += w * k;
        mass += w;
      }
    }
  }
  return sum.map((s) => s / mass);
}

/** TorchIO's transform defaults, the view augmentation before issue 7's measurements. */
const TORCHIO_STRENGTH: AugmentOptions = {
  spatial: {
    flip: { axes: [0], probability: 0.5 },
    affine: { degrees: 10, scales: 0.1, translation: 4 },
    crop: { fraction: [0.7, 1] },
  },
  intensity: {
    biasField: { coefficients: 0.5, order: 3, probability: 0.5 },
    gamma: { logGamma: 0.3, probability: 0.5 },
    blur: { std: [0, 1], probability: 0.5 },
    noise: { std: [0, 0.1], probability: 0.5 },
  },
};

describe('DEFAULT_VIEW_AUGMENTATION (registered, skull-stripped brain MRI)', () => {
  it('has the documented ranges: ±3°, ±3 % scale, ±2 voxels, crops of 85–100 %, mild intensity', () => {
    const spatial = parseSpatialOptions(DEFAULT_VIEW_AUGMENTATION.spatial);
    expect(spatial.flipAxes).toEqual([true, false, false]);
    expect(spatial.affine?.degrees).toEqual([
      [-3, 3],
      [-3, 3],
      [-3, 3],
    ]);
    expect(spatial.affine?.scales).toEqual([
      [0.97, 1.03],
      [0.97, 1.03],
      [0.97, 1.03],
    ]);
    expect(spatial.affine?.translationVoxels).toEqual([
      [-2, 2],
      [-2, 2],
      [-2, 2],
    ]);
    expect(spatial.crop).toEqual({
      fraction: [
        [0.85, 1],
        [0.85, 1],
        [0.85, 1],
      ],
      probability: 0.5,
    });
    const intensity = parseIntensityOptions(DEFAULT_VIEW_AUGMENTATION.intensity);
    expect(intensity.gamma?.logGamma).toEqual([-0.15, 0.15]);
    expect(intensity.biasField).toMatchObject({ coefficients: [-0.15, 0.15], order: 2 });
    expect(intensity.noise?.std).toEqual([0, 0.05]);
  });

  it('moves the centre of a centred brain by at most 2/0.85 + 0.15·n/(2·0.85) voxels per axis', () => {
    // rotation, scaling and flips about the centre keep a centred symmetric blob's centroid;
    // a shift t ≤ 2 and a crop window of side s ≥ 0.85n at any origin, resized to n, move it
    // by at most t·n/s + (n − s)/2·n/s per axis.
    const n = 20;
    const bound = 2 / 0.85 + (0.15 * n) / 2 / 0.85 + 0.25; // + a quarter voxel for trilinear blurring at the edge
    const scan = blob(n);
    const c0 = centroid(scan, n);
    let largest = 0;
    for (let seed = 0; seed < 12; seed++) {
      const { images } = augmentViews(createRng(seed), scan, [n, n, n], 2, {
        spatial: DEFAULT_VIEW_AUGMENTATION.spatial,
      });
      for (const image of images) {
        const c = centroid(image, n);
        for (let a = 0; a < 3; a++) largest = Math.max(largest, Math.abs(c[a] - c0[a]));
      }
    }
    expect(largest).toBeLessThanOrEqual(bound);
    expect(largest).toBeGreaterThan(0.2); // the views do move
  });

  it('makes two views of one scan differ several times less than TorchIO-strength views do', () => {
    const n = 20;
    const scan = blob(n);
    const variance =
      scan.reduce((s, v) => s + v * v, 0) / scan.length - (scan.reduce((s, v) => s + v, 0) / scan.length) ** 2;
    const meanViewDifference = (options: AugmentOptions) => {
      let total = 0;
      const seeds = 12;
      for (let seed = 0; seed < seeds; seed++) {
        const { images } = augmentViews(createRng(100 + seed), scan, [n, n, n], 2, options);
        total += images[0].reduce((s, v, i) => s + (v - images[1][i]) ** 2, 0) / scan.length;
      }
      return total / seeds / variance;
    };
    const mild = meanViewDifference(DEFAULT_VIEW_AUGMENTATION);
    const strong = meanViewDifference(TORCHIO_STRENGTH);
    expect(mild).toBeGreaterThan(0.01); // two views differ
    expect(strong / mild).toBeGreaterThan(2);
  });
});
