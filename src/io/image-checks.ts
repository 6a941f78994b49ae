/**
 * What an image must be before it is preprocessed: a 3D volume (one volume of a 4D series
 * only when the caller names it), with plausible voxel sizes and finite, non-constant
 * voxels. Without these checks a 2D slice became a 32³ volume 0.03 mm thick, a 4D series
 * silently gave its first volume, and an all-NaN scan surfaced epochs later as a NaN loss.
 * A few non-finite voxels (a reconstruction artefact at the edge of the field of view) are
 * set to 0 with a warning, as nibabel users do with `np.nan_to_num`.
 */
import { inputError } from '../errors.js';
import { niftiToVolume, type NiftiImage } from './nifti.js';
import { spacingFromAffine, type Volume } from './volume.js';

/** Voxel sides outside this range (mm) are a header error, not an MRI: e.g. pixdim in metres or µm. */
export const VOXEL_SIZE_RANGE_MM: readonly [number, number] = [0.01, 20];
/** Above this share of non-finite voxels a scan is refused rather than patched. */
export const MAX_NONFINITE_SHARE = 0.01;

export interface CheckedVolume {
  volume: Volume;
  /** what was repaired, one sentence each (e.g. "3 NaN/Inf voxels set to 0") */
  warnings: string[];
}

const dims = (shape: readonly number[]) => shape.join('×');

/** Number of volumes in an image: the product of dims 4..7 (1 for a 3D image). */
export function volumeCount(shape: readonly number[]): number {
  return shape.slice(3).reduce((a, b) => a * b, 1);
}

/**
 * Refuses what cannot be a 3D scan from its header alone (dims and voxel sizes); `volume` is
 * the 0-based volume of a 4D series the caller chose, if any (ignored for a 3D image).
 */
export function checkImageHeader(image: Pick<NiftiImage, 'shape' | 'affine'>, file: string, volume?: number): void {
  const { shape } = image;
  const spatial = shape.slice(0, 3);
  if (spatial.length < 3 || spatial.some((n) => n < 2)) {
    throw inputError(`a ${spatial.filter((n) => n > 1).length}D image (${dims(shape)}): lssl needs 3D volumes`, file);
  }
  const volumes = volumeCount(shape);
  if (volume === undefined && volumes > 1) {
    throw inputError(`a 4D image with ${volumes} volumes (${dims(shape)}): choose one with --volume N (0-based)`, file);
  }
  // the choice is for 4D images; a 3D image in the same cohort is its own volume 0
  if (volumes > 1 && volume !== undefined && !(Number.isInteger(volume) && volume >= 0 && volume < volumes)) {
    throw inputError(`--volume must be an integer from 0 to ${volumes - 1} for this image, not ${volume}`, file);
  }
  const sizes = spacingFromAffine(image.affine);
  const [low, high] = VOXEL_SIZE_RANGE_MM;
  if (!sizes.every((s) => Number.isFinite(s) && s >= low && s <= high)) {
    const shown = sizes.map((s) => Number(s.toPrecision(4))).join('×');
    throw inputError(
      `voxel size ${shown} mm is not that of an MRI (each side ${low}–${high} mm); check the header's pixdim, units and affine`,
      file,
    );
  }
}

/**
 * Checks a volume's voxels: refuses an image that is mostly NaN/Inf or constant, and sets
 * a few non-finite voxels to 0 (in place) with a warning.
 */
export function checkVoxels(volume: Volume, file: string): string[] {
  const { data } = volume;
  let nonFinite = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (nonFinite === data.length) throw inputError('every voxel is NaN or infinite', file);
  if (nonFinite > MAX_NONFINITE_SHARE * data.length) {
    const percent = ((100 * nonFinite) / data.length).toPrecision(3);
    throw inputError(
      `${percent} % of the voxels are NaN or infinite (at most ${100 * MAX_NONFINITE_SHARE} % are repaired)`,
      file,
    );
  }
  if (min === max) throw inputError(`the image is constant (every finite voxel is ${min})`, file);
  if (nonFinite === 0) return [];
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) data[i] = 0;
  return [`${nonFinite} NaN/Inf voxel${nonFinite === 1 ? '' : 's'} set to 0`];
}

/**
 * The checked 3D volume of a NIfTI image: the header checks, then the chosen volume (0 for a
 * 3D image) with its voxels checked.
 */
export function checkedVolume(image: NiftiImage, file: string, volume?: number): CheckedVolume {
  checkImageHeader(image, file, volume);
  const extracted = niftiToVolume(image, volumeCount(image.shape) > 1 ? (volume ?? 0) : 0);
  const warnings = checkVoxels(extracted, file);
  return { volume: extracted, warnings };
}
