/**
 * NIfTI-1 / NIfTI-2 header parsing on top of nifti-reader-js, with the checks and fixes
 * nibabel applies on load (`Nifti1Header._get_checks`, `get_best_affine`), so that the
 * shape, zooms and affine we report are the ones `nibabel.load` reports.
 *
 * Layouts: https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h and nifti2.h.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { inputError } from '../errors.js';
import type { Affine } from './volume.js';
import { fillPositiveQuaternion, qformAffine } from './nifti-qform.js';
import { datatypeOfCode, type NiftiDatatypeInfo } from './nifti-data.js';

/** What the header says, after nibabel's load-time fixes. */
export interface ParsedNiftiHeader {
  niftiVersion: 1 | 2;
  littleEndian: boolean;
  /** true for the two-file (.hdr/.img) form: magic 'ni1' / 'ni2' */
  isPair: boolean;
  datatype: NiftiDatatypeInfo;
  /** dim[1..dim[0]] */
  shape: number[];
  /** pixdim[1..dim[0]], spatial ones made positive and non-zero as nibabel does */
  spacing: number[];
  affine: Affine;
  /** effective codes (nibabel sets codes outside 0..5 to 0) */
  qformCode: number;
  sformCode: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  description: string;
  /** byte offset of the voxels in the image file */
  voxOffset: number;
}

const HEADER_SIZE = { 1: 348, 2: 540 } as const;
/** nibabel's `xform_codes`: 0 unknown … 5 template; anything else is read as 0. */
const MAX_XFORM_CODE = 5;
/** nibabel's `quaternion_threshold`: −3·eps of the header's float type. */
const QUATERNION_THRESHOLD = { 1: -3 * 2 ** -23, 2: -3 * Number.EPSILON } as const;

/** Printable form of raw bytes for error messages. */
function printable(bytes: Uint8Array): string {
  const text = [...bytes].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : b === 0 ? '' : '?')).join('');
  return JSON.stringify(text);
}

/** NUL-terminated latin-1 string (nibabel's fixed-width bytes fields). */
function cString(bytes: Uint8Array, start: number, length: number): string {
  let out = '';
  for (let i = start; i < start + length && bytes[i] !== 0; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** Version and byte order from sizeof_hdr, the field nibabel and niftilib use to tell them apart. */
export function detectVersion(bytes: Uint8Array, file: string): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length === 0) throw inputError('not a NIfTI file: the file is empty', file);
  if (bytes.length < 4) throw inputError(`not a NIfTI file: only ${bytes.length} bytes`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === HEADER_SIZE[1]) return { version: 1, littleEndian };
    if (size === HEADER_SIZE[2]) return { version: 2, littleEndian };
  }
  throw inputError(
    `not a NIfTI file: sizeof_hdr is ${view.getInt32(0, true)}, expected 348 (NIfTI-1) or 540 (NIfTI-2)`,
    file,
  );
}

function checkMagic(bytes: Uint8Array, version: 1 | 2, file: string): boolean {
  const at = version === 1 ? 344 : 4;
  const magic = bytes.subarray(at, at + 4);
  const digit = version === 1 ? 0x31 : 0x32;
  const isSingle = magic[0] === 0x6e && magic[1] === 0x2b && magic[2] === digit && magic[3] === 0; // 'n+1\0'
  const isPair = magic[0] === 0x6e && magic[1] === 0x69 && magic[2] === digit && magic[3] === 0; // 'ni1\0'
  if (!isSingle && !isPair) {
    throw inputError(`not a NIfTI file: magic is ${printable(magic)}, expected "n+${version}" or "ni${version}"`, file);
  }
  return isPair;
}

/** int64 fields of NIfTI-2, read exactly (nifti-reader-js 0.8 mixes the words up in big-endian files). */
function int64At(view: DataView, offset: number, littleEndian: boolean): number {
  return Number(view.getBigInt64(offset, littleEndian));
}

/**
 * nibabel's `shape_zoom_affine` (the Analyze fallback when neither qform nor sform is coded):
 * x flipped (radiological storage), origin at the centre of the first three axes.
 */
export function baseAffine(shape: readonly number[], zooms: readonly number[]): Affine {
  const s = [0, 1, 2].map((i) => shape[i] ?? 1);
  const z = [0, 1, 2].map((i) => zooms[i] ?? 1);
  z[0] = -z[0];
  // ((s − 1)/2)·z with the sign in front, and `+ 0` so a centred axis of size 1 gives 0, not −0
  const origin = (axis: number) => -(((s[axis] - 1) / 2) * z[axis]) + 0;
  return [
    [z[0], 0, 0, origin(0)],
    [0, z[1], 0, origin(1)],
    [0, 0, z[2], origin(2)],
    [0, 0, 0, 1],
  ];
}

