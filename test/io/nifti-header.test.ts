import { describe, expect, it } from 'vitest';
import { baseAffine, detectVersion, parseNiftiHeader, scalingOf } from '../../src/io/nifti-header.js';

/** A minimal little-endian NIfTI-1 header (348 bytes + 4 extension bytes) with the given fields. */
function header(
  fields: {
    dims?: number[];
    pixdim?: number[];
    qform?: number;
    sform?: number;
    slope?: number;
    inter?: number;
    datatype?: number;
  } = {},
): Uint8Array {
  const bytes = new Uint8Array(352);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 348, true);
  (fields.dims ?? [3, 3, 5, 7, 1, 1, 1, 1]).forEach((d, i) => view.setInt16(40 + 2 * i, d, true));
  view.setInt16(70, fields.datatype ?? 16, true);
  view.setInt16(72, 32, true);
  (fields.pixdim ?? [1, 3, 2, 1, 1, 1, 1, 1]).forEach((p, i) => view.setFloat32(76 + 4 * i, p, true));
  view.setFloat32(108, 352, true);
  view.setFloat32(112, fields.slope ?? 0, true);
  view.setFloat32(116, fields.inter ?? 0, true);
  view.setInt16(252, fields.qform ?? 0, true);
  view.setInt16(254, fields.sform ?? 0, true);
  bytes.set([0x6e, 0x2b, 0x31, 0], 344);
  return bytes;
}

describe('NIfTI header', () => {
  it('baseAffine is nibabel’s shape_zoom_affine: the docstring example (3, 5, 7), zooms (3, 2, 1)', () => {
    expect(baseAffine([3, 5, 7], [3, 2, 1])).toEqual([
      [-3, 0, 0, 3],
      [0, 2, 0, -4],
      [0, 0, 1, -3],
      [0, 0, 0, 1],
    ]);
    // fewer than 3 dims are padded with 1s (origin 0 on the missing axes)
    expect(baseAffine([4], [2])).toEqual([
      [-2, 0, 0, 3],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('takes version and byte order from sizeof_hdr', () => {
    const be = new Uint8Array(4);
    new DataView(be.buffer).setInt32(0, 540, false);
    expect(detectVersion(be, 'f')).toEqual({ version: 2, littleEndian: false });
    expect(detectVersion(header(), 'f')).toEqual({ version: 1, littleEndian: true });
  });

  it('falls back to the pixdim affine, fixing zooms as nibabel does', () => {
    const h = parseNiftiHeader(header({ pixdim: [0, -3, 0, 1, 1, 1, 1, 1] }), 'f');
    expect(h.spacing).toEqual([3, 1, 1]);
    expect(h.affine).toEqual(baseAffine([3, 5, 7], [3, 1, 1]));
    expect(h.datatype.name).toBe('float32');
  });

  it('qform with the identity quaternion: diag(pixdim) with qfac on the third axis', () => {
    const h = parseNiftiHeader(header({ qform: 1, pixdim: [-1, 3, 2, 1.5, 1, 1, 1, 1] }), 'f');
    expect(h.affine).toEqual([
      [3, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, -1.5, 0],
      [0, 0, 0, 1],
    ]);
    expect(parseNiftiHeader(header({ qform: 1, sform: 77 }), 'f').sformCode).toBe(0);
  });

  it('scaling: none for slope 0, NaN, ±Inf or (1, 0); a bad intercept is an error', () => {
    expect(scalingOf(parseNiftiHeader(header({ slope: 0, inter: 4 }), 'f'), 'f')).toBeUndefined();
    expect(scalingOf(parseNiftiHeader(header({ slope: NaN }), 'f'), 'f')).toBeUndefined();
    expect(scalingOf(parseNiftiHeader(header({ slope: Infinity }), 'f'), 'f')).toBeUndefined();
    expect(scalingOf(parseNiftiHeader(header({ slope: 1, inter: 0 }), 'f'), 'f')).toBeUndefined();
    expect(scalingOf(parseNiftiHeader(header({ slope: 2, inter: -1 }), 'f'), 'f')).toEqual({ slope: 2, inter: -1 });
    expect(() => scalingOf(parseNiftiHeader(header({ slope: 2, inter: NaN }), 'x.nii'), 'x.nii')).toThrow(
      /scl_inter must be finite when scl_slope is set, not NaN/,
    );
  });

  it('refuses impossible dims and offsets with the rule and the value', () => {
    expect(() => parseNiftiHeader(header({ dims: [3, 3, 0, 7, 1, 1, 1, 1] }), 'f')).toThrow(
      'every dimension must be at least 1, not [3, 0, 7]',
    );
    expect(() => parseNiftiHeader(header({ dims: [9, 3, 5, 7, 1, 1, 1, 1] }), 'f')).toThrow(
      'dim[0] (the number of dimensions) must be between 1 and 7, not 9',
    );
    const low = header();
    new DataView(low.buffer).setFloat32(108, 100, true);
    expect(() => parseNiftiHeader(low, 'f')).toThrow(
      'vox_offset must be at least 352 in a single-file NIfTI-1, not 100',
    );
  });
});
