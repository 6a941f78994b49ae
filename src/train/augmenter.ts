/**
 * Adapts the augmentations of ./augment.ts to the engine's VolumeAugmenter: the spatial
 * transform draws from the engine's per-subject stream, the intensity transform from the
 * per-scan stream (batches.ts decides which streams are shared).
 */
import {
  applyIntensity,
  applySpatial,
  drawIntensity,
  drawSpatial,
  parseIntensityOptions,
  parseSpatialOptions,
  type AugmentOptions,
} from './augment.js';
import type { VolumeAugmenter } from './batches.js';

/**
 * LSSL's augmentation (the authors' code, docs/references.md): rotations U(−2°, 2°), shifts
 * U(−2, 2) voxels, left–right flips, the same for every visit of a subject; plus mild
 * per-scan intensity noise and gamma.
 */
export const LSSL_PAIR_AUGMENTATION: AugmentOptions = {
  spatial: {
    flip: { axes: [0], probability: 0.5 },
    affine: { degrees: 2, scales: 0, translation: 2 },
  },
  intensity: {
    gamma: { logGamma: 0.1, probability: 0.5 },
    noise: { std: [0, 0.05], probability: 0.5 },
  },
};

export function volumeAugmenter(options: AugmentOptions): VolumeAugmenter {
  const spatialConfig = parseSpatialOptions(options.spatial ?? {});
  const intensityConfig = parseIntensityOptions(options.intensity ?? {});
  return (volume, shape, draws) => {
    const spatial = drawSpatial(draws.spatial, shape, spatialConfig);
    const intensity = drawIntensity(draws.intensity, intensityConfig);
    return applyIntensity(applySpatial(volume, shape, spatial), shape, intensity);
  };
}
