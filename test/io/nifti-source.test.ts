/**
 * readNiftiSource (preprocessing's reader) gives exactly readNifti's voxel values, in place
 * only for the small integer types without scaling, and preprocessing either gives the same
 * bytes. Files written by nibabel, in every byte order and type the shortcut must tell apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, readNiftiSource } from '../../src/io/nifti.js';
import { checkedVolume } from '../../src/io/image-checks.js';
import { preprocess } from '../../src/io/transforms.js';
import { LsslError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lssl-nifti-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** name → [numpy dtype, scl_slope, scl_inter, whether it is read in place] */
const CASES: Record<string, [string, number, number, boolean]> = {
  int16: ['<i2', 1, 0, true],
  uint8: ['u1', 1, 0, true],
  int8: ['i1', 1, 0, true],
  uint16: ['<u2', 1, 0, true],
  'int16 big-endian': ['>i2', 1, 0, false],
  'int16 scaled': ['<i2', 0.5, 3, false],
  int32: ['<i4', 1, 0, false],
  float32: ['<f4', 1, 0, false],
};
const file = (name: string) => join(dir, `${name.replace(/ /g, '-')}.nii.gz`);

beforeAll(() => {
  const script = `
import sys, json, numpy as np, nibabel as nib
cases = json.loads(sys.argv[1])
rng = np.random.default_rng(4)
for path, (dtype, slope, inter) in cases.items():
    info = np.iinfo(dtype) if np.dtype(dtype).kind in 'iu' else None
    lo, hi = (max(info.min, -3000), min(info.max, 3000)) if info else (-50, 900)
    data = rng.integers(lo, hi, size=(23, 19, 17)).astype(dtype)
    if info is None: data[3, 4, 5] = np.nan
    affine = np.array([[-1.2, 0, 0, 14], [0, 0, 1.1, -9], [0, 1.3, 0, 7], [0, 0, 0, 1]])
    header = nib.Nifti1Header().as_byteswapped('>') if dtype.startswith('>') else None
    img = nib.Nifti1Image(data, affine, header)
    img.header.set_data_dtype(dtype)
    img.header.set_slope_inter(slope, inter)
    nib.save(img, path)
`;
  const cases = Object.fromEntries(Object.entries(CASES).map(([name, [dtype, s, i]]) => [file(name), [dtype, s, i]]));
  execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(cases)], { stdio: ['ignore', 'ignore', 'inherit'] });
});

describe('readNiftiSource', () => {
  it.each(Object.keys(CASES))('%s: the values of readNifti; preprocessing gives the same bytes', async (name) => {
    const [, , , inPlace] = CASES[name];
    const image = await readNifti(file(name));
    const source = await readNiftiSource(file(name));
    expect(source.data instanceof Float32Array).toBe(!inPlace);
    expect(source.data.length).toBe(image.data.length);
    expect(Array.from(source.data)).toEqual(Array.from(image.data));
    if (name.includes('big-endian')) expect(image.header.littleEndian).toBe(false);
    const { data, ...header } = source;
    const { data: _, ...imageHeader } = image;
    expect(header).toEqual(imageHeader);
    for (const options of [{}, { shape: 8, spacing: 2 }, { shape: [9, 7, 5], normalize: 'percentile' as const }]) {
      const fromSource = preprocess(checkedVolume(source, name).volume, options);
      const fromImage = preprocess(checkedVolume(image, name).volume, options);
      expect(Buffer.from(fromSource.data.buffer).equals(Buffer.from(fromImage.data.buffer))).toBe(true);
      expect(fromSource.affine).toEqual(fromImage.affine);
    }
  });

  it('a constant in-place volume is refused as readNifti’s is', async () => {
    const script = `
import sys, numpy as np, nibabel as nib
img = nib.Nifti1Image(np.full((6, 5, 4), 7, dtype='<i2'), np.eye(4))
img.header.set_slope_inter(1, 0)
nib.save(img, sys.argv[1])
`;
    const path = join(dir, 'constant.nii.gz');
    execFileSync('/usr/bin/python3', ['-c', script, path], { stdio: ['ignore', 'ignore', 'inherit'] });
    const source = await readNiftiSource(path);
    expect(source.data).toBeInstanceOf(Int16Array);
    expect(() => checkedVolume(source, path)).toThrow(LsslError);
    expect(() => checkedVolume(source, path)).toThrow(/constant \(every finite voxel is 7\)/);
  });
});
