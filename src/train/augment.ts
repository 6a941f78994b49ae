/**
 * 3D augmentations for contrastive views and longitudinal pairs (REFERENCES.md, "Data
 * conventions"): spatial transforms drawn once per subject so every visit of the subject
 * moves together, intensity transforms drawn per image, and the coordinate masking of
 * Wen & Li (2021). Each piece lives in ./augment/; this module gathers them and adds the
 * per-subject helper the training methods use.
 *
 * Volumes are Float32Array, x-fastest, of shape [nx, ny, nz] (src/io/volume.ts).
 */
import type { Rng } from '../rng.js';
import { applyIntensity, drawIntensity, parseIntensityOptions, type IntensityOptions, type IntensityParams } from './augment/intensity.js';
import { applySpatial, drawSpatial, parseSpatialOptions, type SpatialOptions, type SpatialParams } from './augment/spatial.js';

export {
  applySpatial,
  drawSpatial,
  identitySpatialParams,
  parseSpatialOptions,
  rotationMatrix,
  spatialVoxelMap,
} from './augment/spatial.js';
export type { SpatialConfig, SpatialOptions, SpatialParams } from './augment/spatial.js';
export { applyIntensity, drawIntensity, identityIntensityParams, parseIntensityOptions } from './augment/intensity.js';
export type { IntensityConfig, IntensityOptions, IntensityParams } from './augment/intensity.js';
export { applyCoordinateMask, drawCoordinateMask } from './augment/masking.js';
export type { CoordinateMaskOptions, CoordinateMaskParams } from './augment/masking.js';
export { gaussianBlur, gaussianKernel } from './augment/blur.js';
export { biasField, biasFieldTerms } from './augment/bias-field.js';

export interface AugmentOptions {
  spatial?: SpatialOptions;
  intensity?: IntensityOptions;
}

/**
 * The default view augmentation for the contrastive methods at 32³–64³: TorchIO's default
 * parameters for each transform, left–right flips, crops keeping 70–100 % of each side,
 * translations up to 4 voxels.
 */
export const DEFAULT_VIEW_AUGMENTATION: AugmentOptions = {
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

/** What was done to one subject's images, for the run log (replayable). */
export interface SubjectAugmentation {
  spatial: SpatialParams;
  intensity: IntensityParams[];
}

/**
 * Augments the images of one subject (e.g. two visits, or one scan twice): one spatial
 * draw shared by all of them, then an intensity draw per image. Returns new arrays and
 * the parameters used.
 */
export function augmentSubject(
  rng: Rng,
  images: readonly Float32Array[],
  shape: readonly number[],
  options: AugmentOptions = DEFAULT_VIEW_AUGMENTATION,
): { images: Float32Array[]; params: SubjectAugmentation } {
  const spatialConfig = parseSpatialOptions(options.spatial ?? {});
  const intensityConfig = parseIntensityOptions(options.intensity ?? {});
  const spatial = drawSpatial(rng, shape, spatialConfig);
  const intensity = images.map(() => drawIntensity(rng, intensityConfig));
  const out = images.map((image, i) => applyIntensity(applySpatial(image, shape, spatial), shape, intensity[i]));
  return { images: out, params: { spatial, intensity } };
}

/**
 * Independent views of one image (SimCLR's two augmentations of a scan): every view gets
 * its own spatial and intensity draw.
 */
export function augmentViews(
  rng: Rng,
  image: Float32Array,
  shape: readonly number[],
  views: number,
  options: AugmentOptions = DEFAULT_VIEW_AUGMENTATION,
): { images: Float32Array[]; params: SubjectAugmentation[] } {
  const spatialConfig = parseSpatialOptions(options.spatial ?? {});
  const intensityConfig = parseIntensityOptions(options.intensity ?? {});
  const images: Float32Array[] = [];
  const params: SubjectAugmentation[] = [];
  for (let v = 0; v < views; v++) {
    const spatial = drawSpatial(rng, shape, spatialConfig);
    const intensity = drawIntensity(rng, intensityConfig);
    images.push(applyIntensity(applySpatial(image, shape, spatial), shape, intensity));
    params.push({ spatial, intensity: [intensity] });
  }
  return { images, params };
}
