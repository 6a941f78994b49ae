/**
 * Registration on real anatomy: the Colin27 brain (Debian's mricron-data) at 2 mm as the
 * baseline, and follow-ups made by nibabel/scipy (test/fixtures/register_fixtures.py) — the
 * head moved by a known rigid motion and stored in another orientation, datatype and voxel
 * size. lssl must recover the motion, write OUT on the baseline's grid and affine, and
 * match elastix's own resampling (which checks the RAS ↔ LPS conversion and the reading of
 * elastix's parameters). Skipped in one line without mricron-data or python3-nibabel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { niftiToVolume, readNifti } from '../../src/io/nifti.js';
import {
  estimateTransform,
  registerFiles,
  registrationCopy,
  resampleOnto,
  type TransformKind,
} from '../../src/io/register.js';
import { itkGeometryOf } from '../../src/io/registration/itk-image.js';
import { invertAffine } from '../../src/io/registration/world-matrix.js';
import type { Affine, Volume } from '../../src/io/volume.js';
import { runPythonLive } from './python-reference.js';
import { hasTools, skipUnless } from '../helpers/references.js';
import { MRICRON_TEMPLATES, PYTHON } from '../helpers/reference-tools.js';
import { LsslError } from '../../src/errors.js';

const BRAIN = `${MRICRON_TEMPLATES}/ch2bet.nii.gz`;
/** the real brain and the python that moves it: live only (no golden files for a brain) */
const TOOLS = ['mricron', 'numpy', 'scipy', 'nibabel'] as const;

/** Follow-ups: every stored orientation family (flips, permutations), int16 with slope, other voxel sizes. */
const MOVES = [
  { name: 'las', axcodes: 'LAS', voxel_mm: 2.4, dtype: 'int16', rot_deg: [5, -3, 4], trans_mm: [4, -3, 2] },
  { name: 'ras', axcodes: 'RAS', voxel_mm: 2, dtype: 'float32', rot_deg: [-4, 2, 3], trans_mm: [-3, 2, 5] },
  { name: 'lpi', axcodes: 'LPI', voxel_mm: 2.2, dtype: 'int16', rot_deg: [3, 4, -2], trans_mm: [2, 5, -3] },
  { name: 'psr', axcodes: 'PSR', voxel_mm: 1.8, dtype: 'float32', rot_deg: [-2, -5, 3], trans_mm: [-4, -2, 3] },
  { name: 'sla', axcodes: 'SLA', voxel_mm: 2.5, dtype: 'int16', rot_deg: [4, 3, 5], trans_mm: [3, 3, -4] },
];
/** An affine motion whose rotation and scaling do not commute: it tells the order of elastix's stages. */
const SHEARED = {
  name: 'scaled',
  axcodes: 'LPS',
  voxel_mm: 2,
  dtype: 'float32',
  rot_deg: [3, -4, 15],
  trans_mm: [3, -2, 4],
  scale: [1.12, 0.92, 1.05],
};

interface Fixtures {
  baseline: { shape: number[]; affine: Affine };
  moves: Record<string, { path: string; fixed_to_moving: Affine; axcodes: string; dtype: string; slope: number }>;
}

const root = mkdtempSync(join(tmpdir(), 'lssl-register-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Largest distance (mm) between where two transforms send the brain's voxels (every 2nd voxel). */
function worstDisplacement(a: Affine, b: Affine, fixed: Volume): number {
  const [nx, ny, nz] = fixed.shape;
  let worst = 0;
  for (let k = 0; k < nz; k += 2)
    for (let j = 0; j < ny; j += 2)
      for (let i = 0; i < nx; i += 2) {
        if (!(fixed.data[i + nx * (j + ny * k)] > 0)) continue;
        const p = [0, 1, 2].map(
          (r) => fixed.affine[r][0] * i + fixed.affine[r][1] * j + fixed.affine[r][2] * k + fixed.affine[r][3],
        );
        const d = [0, 1, 2].map(
          (r) =>
            (a[r][0] - b[r][0]) * p[0] + (a[r][1] - b[r][1]) * p[1] + (a[r][2] - b[r][2]) * p[2] + a[r][3] - b[r][3],
        );
        worst = Math.max(worst, Math.hypot(d[0], d[1], d[2]));
      }
  return worst;
}

/** Normalised cross-correlation of a and b over the voxels where mask > 0. */
function nccInside(a: ArrayLike<number>, b: ArrayLike<number>, mask: ArrayLike<number>): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++)
    if (mask[i] > 0) {
      n++;
      sa += a[i];
      sb += b[i];
    }
  const ma = sa / n;
  const mb = sb / n;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++)
    if (mask[i] > 0) {
      c += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) ** 2;
      vb += (b[i] - mb) ** 2;
    }
  return c / Math.sqrt(va * vb);
}

