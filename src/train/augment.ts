/**
 * 3D augmentations for contrastive views and longitudinal pairs (docs/references.md, "Data
 * conventions"): spatial transforms drawn once per subject so every visit of the subject
 * moves together, intensity transforms drawn per image, and the coordinate masking of
 * Wen & Li (2021). Each piece lives in ./augment/; this module gathers them and adds the
 * per-subject helper the training methods use.
 *
 * Volumes are Float32Array, x-fastest, of shape [nx, ny, nz] (src/io/volume.ts), or tensors
 * in the networks' layout [nz, ny, nx] (the same order; math/data-input.ts volumeOf).
 */
import { type DataVolume, volumeOf } from '../math/data-input.js';
import type { Rng } from '../rng.js';
import {
  applyIntensity,
  drawIntensity,
  parseIntensityOptions,
  type IntensityOptions,
  type IntensityParams,
} from './augment/intensity.js';
import {
  applySpatial,
  drawSpatial,
  parseSpatialOptions,
  type SpatialOptions,
  type SpatialParams,
} from './augment/spatial.js';

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
 * The default view augmentation of the contrastive methods (SimCLR, SupCon, SimSiam, BYOL,
 * DirectPred) at 32³–64³, sized for registered, skull-stripped, bias-corrected brain MRI
 * rather than for natural images.
 *
 * Why not TorchIO's / SimCLR's strengths: in a registered cohort every brain has the same
 * position, size and contrast, and subjects differ by a few per cent of their voxels
 * (ventricles, cortical thickness, atrophy). TorchIO's defaults (±10°, ±10 % scale, crops
 * down to 70 %, bias coefficients 0.5, noise σ up to 0.1) move two views of one scan 5×
 * further apart in the encoder's feature space at initialisation than two different
 * subjects are (phantom, 32³; `lssl validate contrastive-phantom --spread`), so
 * NT-Xent has no subject-specific signal to find and does not fall (2.64 → 2.70 in 6
 * epochs). These defaults give 1.5× (LSSL's pair augmentation 0.7×), and SimCLR's loss
 * falls (2.57 → 1.77 in 15 epochs). The views stay within the residual misalignment and
 * scanner variation of preprocessed data:
 *
 * - flips: left–right only, p = ½ (the brain is nearly symmetric; LSSL's authors flip too);
 * - affine: rotations U(−3°, 3°), scales U(0.97, 1.03), shifts U(−2, 2) voxels — a little
 *   more than LSSL's ±2°/±2 voxels so two views of one scan are not identical;
 * - crop-and-resize: windows keeping 85–100 % of each side, p = ½ (a ≤ 18 % zoom);
 * - intensity, each p = ½: gamma exp(U(−0.15, 0.15)), a smooth order-2 bias field with
 *   coefficients U(−0.15, 0.15) (what remains after N4), Gaussian blur σ ≤ 0.5 voxel, and
 *   additive noise σ ≤ 0.05 (of the z-scored intensity).
 *
 * Stronger views can be asked for per run (`augment` option of the engine; TorchIO's
 * defaults are the transforms' own defaults in ./augment/).
 */
export const DEFAULT_VIEW_AUGMENTATION: AugmentOptions = {
  spatial: {
    flip: { axes: [0], probability: 0.5 },
    affine: { degrees: 3, scales: 0.03, translation: 2 },
    crop: { fraction: [0.85, 1], probability: 0.5 },
  },
  intensity: {
    gamma: { logGamma: 0.15, probability: 0.5 },
    biasField: { coefficients: 0.15, order: 2, probability: 0.5 },
    blur: { std: [0, 0.5], probability: 0.5 },
    noise: { std: [0, 0.05], probability: 0.5 },
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
 * the parameters used. Shapes: images k × [nx·ny·nz] x-fastest with shape [nx, ny, nz]
 * (or [nz, ny, nx] tensors) → k × [nx·ny·nz].
 */
export function augmentSubject(
  rng: Rng,
  volumes: readonly DataVolume[],
  shape: readonly number[],
  options: AugmentOptions = DEFAULT_VIEW_AUGMENTATION,
): { images: Float32Array[]; params: SubjectAugmentation } {
  const images = volumes.map((v, i) => volumeOf(v, shape, `images[${i}]`));
  const spatialConfig = parseSpatialOptions(options.spatial ?? {});
  const intensityConfig = parseIntensityOptions(options.intensity ?? {});
  const spatial = drawSpatial(rng, shape, spatialConfig);
  const intensity = images.map(() => drawIntensity(rng, intensityConfig));
  const out = images.map((image, i) => applyIntensity(applySpatial(image, shape, spatial), shape, intensity[i]));
  return { images: out, params: { spatial, intensity } };
}

/**
 * Independent views of one image (SimCLR's two augmentations of a scan): every view gets
 * its own spatial and intensity draw. Shapes: image [nx·ny·nz] x-fastest with shape
 * [nx, ny, nz] (or a [nz, ny, nx] tensor) → `views` × [nx·ny·nz].
 */
export function augmentViews(
  rng: Rng,
  volume: DataVolume,
  shape: readonly number[],
  views: number,
  options: AugmentOptions = DEFAULT_VIEW_AUGMENTATION,
): { images: Float32Array[]; params: SubjectAugmentation[] } {
  const image = volumeOf(volume, shape, 'image');
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