/**
 * Parses the header at the start of `bytes` (already decompressed).
 * Throws LsslError naming `file` for anything that is not a readable NIfTI header.
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string): ParsedNiftiHeader {
  const { version, littleEndian } = detectVersion(bytes, file);
  const size = HEADER_SIZE[version];
  if (bytes.length < size) {
    throw inputError(
      `truncated file: a NIfTI-${version} header needs ${size} bytes, the file has ${bytes.length}`,
      file,
    );
  }
  const isPair = checkMagic(bytes, version, file);
  // Only the fixed-size header goes to nifti-reader-js, so it never walks extensions of a corrupt file.
  // (A copy: `bytes` may be a Node Buffer, whose slice() is a view into a shared pool.)
  const headerBuffer = new Uint8Array(bytes.subarray(0, size)).buffer;
  const view = new DataView(headerBuffer);
  const h: NIFTI1 | NIFTI2 = version === 1 ? new NIFTI1() : new NIFTI2();
  try {
    h.readHeader(headerBuffer);
  } catch (error) {
    throw inputError(`not a NIfTI file: ${(error as Error).message}`, file);
  }

  const dims =
    version === 1 ? h.dims.slice(0, 8) : [0, 1, 2, 3, 4, 5, 6, 7].map((i) => int64At(view, 16 + 8 * i, littleEndian));
  const ndim = dims[0];
  if (!(ndim >= 1 && ndim <= 7))
    throw inputError(`dim[0] (the number of dimensions) must be between 1 and 7, not ${ndim}`, file);
  const shape = dims.slice(1, ndim + 1);
  if (shape.some((d) => !(d >= 1)))
    throw inputError(`every dimension must be at least 1, not [${shape.join(', ')}]`, file);

  const datatype = datatypeOfCode(h.datatypeCode, file);

  // nibabel's _chk_pixdims and _chk_qfac: spatial zooms of 0 become 1, negative ones their
  // absolute value; a qfac other than ±1 becomes 1.
  const pixdim = h.pixDims.slice(0, 8).map((v) => Number(v));
  for (let i = 1; i <= 3; i++) pixdim[i] = pixdim[i] === 0 ? 1 : Math.abs(pixdim[i]);
  const qfac: 1 | -1 = pixdim[0] === -1 ? -1 : 1;

  const xformCode = (code: number) => (Number.isInteger(code) && code >= 0 && code <= MAX_XFORM_CODE ? code : 0);
  const qformCode = xformCode(h.qform_code);
  const sformCode = xformCode(h.sform_code);

  let affine: Affine;
  if (sformCode !== 0) {
    const srowAt = version === 1 ? 280 : 400;
    const read = (i: number) =>
      version === 1 ? view.getFloat32(srowAt + 4 * i, littleEndian) : view.getFloat64(srowAt + 8 * i, littleEndian);
    affine = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => read(4 * r + c)));
    affine.push([0, 0, 0, 1]);
  } else if (qformCode !== 0) {
    const quaternion = fillPositiveQuaternion(h.quatern_b, h.quatern_c, h.quatern_d, QUATERNION_THRESHOLD[version]);
    if (quaternion === undefined) {
      throw inputError(
        `qform quaternion is invalid: b² + c² + d² must be at most 1 (b, c, d = ${h.quatern_b}, ${h.quatern_c}, ${h.quatern_d})`,
        file,
      );
    }
    affine = qformAffine(quaternion, [pixdim[1], pixdim[2], pixdim[3]], qfac, [h.qoffset_x, h.qoffset_y, h.qoffset_z]);
  } else {
    affine = baseAffine(shape, pixdim.slice(1, ndim + 1));
  }
  // −0 (from sign flips of zero entries) prints and compares badly; it means 0.
  affine = affine.map((row) => row.map((v) => v + 0));
  if (affine.flat().some((v) => !Number.isFinite(v))) {
    throw inputError(
      `affine must be finite, not [${affine
        .slice(0, 3)
        .map((r) => r.join(' '))
        .join('; ')}]`,
      file,
    );
  }

  const voxOffsetRaw = version === 1 ? h.vox_offset : int64At(view, 168, littleEndian);
  if (!(voxOffsetRaw >= 0) || !Number.isFinite(voxOffsetRaw))
    throw inputError(`vox_offset must be a non-negative number, not ${voxOffsetRaw}`, file);
  // nibabel reads int(vox_offset). A single file's voxels follow the header and its 4
  // extension bytes; 0 means "not set" there (niftilib's reading; nibabel would read the
  // header bytes as voxels).
  let voxOffset = Math.trunc(voxOffsetRaw);
  if (!isPair && voxOffset === 0) voxOffset = size + 4;
  if (!isPair && voxOffset < size + 4) {
    throw inputError(
      `vox_offset must be at least ${size + 4} in a single-file NIfTI-${version}, not ${voxOffset}`,
      file,
    );
  }

  return {
    niftiVersion: version,
    littleEndian,
    isPair,
    datatype,
    shape,
    spacing: pixdim.slice(1, ndim + 1),
    affine,
    qformCode,
    sformCode,
    sclSlope: h.scl_slope,
    sclInter: h.scl_inter,
    xyztUnits: h.xyzt_units,
    description: cString(bytes, version === 1 ? 148 : 240, 80),
    voxOffset,
  };
}

/**
 * Scale factors nibabel applies (`get_slope_inter`): none when the slope is 0 or not finite;
 * a finite slope with a non-finite intercept is a corrupt header.
 */
export function scalingOf(header: ParsedNiftiHeader, file: string): { slope: number; inter: number } | undefined {
  const { sclSlope: slope, sclInter: inter } = header;
  if (slope === 0 || !Number.isFinite(slope)) return undefined;
  if (!Number.isFinite(inter)) throw inputError(`scl_inter must be finite when scl_slope is set, not ${inter}`, file);
  if (slope === 1 && inter === 0) return undefined;
  return { slope, inter };
}
