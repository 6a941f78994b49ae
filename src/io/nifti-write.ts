/**
 * Writing NIfTI-1 single files (.nii, or .nii.gz by extension) that nibabel reads back with
 * the same data and affine. The header is built by nifti-reader-js (`NIFTI1.toArrayBuffer`);
 * the quaternion, scaling and the atomic write are ours.
 */
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NIFTI1 } from 'nifti-reader-js';
import { inputError, runtimeError } from '../errors.js';
import { voxelCount, type Affine } from './volume.js';
import { writeFileAtomic } from './atomic.js';
import { qformFromAffine } from './nifti-qform.js';
import { datatypeByName, swapBytes } from './nifti-data.js';
import { endianness } from 'node:os';

export interface WritableImage {
  /** voxel values, x fastest (file order), length = ∏ shape */
  data: ArrayLike<number>;
  /** 1 to 7 dims, e.g. [nx, ny, nz] or [nx, ny, nz, nt] */
  shape: number[];
  /** voxel → world (mm), 4×4 row-major */
  affine: Affine;
  /**
   * Voxel sizes per axis. The spatial ones always come from the affine's column norms (the
   * qform needs them to match it); entries 4.. (e.g. the repetition time) go to pixdim[4..].
   */
  spacing?: number[];
}

export interface WriteNiftiOptions {
  /** 'float32' (default, exact) or 'int16' with scl_slope/scl_inter spanning the int16 range */
  datatype?: 'float32' | 'int16';
  /** descrip field, at most 79 ASCII characters (longer text is cut) */
  description?: string;
}

/** vox_offset of a single-file NIfTI-1: the 348-byte header plus 4 extension bytes. */
const VOX_OFFSET = 352;
/** NIFTI_XFORM_SCANNER_ANAT for both qform and sform. */
const XFORM_SCANNER = 1;
/** NIFTI_UNITS_MM | NIFTI_UNITS_SEC */
const UNITS_MM_SEC = 2 | 8;
const INT16_MIN = -32768;
const INT16_MAX = 32767;

function validate(path: string, image: WritableImage): void {
  if (!/\.nii(\.gz)?$/i.test(path))
    throw inputError(`output name must end in .nii or .nii.gz, not "${basename(path)}"`, path);
  const { shape, data, affine } = image;
  if (!(shape.length >= 1 && shape.length <= 7))
    throw inputError(`shape must have 1 to 7 dims, not ${shape.length}`, path);
  if (shape.some((d) => !Number.isInteger(d) || d < 1 || d > INT16_MAX)) {
    throw inputError(`every dim must be an integer from 1 to ${INT16_MAX} (NIfTI-1), not [${shape.join(', ')}]`, path);
  }
  if (data.length !== voxelCount(shape)) {
    throw inputError(
      `data length must be the product of shape [${shape.join(', ')}] = ${voxelCount(shape)}, not ${data.length}`,
      path,
    );
  }
  const finiteAffine = affine.length === 4 && affine.every((row) => row.length === 4 && row.every(Number.isFinite));
  if (!finiteAffine) throw inputError('affine must be a 4×4 array of finite numbers', path);
}

/**
 * int16 codes and the (slope, inter) that map them back: integer data that fits int16 is
 * stored as is (slope 1); otherwise [min, max] is spread over [−32768, 32767]. slope and
 * inter are rounded to float32 first (the header stores float32) so the codes are chosen
 * against the values a reader will use; the error is then at most slope/2 per voxel.
 */
