/**
 * NIfTI voxel types and the conversion of raw voxel bytes to float32: byte swap for files
 * of the other endianness, then scl_slope/scl_inter, as nibabel's `get_fdata` does (the
 * product is formed in double precision and rounded once to float32).
 */
import { endianness } from 'node:os';
import { inputError } from '../errors.js';
import type { VoxelValues } from './volume.js';

export type NiftiDatatype =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

export interface NiftiDatatypeInfo {
  name: NiftiDatatype;
  /** NIFTI_TYPE_* code of nifti1.h */
  code: number;
  bytesPerVoxel: number;
}

const SUPPORTED: NiftiDatatypeInfo[] = [
  { name: 'uint8', code: 2, bytesPerVoxel: 1 },
  { name: 'int16', code: 4, bytesPerVoxel: 2 },
  { name: 'int32', code: 8, bytesPerVoxel: 4 },
  { name: 'float32', code: 16, bytesPerVoxel: 4 },
  { name: 'float64', code: 64, bytesPerVoxel: 8 },
  { name: 'int8', code: 256, bytesPerVoxel: 1 },
  { name: 'uint16', code: 512, bytesPerVoxel: 2 },
  { name: 'uint32', code: 768, bytesPerVoxel: 4 },
  { name: 'int64', code: 1024, bytesPerVoxel: 8 },
  { name: 'uint64', code: 1280, bytesPerVoxel: 8 },
];

/** Types nifti1.h defines that are not one real number per voxel (or not one a double holds). */
const UNSUPPORTED: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'rgb24',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

export function datatypeOfCode(code: number, file: string): NiftiDatatypeInfo {
  const info = SUPPORTED.find((t) => t.code === code);
  if (info) return info;
  const supported = SUPPORTED.map((t) => t.name).join(', ');
  if (code in UNSUPPORTED) {
    throw inputError(
      `unsupported datatype ${UNSUPPORTED[code]} (code ${code}): lssl reads one real value per voxel (${supported})`,
      file,
    );
  }
  throw inputError(`unknown datatype code ${code}; NIfTI datatypes lssl reads are ${supported}`, file);
}

export function datatypeByName(name: NiftiDatatype): NiftiDatatypeInfo {
  return SUPPORTED.find((t) => t.name === name)!;
}

const NATIVE_LITTLE_ENDIAN = endianness() === 'LE';

/** Reverses the bytes of every `size`-byte element, in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

type IntView =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

function typedView(name: NiftiDatatype, buffer: ArrayBuffer, byteOffset: number, count: number): IntView {
  switch (name) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, count);
    case 'int8':
      return new Int8Array(buffer, byteOffset, count);
    case 'int16':
      return new Int16Array(buffer, byteOffset, count);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, count);
    case 'int32':
      return new Int32Array(buffer, byteOffset, count);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, count);
    case 'float32':
      return new Float32Array(buffer, byteOffset, count);
    case 'float64':
      return new Float64Array(buffer, byteOffset, count);
    default:
      throw new Error(`no typed view for ${name}`);
  }
}

/**
 * 64-bit integers as doubles, from pairs of native 32-bit words; every value must be an
 * integer a double holds exactly (|v| ≤ 2⁵³), else the file cannot be read faithfully.
 */
function int64ToDoubles(words: Uint32Array, signed: boolean, count: number, file: string): Float64Array {
  const out = new Float64Array(count);
  const [lo, hi] = NATIVE_LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < count; i++) {
    const low = words[2 * i + lo];
    const high = signed ? words[2 * i + hi] | 0 : words[2 * i + hi];
    // high in [−2^21, 2^21) keeps high·2^32 + low within [−2^53, 2^53), where every integer
    // is exact; 2^53 itself (high = 2^21, low = 0) is exact too.
    if (high > 2 ** 21 || high < -(2 ** 21) || (high === 2 ** 21 && low !== 0)) {
      const value = (BigInt(high) << 32n) + BigInt(low);
      throw inputError(
        `${signed ? 'int64' : 'uint64'} voxel ${i} is ${value}, which a double cannot hold exactly (|value| must be at most 2^53)`,
        file,
      );
    }
    out[i] = high * 4294967296 + low;
  }
  return out;
}

/**
 * Voxel values as float32, `count` voxels of `datatype` starting at bytes[0].
 * @param littleEndian byte order of the file
 * @param scaling scl_slope/scl_inter, or undefined for none
 */
export function decodeVoxels(
  bytes: Uint8Array,
  datatype: NiftiDatatypeInfo,
  littleEndian: boolean,
  count: number,
  scaling: { slope: number; inter: number } | undefined,
  file: string,
): Float32Array {
  const size = datatype.bytesPerVoxel;
  const needsSwap = size > 1 && littleEndian !== NATIVE_LITTLE_ENDIAN;
  const aligned = bytes.byteOffset % size === 0 && !needsSwap;
  // A typed view needs aligned native-order bytes; otherwise work on a copy (made with
  // the Uint8Array constructor: a Node Buffer's slice() would be a view, swapped in place).
  const own = aligned ? bytes.subarray(0, count * size) : new Uint8Array(bytes.subarray(0, count * size));
  if (needsSwap) swapBytes(own, size);
  const raw =
    datatype.name === 'int64' || datatype.name === 'uint64'
      ? int64ToDoubles(new Uint32Array(own.buffer, own.byteOffset, count * 2), datatype.name === 'int64', count, file)
      : typedView(datatype.name, own.buffer as ArrayBuffer, own.byteOffset, count);
  const out = new Float32Array(count);
  if (scaling === undefined) {
    out.set(raw);
  } else {
    const { slope, inter } = scaling;
    for (let i = 0; i < count; i++) out[i] = raw[i] * slope + inter;
  }
  return out;
}

/** Stored types whose values a float32 holds exactly, so they can be read in place. */
const EXACT_IN_FLOAT32: readonly NiftiDatatype[] = ['int8', 'uint8', 'int16', 'uint16'];

/**
 * The voxels as a view of `bytes`, without conversion, when that gives exactly the values
 * decodeVoxels would: a small integer type, native byte order, aligned, no scaling.
 * Undefined otherwise (the caller decodes to float32).
 */
export function exactVoxelView(
  bytes: Uint8Array,
  datatype: NiftiDatatypeInfo,
  littleEndian: boolean,
  count: number,
  scaling: { slope: number; inter: number } | undefined,
): VoxelValues | undefined {
  const size = datatype.bytesPerVoxel;
  if (!EXACT_IN_FLOAT32.includes(datatype.name) || scaling !== undefined) return undefined;
  if ((size > 1 && littleEndian !== NATIVE_LITTLE_ENDIAN) || bytes.byteOffset % size !== 0) return undefined;
  return typedView(datatype.name, bytes.buffer as ArrayBuffer, bytes.byteOffset, count) as VoxelValues;
}
