import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { ORIENTATIONS, VOXEL_SIZES, chooseStorage, storageGrid, type Storage } from '../../src/sim/storage.js';
import { runPython } from '../io/python-reference.js';

const variants: Storage[] = [
  { axcodes: 'RAS', voxelMm: [1.25, 1.25, 1.25], tiltDeg: 0, datatype: 'int16', compressed: true },
  { axcodes: 'LAS', voxelMm: [1, 1, 1.5], tiltDeg: 0, datatype: 'float32', compressed: false },
  { axcodes: 'LPS', voxelMm: [1.5, 1.1, 1.1], tiltDeg: 6, datatype: 'int16', compressed: false },
  { axcodes: 'PSR', voxelMm: [1.2, 1, 1.5], tiltDeg: -4, datatype: 'float32', compressed: true },
];

describe('storageGrid', () => {
  it('keeps the field of view, centres the grid on world 0, and has the axis codes and voxel sizes nibabel sees', () => {
    const fov = 40;
    const grids = variants.map((s) => storageGrid(s, fov));
    grids.forEach((g, n) => {
      expect(g.dims).toEqual(variants[n].voxelMm.map((v) => Math.round(fov / v)));
      for (let r = 0; r < 3; r++) {
        const centre = g.affine[r][3] + [0, 1, 2].reduce((s, c) => s + g.affine[r][c] * ((g.dims[c] - 1) / 2), 0);
        expect(centre).toBeCloseTo(0, 10);
      }
    });
    const nib = runPython(
      `
import nibabel as nib
from nibabel.orientations import aff2axcodes
out = [{'codes': ''.join(aff2axcodes(np.array(a))), 'zooms': [float(z) for z in nib.affines.voxel_sizes(np.array(a))]} for a in inp]
`,
      grids.map((g) => g.affine),
    );
    nib.forEach((r: { codes: string; zooms: number[] }, n: number) => {
      expect(r.codes).toBe(variants[n].axcodes);
      r.zooms.forEach((z, a) => expect(z).toBeCloseTo(variants[n].voxelMm[a], 10));
    });
  });
});

describe('chooseStorage', () => {
  it('covers every orientation, both datatypes and both compressions in any four consecutive subjects', () => {
    for (const shift of [0, 1, 2, 3]) {
      for (let start = 0; start < 12; start++) {
        const picks = [0, 1, 2, 3].map((i) => chooseStorage(start + i, shift, createRng(i)));
        expect(new Set(picks.map((p) => p.axcodes)).size).toBe(ORIENTATIONS.length);
        expect(new Set(picks.map((p) => p.datatype)).size).toBe(2);
        expect(new Set(picks.map((p) => p.compressed)).size).toBe(2);
      }
    }
  });

  it('draws voxel sizes from the list and tilts at most 8°', () => {
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) {
      const s = chooseStorage(i, 0, rng);
      expect(VOXEL_SIZES.some((v) => v.every((x, a) => x === s.voxelMm[a]))).toBe(true);
      expect(Math.abs(s.tiltDeg)).toBeLessThanOrEqual(8);
    }
  });
});