export function quantizeInt16(
  data: ArrayLike<number>,
  file: string,
): { codes: Int16Array; slope: number; inter: number } {
  let min = Infinity;
  let max = -Infinity;
  let allIntegers = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw inputError(`int16 output needs finite values, but voxel ${i} is ${v}`, file);
    if (v < min) min = v;
    if (v > max) max = v;
    if (allIntegers && !Number.isInteger(v)) allIntegers = false;
  }
  let slope = 1;
  let inter = 0;
  if (!(allIntegers && min >= INT16_MIN && max <= INT16_MAX)) {
    if (max === min) {
      inter = Math.fround(min);
    } else {
      slope = Math.fround((max - min) / (INT16_MAX - INT16_MIN));
      inter = Math.fround(min - INT16_MIN * slope);
    }
  }
  const codes = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const code = Math.round((data[i] - inter) / slope);
    codes[i] = code < INT16_MIN ? INT16_MIN : code > INT16_MAX ? INT16_MAX : code;
  }
  return { codes, slope, inter };
}

/** The 352 bytes before the voxels: NIfTI-1 header (little-endian) and an empty extension flag. */
function buildHeader(
  image: WritableImage,
  path: string,
  datatype: 'float32' | 'int16',
  slope: number,
  inter: number,
  description: string,
): Uint8Array {
  const qform = qformFromAffine(image.affine);
  if (!qform)
    throw inputError('affine must be invertible (its first three columns must be non-zero and independent)', path);
  const info = datatypeByName(datatype);
  const h = new NIFTI1();
  h.littleEndian = true;
  h.dims = [image.shape.length, ...image.shape, ...Array(7 - image.shape.length).fill(1)];
  const extra = (image.spacing ?? []).slice(3, image.shape.length);
  h.pixDims = [qform.qfac, ...qform.pixdim, ...extra, ...Array(4 - extra.length).fill(1)];
  h.datatypeCode = info.code;
  h.numBitsPerVoxel = info.bytesPerVoxel * 8;
  h.vox_offset = VOX_OFFSET;
  h.scl_slope = slope;
  h.scl_inter = inter;
  h.xyzt_units = UNITS_MM_SEC;
  h.description = description.replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  h.qform_code = XFORM_SCANNER;
  h.sform_code = XFORM_SCANNER;
  [, h.quatern_b, h.quatern_c, h.quatern_d] = qform.quaternion;
  [h.qoffset_x, h.qoffset_y, h.qoffset_z] = qform.offset;
  h.affine = image.affine.map((row) => [...row]);
  h.magic = 'n+1';
  const header = new Uint8Array(h.toArrayBuffer(false));
  if (header.length !== VOX_OFFSET)
    throw runtimeError(`NIfTI header came out as ${header.length} bytes, expected ${VOX_OFFSET}`, path);
  return header;
}

/** Voxel bytes in little-endian order. */
function voxelBytes(values: Float32Array | Int16Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (endianness() !== 'LE') swapBytes(bytes, values.BYTES_PER_ELEMENT);
  return bytes;
}

/**
 * Writes a NIfTI-1 image: .nii or .nii.gz by the name's extension, float32 (default) or
 * int16 with scaling, qform and sform both set from the affine (code 1, scanner), vox_offset
 * 352. The file appears atomically (temporary name, then rename).
 */
export async function writeNifti(path: string, image: WritableImage, options: WriteNiftiOptions = {}): Promise<void> {
  validate(path, image);
  const datatype = options.datatype ?? 'float32';
  if (datatype !== 'float32' && datatype !== 'int16')
    throw inputError(`datatype must be float32 or int16, not ${String(datatype)}`, path);
  let values: Float32Array | Int16Array;
  let slope = 1;
  let inter = 0;
  if (datatype === 'int16') {
    ({ codes: values, slope, inter } = quantizeInt16(image.data, path));
  } else {
    values = image.data instanceof Float32Array ? image.data : Float32Array.from(image.data);
  }
  const header = buildHeader(image, path, datatype, slope, inter, options.description ?? '');
  const voxels = voxelBytes(endianness() === 'LE' ? values : values.slice());
  const file = new Uint8Array(header.length + voxels.length);
  file.set(header, 0);
  file.set(voxels, header.length);
  await writeFileAtomic(path, /\.gz$/i.test(path) ? gzipSync(file) : file);
}
