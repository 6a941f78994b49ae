/** lssl's public API: named exports only. */
export { LsslError } from './errors.js';
export type { Volume, Affine } from './io/volume.js';
export { readNifti, writeNifti, niftiToVolume } from './io/nifti.js';
export type { NiftiImage, NiftiDatatype, WritableImage, WriteNiftiOptions } from './io/nifti.js';
export {
  preprocess,
  canonicalPreprocessOptions,
  toCanonical,
  ioOrientation,
  orientationCode,
  axcodesToOrientation,
  orientationTransform,
  applyOrientation,
  invOrntAff,
  resampleToShape,
  resampleToSpacing,
  cropOrPad,
  foregroundMask,
  otsuThreshold,
  normalize,
} from './io/transforms.js';
export type { PreprocessOptions, PreprocessSettings, Orientation, Interpolation, MaskMethod, NormalizeMethod } from './io/transforms.js';
export { initBackend, activeBackend, BACKENDS } from './backend/select.js';
export type { BackendName, BackendInfo } from './backend/select.js';
