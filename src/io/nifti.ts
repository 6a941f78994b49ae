/**
 * Reading NIfTI images (.nii, .nii.gz, .hdr/.img pairs, NIfTI-1 and NIfTI-2) into float32
 * arrays with the shape, zooms and affine nibabel reports for the same file.
 *
 * Header fields come from nifti-reader-js (nifti-header.ts); decompression (once, with
 * node:zlib), byte order, scaling and nibabel's choice of affine are ours, because
 * nifti-reader-js' `readImage` returns raw bytes and prefers the qform in some files where
 * nibabel takes the sform. Writing is in nifti-write.ts.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { inputError } from '../errors.js';
import { gunzipWhole } from './gunzip.js';
import { voxelCount, type Affine, type SourceVolume, type Volume, type VoxelValues } from './volume.js';
import { parseNiftiHeader, scalingOf } from './nifti-header.js';
import { decodeVoxels, exactVoxelView, type NiftiDatatype } from './nifti-data.js';

export type { NiftiDatatype } from './nifti-data.js';
export { writeNifti, type WritableImage, type WriteNiftiOptions } from './nifti-write.js';

/** A NIfTI image as read from disk. */
export interface NiftiImage {
  /** dim[1..dim[0]], as nibabel's `img.shape` (trailing 1s kept as stored) */
  shape: number[];
  /** pixdim[1..dim[0]], as nibabel's `header.get_zooms()` (mm, then seconds for time) */
  spacing: number[];
  /** voxel → world (mm) 4×4 row-major: sform if coded, else qform if coded, else pixdim (nibabel's `img.affine`) */
  affine: Affine;
  /** the type stored on disk */
  datatype: NiftiDatatype;
  /** voxel values with scl_slope/scl_inter applied, file order (x fastest), all dims: length = ∏ shape */
  data: Float32Array;
  header: {
    niftiVersion: 1 | 2;
    littleEndian: boolean;
    qformCode: number;
    sformCode: number;
    sclSlope: number;
    sclInter: number;
    xyztUnits: number;
    description: string;
    voxOffset: number;
  };
}

/**
 * A NIfTI image as preprocessing reads it (readNiftiSource): like NiftiImage, but int8,
 * uint8, int16 and uint16 voxels without scaling stay in their stored type, viewed in place.
 */
export interface NiftiSource extends Omit<NiftiImage, 'data'> {
  data: VoxelValues;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Decompresses gzip data once (whatever the file name says); plain bytes pass through. */
function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipWhole(bytes);
  } catch (error) {
    throw inputError(`corrupt or truncated gzip data (${(error as Error).message})`, file);
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('file not found', path);
    if (code === 'EISDIR') throw inputError('expected a NIfTI file, found a folder', path);
    if (code === 'EACCES' || code === 'EPERM') throw inputError('permission denied', path);
    throw inputError(`cannot read the file (${code ?? (error as Error).message})`, path);
  }
}

const PAIR_NAME = /^(.*)\.(hdr|img)(\.gz)?$/i;

/**
 * Both files of a .hdr/.img pair from either name. The partner keeps the given file's
 * compression suffix, or takes the other one when only that exists.
 */
export function pairPaths(path: string): { header: string; image: string } | undefined {
  const match = PAIR_NAME.exec(path);
  if (!match) return undefined;
  const [, stem, ext, gz = ''] = match;
  const upper = ext === ext.toUpperCase();
  const hdr = upper ? 'HDR' : 'hdr';
  const img = upper ? 'IMG' : 'img';
  const partnerExt = ext.toLowerCase() === 'hdr' ? img : hdr;
  let partner = `${stem}.${partnerExt}${gz}`;
  if (!existsSync(partner)) {
    const other = `${stem}.${partnerExt}${gz ? '' : '.gz'}`;
    if (existsSync(other)) partner = other;
  }
  return ext.toLowerCase() === 'hdr' ? { header: path, image: partner } : { header: partner, image: path };
}

/**
 * Reads a NIfTI image: a path (.nii, .nii.gz, .hdr or .img of a pair, optionally .gz) or the
 * bytes of a single-file image. `options.name` names in-memory bytes in error messages.
 * Throws LsslError (exit code 2) naming the file for anything it cannot read faithfully.
 */
export async function readNifti(
  pathOrBytes: string | Uint8Array | ArrayBuffer,
  options: { name?: string } = {},
): Promise<NiftiImage> {
  return (await readNiftiWith(pathOrBytes, options, false)) as NiftiImage;
}

