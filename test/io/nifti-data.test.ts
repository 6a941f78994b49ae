import { describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { datatypeByName, datatypeOfCode, decodeVoxels, swapBytes } from '../../src/io/nifti-data.js';

/** Bytes of `values` written with DataView in the given byte order. */
function encode(
  values: (number | bigint)[],
  kind: 'Int16' | 'Uint16' | 'Float32' | 'Float64' | 'BigInt64' | 'BigUint64',
  size: number,
  littleEndian: boolean,
  pad = 0,
): Uint8Array {
  const bytes = new Uint8Array(pad + values.length * size);
  const view = new DataView(bytes.buffer);
  // biome-ignore lint/suspicious/noExplicitAny: DataView's setter chosen by name (setInt16, setFloat32, …)
  values.forEach((v, i) => (view as any)[`set${kind}`](pad + i * size, v, littleEndian));
  return bytes.subarray(pad);
}

describe('NIfTI voxel decoding', () => {
  it('knows nifti1.h codes and names unsupported ones', () => {
    expect(datatypeOfCode(4, 'f').name).toBe('int16');
    expect(datatypeOfCode(1280, 'f').bytesPerVoxel).toBe(8);
    expect(() => datatypeOfCode(128, 'a.nii')).toThrow(/unsupported datatype rgb24 \(code 128\)/);
    expect(() => datatypeOfCode(2304, 'a.nii')).toThrow(/rgba32/);
    expect(() => datatypeOfCode(7, 'a.nii')).toThrow(/unknown datatype code 7/);
  });

  it('swaps bytes per element', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(bytes, 4);
    expect(Array.from(bytes)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('reads both byte orders, misaligned too, and applies slope/inter in double precision', () => {
    const values = [-32768, -1, 0, 7, 32767];
    for (const le of [true, false]) {
      for (const pad of [0, 1]) {
        const bytes = encode(values, 'Int16', 2, le, pad);
        expect(Array.from(decodeVoxels(bytes, datatypeByName('int16'), le, 5, undefined, 'f'))).toEqual(values);
        const scaled = decodeVoxels(bytes, datatypeByName('int16'), le, 5, { slope: 0.5, inter: -3.25 }, 'f');
        expect(Array.from(scaled)).toEqual(values.map((v) => Math.fround(v * 0.5 - 3.25)));
      }
    }
    const f64 = encode([1e-3, -2.5e10], 'Float64', 8, false);
    expect(Array.from(decodeVoxels(f64, datatypeByName('float64'), false, 2, undefined, 'f'))).toEqual([
      Math.fround(1e-3),
      Math.fround(-2.5e10),
    ]);
  });

  it('does not modify the caller’s bytes when swapping', () => {
    const bytes = encode([1, 2], 'Uint16', 2, false);
    const copy = Uint8Array.from(bytes);
    decodeVoxels(bytes, datatypeByName('uint16'), false, 2, undefined, 'f');
    expect(bytes).toEqual(copy);
  });

  it('int64/uint64: exact up to ±2^53, refused beyond with the voxel and value', () => {
    const ok = [2n ** 53n, -(2n ** 53n), -1n, 2n ** 40n + 3n];
    for (const le of [true, false]) {
      const out = decodeVoxels(
        encode(ok, 'BigInt64', 8, le),
        datatypeByName('int64'),
        le,
        4,
        { slope: 1, inter: 0 },
        'f',
      );
      expect(Array.from(out)).toEqual(ok.map((v) => Math.fround(Number(v))));
    }
    const tooBig = encode([0n, 2n ** 53n + 1n], 'BigInt64', 8, true);
    const error = (() => {
      try {
        decodeVoxels(tooBig, datatypeByName('int64'), true, 2, undefined, 'big.nii');
      } catch (e) {
        return e as LsslError;
      }
    })();
    expect(error).toBeInstanceOf(LsslError);
    expect(error!.describe()).toBe(
      'int64 voxel 1 is 9007199254740993, which a double cannot hold exactly (|value| must be at most 2^53) (big.nii)',
    );
    const huge = encode([2n ** 63n], 'BigUint64', 8, false);
    expect(() => decodeVoxels(huge, datatypeByName('uint64'), false, 1, undefined, 'f')).toThrow(
      /uint64 voxel 0 is 9223372036854775808/,
    );
  });
});
