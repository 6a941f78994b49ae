import { describe, expect, it } from 'vitest';
import {
  applyOrientation,
  axcodesToOrientation,
  invOrntAff,
  ioOrientation,
  orientationCode,
  orientationTransform,
  toCanonical,
  type Orientation,
} from '../../src/io/orientation.js';
import type { Affine, Volume } from '../../src/io/volume.js';
import { decodeVolume, encodeVolume, expectClose, runPython } from './python-reference.js';

function rotation(axis: number, degrees: number): number[][] {
  const t = (degrees * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const m = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const [p, q] = [0, 1, 2].filter((a) => a !== axis);
  m[p][p] = c;
  m[p][q] = -s;
  m[q][p] = s;
  m[q][q] = c;
  return m;
}

function affineFrom(linear: number[][], translation: number[]): Affine {
  return [...linear.map((row, r) => [...row, translation[r]]), [0, 0, 0, 1]];
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, c) => row.reduce((s, x, k) => s + x * b[k][c], 0)));
}

const diag = (x: number, y: number, z: number) => [
  [x, 0, 0],
  [0, y, 0],
  [0, 0, z],
];

/** Named affines: axis-aligned codes, permutations, oblique rotations, shear, anisotropic zooms. */
const AFFINES: Record<string, Affine> = {
  RAS: affineFrom(diag(1, 1, 1), [-10, -20, -30]),
  LAS: affineFrom(diag(-1.2, 1, 1.5), [90, -126, -72]),
  LPS: affineFrom(diag(-1, -1, 2), [90, 126, -72]),
  PSR: affineFrom(
    [
      [0, 0, 1.1],
      [-0.9, 0, 0],
      [0, 1.3, 0],
    ],
    [5, 6, 7],
  ),
  ILA: affineFrom(
    [
      [0, -2, 0],
      [0, 0, 1],
      [-1, 0, 0],
    ],
    [0, 0, 0],
  ),
  obliqueZ30: affineFrom(matmul(rotation(2, 30), diag(-1, 1, 1.2)), [3, -4, 5]),
  obliqueX40Y20: affineFrom(matmul(matmul(rotation(0, 40), rotation(1, 20)), diag(1, 0.8, 1.5)), [1, 2, 3]),
  obliquePermuted: affineFrom(
    matmul(rotation(1, 35), [
      [0, 1, 0],
      [0, 0, -1],
      [1.5, 0, 0],
    ]),
    [-1, 0, 1],
  ),
  sheared: affineFrom(
    [
      [1, 0.3, 0.1],
      [0.2, -1, 0.4],
      [0, 0.1, 2],
    ],
    [0, 0, 0],
  ),
};

const SHAPE: [number, number, number] = [5, 4, 3];

function rampVolume(affine: Affine): Volume {
  const n = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = i * 1.5 - 7;
  return { data, shape: [...SHAPE], spacing: [1, 2, 3], affine };
}

// One python process for every affine: nibabel's io_orientation, aff2axcodes, as_closest_canonical.
const reference = runPython(
  `
import nibabel as nib
from nibabel.orientations import io_orientation, aff2axcodes
out = {}
for name, aff in inp['affines'].items():
    aff = np.array(aff, dtype=float)
    data = vol(inp['data'], inp['shape'])
    img = nib.Nifti1Image(data, aff)
    can = nib.as_closest_canonical(img)
    out[name] = {
        'ornt': io_orientation(aff).tolist(),
        'code': ''.join(aff2axcodes(aff)),
        'shape': list(can.shape),
        'affine': can.affine.tolist(),
        'data': enc(np.asanyarray(can.dataobj)),
    }
`,
  { affines: AFFINES, data: encodeVolume(rampVolume(AFFINES.RAS).data), shape: SHAPE },
);

