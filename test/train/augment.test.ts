import { describe, expect, it } from 'vitest';
import { applySpatial, augmentSubject, augmentViews, DEFAULT_VIEW_AUGMENTATION } from '../../src/train/augment.js';
import { createRng } from '../../src/rng.js';

const shape = [16, 16, 16];
const volume = (seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: 16 ** 3 }, () => rng.normal());
};

describe('augmentSubject / augmentViews', () => {
  it('moves all visits of a subject with one spatial draw and draws intensity per image', () => {
    const visits = [volume(1), volume(2)];
    const { images, params } = augmentSubject(createRng(3), visits, shape, { spatial: DEFAULT_VIEW_AUGMENTATION.spatial });
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