const IDENTITY: Affine = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];

describe('registration on ch2bet', () => {
  let fixtures: Fixtures;
  let baseline: Volume;
  const baselinePath = join(root, 'baseline.nii.gz');

  beforeEach((context) => skipUnless(context, ...TOOLS));
  beforeAll(async () => {
    if (!hasTools(...TOOLS)) return;
    const script = join(import.meta.dirname, '..', 'fixtures', 'register_fixtures.py');
    const spec = JSON.stringify({ base_mm: 2, moves: [...MOVES, SHEARED] });
    fixtures = JSON.parse(execFileSync(PYTHON, [script, BRAIN, root, spec], { encoding: 'utf8' }));
    baseline = niftiToVolume(await readNifti(baselinePath), 0);
  });

  it('the follow-ups are stored as intended (orientation, int16 with a slope)', () => {
    for (const move of MOVES) {
      const made = fixtures.moves[move.name];
      expect(made.axcodes).toBe(move.axcodes);
      expect(made.dtype).toBe(move.dtype);
      if (move.dtype === 'int16') expect(made.slope).not.toBe(1);
    }
  });

  it.each(MOVES.map((m) => m.name))(
    '%s: recovers the rigid motion and writes OUT on the baseline grid and affine (nibabel)',
    async (name) => {
      const made = fixtures.moves[name];
      const out = join(root, `${name}-out.nii.gz`);
      const result = await registerFiles(baselinePath, made.path, out, { saveTransform: join(root, `${name}.json`) });
      expect(worstDisplacement(result.fixedToMoving, made.fixed_to_moving, baseline)).toBeLessThan(0.3);

      const written = runPythonLive(
        `import nibabel as nib
img = nib.load(inp['out'])
out = {'shape': list(img.shape), 'affine': img.affine.tolist(), 'dtype': str(img.get_data_dtype()), 'data': enc(img.get_fdata())}`,
        { out },
      );
      expect(written.shape).toEqual(baseline.shape);
      expect(written.dtype).toBe('float32');
      written.affine
        .flat()
        .forEach((v: number, i: number) => expect(v).toBeCloseTo(baseline.affine[Math.floor(i / 4)][i % 4], 5));

      const moving = niftiToVolume(await readNifti(made.path), 0);
      const before = resampleOnto(moving, baseline, IDENTITY).data;
      const after = Buffer.from(written.data, 'base64');
      const afterData = new Float64Array(after.buffer.slice(after.byteOffset, after.byteOffset + after.byteLength));
      const nccBefore = nccInside(baseline.data, before, baseline.data);
      const nccAfter = nccInside(baseline.data, afterData, baseline.data);
      expect(nccAfter).toBeGreaterThan(0.95);
      expect(nccAfter).toBeGreaterThan(nccBefore + 0.1);

      const saved = JSON.parse(readFileSync(join(root, `${name}.json`), 'utf8'));
      const product = saved.fixedToMovingRas.map((row: number[]) =>
        [0, 1, 2, 3].map((c) =>
          row.reduce((s: number, v: number, k: number) => s + v * saved.movingToFixedRas[k][c], 0),
        ),
      );
      product.flat().forEach((v: number, i: number) => expect(v).toBeCloseTo(IDENTITY[Math.floor(i / 4)][i % 4], 9));
    },
  );

  it.each(['rigid', 'affine', 'rigid+affine'] as TransformKind[])(
    '%s: lssl reads elastix’s transform as elastix applies it (its own resampled image)',
    async (transform) => {
      const moving = niftiToVolume(await readNifti(fixtures.moves.scaled.path), 0);
      const estimate = await estimateTransform(baseline, moving, { transform }, { elastixResult: true });
      if (transform !== 'rigid')
        expect(worstDisplacement(estimate.fixedToMoving, fixtures.moves.scaled.fixed_to_moving, baseline)).toBeLessThan(
          1,
        );
      const fixedCopy = registrationCopy(baseline);
      const ours = resampleOnto(registrationCopy(moving), fixedCopy, estimate.fixedToMoving);
      const theirs = estimate.elastixResult!;
      expect(theirs.shape).toEqual(fixedCopy.shape);
      // the brain, away from its edge where the two interpolators' borders differ
      let worst = 0;
      let max = 0;
      for (let i = 0; i < ours.data.length; i++) {
        if (!(fixedCopy.data[i] > 20)) continue;
        worst = Math.max(worst, Math.abs(ours.data[i] - theirs.data[i]));
        max = Math.max(max, Math.abs(theirs.data[i]));
      }
      expect(worst / max).toBeLessThan(0.02);
      expect(nccInside(ours.data, theirs.data, fixedCopy.data)).toBeGreaterThan(0.999);
    },
  );

  it('the ITK geometry of every stored orientation is nibabel’s affine in LPS', async () => {
    for (const move of MOVES) {
      const volume = niftiToVolume(await readNifti(fixtures.moves[move.name].path), 0);
      const reference = runPythonLive(
        `import nibabel as nib, numpy as np
img = nib.load(inp['path'])
flip = np.diag([-1.0, -1.0, 1.0])
zooms = np.sqrt((img.affine[:3, :3] ** 2).sum(axis=0))
out = {'origin': (flip @ img.affine[:3, 3]).tolist(), 'spacing': zooms.tolist(),
       'direction': (flip @ img.affine[:3, :3] / zooms).ravel().tolist()}`,
        { path: fixtures.moves[move.name].path },
      );
      const geometry = itkGeometryOf(volume);
      geometry.origin.forEach((v, i) => expect(v).toBeCloseTo(reference.origin[i], 4));
      geometry.spacing.forEach((v, i) => expect(v).toBeCloseTo(reference.spacing[i], 5));
      geometry.direction.forEach((v, i) => expect(v).toBeCloseTo(reference.direction[i], 6));
    }
  });

  it('resampleOnto with a known transform matches scipy map_coordinates', () => {
    const transform = invertAffine(fixtures.moves.ras.fixed_to_moving);
    const ours = resampleOnto(baseline, baseline, transform);
    const reference = runPythonLive(
      `from scipy.ndimage import map_coordinates
a = np.array(inp['affine']); t = np.array(inp['transform']); shape = inp['shape']
data = vol(inp['data'], shape)
ijk = np.indices(shape).reshape(3, -1)
src = np.linalg.inv(a) @ t @ a @ np.vstack([ijk, np.ones(ijk.shape[1])])
out = enc(map_coordinates(data, src[:3], order=1, mode='constant', cval=0.0).reshape(shape))`,
      {
        affine: baseline.affine,
        transform,
        shape: baseline.shape,
        data: Buffer.from(Float64Array.from(baseline.data).buffer).toString('base64'),
      },
    );
    const bytes = Buffer.from(reference, 'base64');
    const expected = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let worst = 0;
    const [nx, ny, nz] = baseline.shape;
    for (let k = 1; k < nz - 1; k++)
      for (let j = 1; j < ny - 1; j++)
        for (let i = 1; i < nx - 1; i++) {
          const v = i + nx * (j + ny * k);
          worst = Math.max(worst, Math.abs(ours.data[v] - expected[v]));
        }
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('registration failures', () => {
  const affine: Affine = [
    [2, 0, 0, 0],
    [0, 2, 0, 0],
    [0, 0, 2, 0],
    [0, 0, 0, 1],
  ];
  const cube = (n: number, value: (i: number) => number): Volume => ({
    data: Float32Array.from({ length: n ** 3 }, (_, i) => value(i)),
    shape: [n, n, n],
    spacing: [2, 2, 2],
    affine,
  });

  it('refuses a constant image instead of returning the identity elastix finds for it', async () => {
    const error = await estimateTransform(
      cube(20, () => 0),
      cube(20, (i) => i % 7),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).message).toBe('cannot register a constant image: every voxel of the fixed image is 0');
  });

  it('turns an elastix crash into an input error and leaves process.exitCode as it was', async () => {
    const before = process.exitCode;
    const tiny = cube(2, (i) => i);
    const error = await estimateTransform(tiny, tiny).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as LsslError).message).toMatch(/^elastix could not register these images: .*too small/);
    expect(process.exitCode).toBe(before);
  });
});