describe('ioOrientation / orientationCode against nibabel', () => {
  for (const name of Object.keys(AFFINES)) {
    it(`${name}: io_orientation and aff2axcodes`, () => {
      expect(ioOrientation(AFFINES[name])).toEqual(reference[name].ornt);
      expect(orientationCode(AFFINES[name])).toBe(reference[name].code);
    });
  }

  it('names the four hand-checked codes', () => {
    expect(orientationCode(AFFINES.LAS)).toBe('LAS');
    expect(orientationCode(AFFINES.LPS)).toBe('LPS');
    expect(orientationCode(AFFINES.PSR)).toBe('PSR');
    expect(orientationCode(AFFINES.RAS)).toBe('RAS');
  });

  it('marks a zero column as dropped', () => {
    const affine = affineFrom(diag(1, 0, 1), [0, 0, 0]);
    const ornt = ioOrientation(affine);
    expect(ornt[0]).toEqual([0, 1]);
    expect(Number.isNaN(ornt[1][0])).toBe(true);
    expect(ornt[2]).toEqual([2, 1]);
  });
});

describe('toCanonical against nibabel as_closest_canonical', () => {
  for (const name of Object.keys(AFFINES)) {
    it(`${name}: same voxels, shape and affine`, () => {
      const canonical = toCanonical(rampVolume(AFFINES[name]));
      expect(canonical.shape).toEqual(reference[name].shape);
      expectClose(canonical.affine.flat(), reference[name].affine.flat(), 1e-12);
      expectClose(canonical.data, decodeVolume(reference[name].data), 0);
      expect(orientationCode(canonical.affine)).toBe('RAS');
    });
  }

  it('returns its input when already RAS+', () => {
    const v = rampVolume(AFFINES.RAS);
    expect(toCanonical(v)).toBe(v);
  });

  it('permutes the spacing with the axes', () => {
    const canonical = toCanonical(rampVolume(AFFINES.PSR));
    // PSR: voxel axis 0 → world y, 1 → z, 2 → x, so RAS spacing is [s2, s0, s1].
    expect(canonical.spacing).toEqual([3, 1, 2]);
  });
});

describe('orientation algebra', () => {
  it('orientationTransform matches nibabel ornt_transform', () => {
    const pairs: [string, string][] = [
      ['LAS', 'RAS'],
      ['PSR', 'RAS'],
      ['RAS', 'ILA'],
      ['LPS', 'SRP'],
    ];
    const expected = runPython(
      `
from nibabel.orientations import axcodes2ornt, ornt_transform
out = [ornt_transform(axcodes2ornt(a), axcodes2ornt(b)).tolist() for a, b in inp]
`,
      pairs,
    );
    pairs.forEach(([a, b], i) =>
      expect(orientationTransform(axcodesToOrientation(a), axcodesToOrientation(b))).toEqual(expected[i]),
    );
  });

  it('applyOrientation and invOrntAff match nibabel for every axis permutation and flip', () => {
    const orientations: Orientation[] = [];
    const perms = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const p of perms)
      for (let f = 0; f < 8; f++) orientations.push(p.map((axis, i) => [axis, f & (1 << i) ? -1 : 1]));
    const data = rampVolume(AFFINES.RAS).data;
    const expected = runPython(
      `
from nibabel.orientations import apply_orientation, inv_ornt_aff
a = vol(inp['data'], inp['shape'])
out = [{'data': enc(apply_orientation(a, o)), 'shape': list(apply_orientation(a, o).shape),
        'aff': inv_ornt_aff(np.array(o), inp['shape']).tolist()} for o in inp['ornts']]
`,
      { data: encodeVolume(data), shape: SHAPE, ornts: orientations },
    );
    orientations.forEach((ornt, i) => {
      const result = applyOrientation(data, SHAPE, ornt);
      expect(result.shape).toEqual(expected[i].shape);
      expectClose(result.data, decodeVolume(expected[i].data), 0);
      expect(invOrntAff(ornt, SHAPE)).toEqual(expected[i].aff);
    });
  });

  it('keeps the typed-array class (masks stay Uint8Array)', () => {
    const mask = new Uint8Array(60).map((_, i) => i % 2);
    const result = applyOrientation(mask, SHAPE, axcodesToOrientation('LPS'));
    expect(result.data).toBeInstanceOf(Uint8Array);
  });

  it('rejects an orientation that drops an axis, echoing it', () => {
    expect(() =>
      applyOrientation(new Float32Array(60), SHAPE, [
        [0, 1],
        [0, 1],
        [2, 1],
      ]),
    ).toThrow('not [0, 0, 2]');
    expect(() => axcodesToOrientation('LXS')).toThrow("not 'LXS'");
  });
});
