import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeInt16, writeNifti } from '../../src/io/nifti-write.js';
import { writeFileAtomic } from '../../src/io/atomic.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lssl-write-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantizeInt16', () => {
  it('keeps integers that fit int16 as they are', () => {
    const q = quantizeInt16([-32768, 0, 5, 32767], 'f');
    expect(q).toMatchObject({ slope: 1, inter: 0 });
    expect(Array.from(q.codes)).toEqual([-32768, 0, 5, 32767]);
  });

  it('spreads [min, max] over the whole int16 range: min → −32768, max → 32767', () => {
    const q = quantizeInt16([0, 0.25, 1], 'f');
    expect(q.slope).toBe(Math.fround(1 / 65535));
    expect(q.inter).toBe(Math.fround(32768 / 65535));
    expect(q.codes[0]).toBe(-32768);
    expect(q.codes[2]).toBe(32767);
    Array.from(q.codes).forEach((c, i) =>
      expect(Math.abs(c * q.slope + q.inter - [0, 0.25, 1][i])).toBeLessThanOrEqual(q.slope / 2),
    );
  });

  it('a constant goes to the intercept; non-finite values are refused naming the file', () => {
    expect(quantizeInt16([2.5, 2.5], 'f')).toMatchObject({ slope: 1, inter: 2.5 });
    expect(() => quantizeInt16([1, NaN], 'out.nii')).toThrow('int16 output needs finite values, but voxel 1 is NaN');
  });
});

describe('writeNifti file layout', () => {
  it('writes 352 header bytes (sizeof_hdr 348, magic n+1, vox_offset 352) then the voxels', async () => {
    const path = join(dir, 'layout.nii');
    await writeNifti(
      path,
      {
        data: [1, 2, 3, 4, 5, 6],
        shape: [3, 2],
        affine: [
          [-2, 0, 0, 1],
          [0, 2, 0, 2],
          [0, 0, 2, 3],
          [0, 0, 0, 1],
        ],
      },
      { description: 'é long '.repeat(20) },
    );
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    expect(bytes.length).toBe(352 + 6 * 4);
    expect(view.getInt32(0, true)).toBe(348);
    expect(view.getFloat32(108, true)).toBe(352);
    expect(bytes.subarray(344, 348)).toEqual(Buffer.from('n+1\0', 'latin1'));
    expect([0, 1, 2].map((i) => view.getInt16(40 + 2 * i, true))).toEqual([2, 3, 2]);
    expect(view.getFloat32(76, true)).toBe(-1); // qfac of a left-handed affine
    expect(
      Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + 352, bytes.byteOffset + bytes.length))),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    const description = bytes.subarray(148, 228);
    expect(description[79]).toBe(0); // cut to 79 characters and NUL-terminated
    expect(Buffer.from(description.subarray(0, 3)).toString('latin1')).toBe('? l');
  });

  it('writeFileAtomic leaves only the final file', async () => {
    await writeFileAtomic(join(dir, 'a.bin'), Uint8Array.from([1, 2, 3]));
    await writeFileAtomic(join(dir, 'a.bin'), Uint8Array.from([4]));
    expect(Array.from(readFileSync(join(dir, 'a.bin')))).toEqual([4]);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });
});