/**
 * readNifti for preprocessing: the same checks and errors, but int8, uint8, int16 and uint16
 * voxels without scaling are viewed in place rather than copied to float32 (exactly the
 * values readNifti gives; resampling reads only the few it interpolates).
 */
export async function readNiftiSource(
  pathOrBytes: string | Uint8Array | ArrayBuffer,
  options: { name?: string } = {},
): Promise<NiftiSource> {
  return readNiftiWith(pathOrBytes, options, true);
}

async function readNiftiWith(
  pathOrBytes: string | Uint8Array | ArrayBuffer,
  options: { name?: string },
  inPlace: boolean,
): Promise<NiftiSource> {
  const isPath = typeof pathOrBytes === 'string';
  const pair = isPath ? pairPaths(pathOrBytes) : undefined;
  const headerFile = pair?.header ?? (isPath ? pathOrBytes : (options.name ?? '<bytes>'));
  const raw = isPath
    ? await readBytes(headerFile)
    : pathOrBytes instanceof Uint8Array
      ? pathOrBytes
      : new Uint8Array(pathOrBytes);
  const bytes = gunzipIfNeeded(raw, headerFile);
  const header = parseNiftiHeader(bytes, headerFile);

  let imageBytes = bytes;
  let imageFile = headerFile;
  if (header.isPair) {
    if (!pair) {
      throw inputError(
        `the header is of a .hdr/.img pair (magic "ni${header.niftiVersion}"); give the path of the .hdr or .img file`,
        headerFile,
      );
    }
    imageFile = pair.image;
    imageBytes = gunzipIfNeeded(await readBytes(imageFile), imageFile);
  }

  const count = voxelCount(header.shape);
  const needed = count * header.datatype.bytesPerVoxel;
  const available = Math.max(0, imageBytes.length - header.voxOffset);
  if (available < needed) {
    throw inputError(
      `truncated file: dims ${header.shape.join('×')} of ${header.datatype.name} need ${needed} bytes of voxels ` +
        `after offset ${header.voxOffset}, the file has ${available}`,
      imageFile,
    );
  }
  if (count > 2 ** 31 - 1) throw inputError(`image too large: ${count} voxels (at most 2^31 − 1)`, imageFile);

  const voxels = imageBytes.subarray(header.voxOffset, header.voxOffset + needed);
  const scaling = scalingOf(header, headerFile);
  const data =
    (inPlace ? exactVoxelView(voxels, header.datatype, header.littleEndian, count, scaling) : undefined) ??
    decodeVoxels(voxels, header.datatype, header.littleEndian, count, scaling, imageFile);
  return {
    shape: header.shape,
    spacing: header.spacing,
    affine: header.affine,
    datatype: header.datatype.name,
    data,
    header: {
      niftiVersion: header.niftiVersion,
      littleEndian: header.littleEndian,
      qformCode: header.qformCode,
      sformCode: header.sformCode,
      sclSlope: header.sclSlope,
      sclInter: header.sclInter,
      xyztUnits: header.xyztUnits,
      description: header.description,
      voxOffset: header.voxOffset,
    },
  };
}

/**
 * The 3D volume of one frame of an image (frames are the flattened dims 4..7; a 1D or 2D
 * image gets trailing axes of size 1). Spacing is taken from the affine's column norms,
 * so it stays true to the affine that resampling updates (TorchIO's convention).
 * A single-frame image shares its data array; a frame of a 4D image is a copy.
 */
export function niftiToVolume(image: NiftiImage, frame?: number): Volume;
export function niftiToVolume(image: NiftiSource, frame?: number): SourceVolume;
export function niftiToVolume(image: NiftiSource, frame = 0): SourceVolume {
  const [nx, ny = 1, nz = 1] = image.shape;
  const frameSize = nx * ny * nz;
  const frames = image.data.length / frameSize;
  if (!Number.isInteger(frame) || frame < 0 || frame >= frames) {
    throw inputError(`frame must be an integer from 0 to ${frames - 1}, not ${frame}`);
  }
  const data = frames === 1 ? image.data : image.data.slice(frame * frameSize, (frame + 1) * frameSize);
  const affine = image.affine.map((row) => [...row]);
  const norm = (c: number) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]);
  return { data, shape: [nx, ny, nz], spacing: [norm(0), norm(1), norm(2)], affine };
}
