/**
 * Reading the template phantom's inputs: a skull-stripped T1 and, optionally, a label atlas
 * on the same grid. Both are reoriented to RAS+ (exact flips and permutations, no
 * interpolation) and cropped to the brain's bounding box plus a margin, which is all the
 * renderer ever samples.
 */
import { inputError } from '../errors.js';
import { niftiToVolume, readNifti, type NiftiImage } from '../io/nifti.js';
import { toCanonical } from '../io/orientation.js';
import type { Affine, Volume } from '../io/volume.js';
import type { Vec3 } from './anatomy.js';

/** A RAS+ volume cropped around the brain; `data` is [nx·ny·nz], x fastest. */
export interface TemplateVolume {
  data: Float32Array;
  shape: Vec3;
  /** voxel → world (mm) of the cropped grid */
  affine: Affine;
  /** voxel size, mm */
  spacing: Vec3;
}

/** Margin around the brain kept when cropping, mm: room for the smoothing kernels and warps. */
export const CROP_MARGIN_MM = 12;
/** Voxels above this fraction of the 99th intensity percentile are brain (the template is skull-stripped). */
export const BRAIN_FRACTION = 0.05;

/** The 3D volume of a NIfTI image; a 2D image or one with several frames is refused. */
function spatialVolume(image: NiftiImage, file: string, what: string): Volume {
  const dims = image.shape;
  const spatial = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
  if (spatial.some((d) => d < 2))
    throw inputError(`${what} must be a 3D image, not ${dims.join('×')} (a 2D image)`, file);
  const frames = dims.slice(3).reduce((a, b) => a * b, 1);
  if (frames !== 1)
    throw inputError(`${what} must be a single 3D volume, not ${dims.join('×')} (${frames} frames)`, file);
  return toCanonical(niftiToVolume(image));
}

/** The 99th percentile of the positive voxels (a robust maximum). */
function robustMax(data: Float32Array): number {
  const positive = data.filter((v) => v > 0).sort();
  if (positive.length === 0) return 0;
  return positive[Math.floor(0.99 * (positive.length - 1))];
}

/** [lo, hi) voxel box per axis of the voxels above `threshold`, grown by `margin` voxels and clipped. */
function boundingBox(volume: Volume, threshold: number, margin: Vec3): { lo: Vec3; hi: Vec3 } {
  const [nx, ny, nz] = volume.shape;
  const lo: Vec3 = [nx, ny, nz];
  const hi: Vec3 = [-1, -1, -1];
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        if (!(volume.data[index] > threshold)) continue;
        const ijk = [i, j, k];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], ijk[a]);
          hi[a] = Math.max(hi[a], ijk[a]);
        }
      }
    }
  }
  return {
    lo: lo.map((v, a) => Math.max(0, v - margin[a])) as Vec3,
    hi: hi.map((v, a) => Math.min(volume.shape[a], v + 1 + margin[a])) as Vec3,
  };
}

/** The sub-volume [lo, hi) with its affine shifted accordingly. */
export function cropVolume(volume: Volume, lo: Vec3, hi: Vec3): TemplateVolume {
  const shape = hi.map((h, a) => h - lo[a]) as Vec3;
  const [nx, ny] = volume.shape;
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  let out = 0;
  for (let k = 0; k < shape[2]; k++) {
    for (let j = 0; j < shape[1]; j++) {
      const start = lo[0] + nx * (lo[1] + j + ny * (lo[2] + k));
      data.set(volume.data.subarray(start, start + shape[0]), out);
      out += shape[0];
    }
  }
  const a = volume.affine;
  const affine = a.map((row, r) =>
    r < 3 ? [row[0], row[1], row[2], row[3] + row[0] * lo[0] + row[1] * lo[1] + row[2] * lo[2]] : [...row],
  );
  return { data, shape, affine, spacing: [...volume.spacing] as Vec3 };
}

/** True when two grids are the same: same shape and affines within 1e-3 mm. */
function sameGrid(a: Volume, b: Volume): boolean {
  if (a.shape.some((d, i) => d !== b.shape[i])) return false;
  return a.affine.every((row, r) => row.every((v, c) => Math.abs(v - b.affine[r][c]) <= 1e-3));
}

export interface TemplateInputs {
  t1: TemplateVolume;
  /** atlas labels on the same cropped grid (rounded to integers), if an atlas was given */
  atlas?: TemplateVolume;
}

/**
 * Reads the template (any orientation and datatype lssl reads) and the atlas, checks them
 * and crops both to the brain. Refuses a 2D or 4D image, a template with no brain, and an
 * atlas on another grid, with an inputError naming the file.
 */
export async function readTemplateInputs(templatePath: string, atlasPath?: string): Promise<TemplateInputs> {
  const t1 = spatialVolume(await readNifti(templatePath), templatePath, 'template');
  const top = robustMax(t1.data);
  if (!(top > 0))
    throw inputError(
      'template has no positive voxels: it must be a skull-stripped T1 with the brain brighter than the background',
      templatePath,
    );
  const margin = t1.spacing.map((s) => Math.ceil(CROP_MARGIN_MM / s)) as Vec3;
  const { lo, hi } = boundingBox(t1, BRAIN_FRACTION * top, margin);
  let atlas: TemplateVolume | undefined;
  if (atlasPath !== undefined) {
    const labels = spatialVolume(await readNifti(atlasPath), atlasPath, 'atlas');
    if (!sameGrid(labels, t1)) {
      throw inputError(
        `atlas grid ${labels.shape.join('×')} does not match the template's ${t1.shape.join('×')} (shape and affine must agree; resample the atlas onto the template first)`,
        atlasPath,
      );
    }
    atlas = cropVolume(labels, lo, hi);
    for (let i = 0; i < atlas.data.length; i++) atlas.data[i] = Math.round(atlas.data[i]);
  }
  return { t1: cropVolume(t1, lo, hi), atlas };
}
