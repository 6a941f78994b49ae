/**
 * readNiftiSource (preprocessing's reader) gives exactly readNifti's voxel values, in place
 * only for the small integer types without scaling, and preprocessing either gives the same
 * bytes. Files written by nibabel (the golden bundle of nifti-fixtures.ts, so no python is
 * needed), in every byte order and type the shortcut must tell apart.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti, readNiftiSource } from '../../src/io/nifti.js';
import { checkedVolume } from '../../src/io/image-checks.js';
import { preprocess } from '../../src/io/transforms.js';
import { LsslError } from '../../src/errors.js';
import { generateNibabelFixtures } from './nifti-fixtures.js';

const fx = generateNibabelFixtures();
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

/** name → [nibabel fixture, whether it is read in place] */
const CASES: Record<string, [string, boolean]> = {
  int16: ['int16_le_nii_neither_oblique_raw_3d', true],
  uint8: ['uint8_le_nii2gz_qform_LPS_raw_3d', true],
  int8: ['int8_le_nii2_neither_RAS_raw_3d', true],
  uint16: ['uint16_le_niigz_neither_LAS_raw_3d', true],
  'int16 big-endian': ['int16_be_hdr_sform_LPS_raw_3d', false],
  'int16 scaled': ['int16_be_nii_both_RAS_scaled_3d', false],
  int32: ['int32_le_nii2_both_LAS_raw_3d', false],
  float32: ['float32_le_niigz_both_oblique_raw_3d', false],
};
const file = (name: string) => {
  const fixture = fx.fixtures.find((f) => f.name === CASES[name][0]);
  if (!fixture) throw new Error(`no nibabel fixture ${CASES[name][0]}: run test/fixtures/regenerate.sh`);
  return fixture.path;
};

describe('readNiftiSource', () => {
  it.each(Object.keys(CASES))('%s: the values of readNifti; preprocessing gives the same bytes', async (name) => {
    const [, inPlace] = CASES[name];
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
    // nibabel's unscaled little-endian int16 .nii with every voxel set to 7
    const fixture = fx.fixtures.find((f) => f.name === CASES.int16[0])!;
    const bytes = readFileSync(fixture.path);
    const count = fixture.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < count; i++) bytes.writeInt16LE(7, fixture.voxOffset + 2 * i);
    const path = join(fx.dir, 'constant.nii');
    writeFileSync(path, bytes);
    const source = await readNiftiSource(path);
    expect(source.data).toBeInstanceOf(Int16Array);
    expect(() => checkedVolume(source, path)).toThrow(LsslError);
    expect(() => checkedVolume(source, path)).toThrow(/constant \(every finite voxel is 7\)/);
  });
});
