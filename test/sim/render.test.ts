import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { drawAnatomy, type SubjectAnatomy } from '../../src/sim/anatomy.js';
import { addRicianNoise, headToWorld, renderScan, rotationMatrix, type ScanState } from '../../src/sim/render.js';
import { storageGrid, type Storage } from '../../src/sim/storage.js';

const SHAPE = 32;
const FOV = SHAPE * 1.25;
const U = FOV / 2;

/** A perfectly regular anatomy (no harmonics, straight ventricles) whose numbers are easy to work out. */
function plainAnatomy(): SubjectAnatomy {
  const a = drawAnatomy(createRng(3), 'F');
  return {
    ...a,
    headAxes: [0.7, 0.84, 0.76],
    headShape: new Array(15).fill(0),
    brainShape: new Array(15).fill(0),
    ventricleCenter: [0.09, 0, 0.1],
    ventricleAxes: [0.06, 0.22, 0.09],
    ventricleBend: 0,
  };
}

const still: ScanState = {
  atrophy: 0,
  pose: { rotationDeg: [0, 0, 0], translationMm: [0, 0, 0] },
  gain: 1,
  bias: new Array(9).fill(0),
  noiseSd: 0,
};
const ras = (voxelMm = 1.25): Storage => ({
  axcodes: 'RAS',
  voxelMm: [voxelMm, voxelMm, voxelMm],
  tiltDeg: 0,
  datatype: 'float32',
  compressed: false,
});

function valueAtWorld(data: Float32Array, dims: number[], affine: number[][], world: number[]): number {
  // RAS grids without tilt: index = (world − offset) / spacing
  const idx = [0, 1, 2].map((a) => Math.round((world[a] - affine[a][3]) / affine[a][a]));
  return data[idx[0] + dims[0] * (idx[1] + dims[1] * idx[2])];
}

describe('renderScan', () => {
  it('puts T1-like tissue values where the anatomy says (WM bright, GM mid, CSF dark, air 0)', () => {
    const anatomy = plainAnatomy();
    const grid = storageGrid(ras(0.5), 2 * U);
    const { data } = renderScan(anatomy, still, grid, U);
    const at = (p: [number, number, number]) =>
      valueAtWorld(data, grid.dims, grid.affine, headToWorld(p, still.pose, U));
    const c = anatomy.contrast;
    expect(at([0.09, 0, 0.1])).toBeCloseTo(c.csf, 5); // right ventricle centre
    expect(at([-0.09, 0, 0.1])).toBeCloseTo(c.csf, 5);
    expect(at([0, 0, -0.2])).toBeCloseTo(c.wm, 5); // deep white matter
    expect(at([0, 0.84 * 0.95, 0])).toBeCloseTo(c.scalp, 5); // anterior scalp, ρ = 0.95
    expect(at([0, 0.84 * 0.87, 0])).toBeCloseTo(c.skull, 5); // ρ = 0.87
    expect(at([0.95, 0.95, 0.95])).toBe(0); // corner of the field of view
  });

  it('measures the ventricles as two ellipsoids, 2·(4/3)π·abc, and grows them by (1 + A)³', () => {
    const anatomy = plainAnatomy();
    const grid = storageGrid(ras(0.5), 2 * U);
    const [a, b, c] = anatomy.ventricleAxes.map((v) => v * U);
    const expected = (2 * (4 / 3) * Math.PI * a * b * c) / 1000;
    const v0 = renderScan(anatomy, still, grid, U).volumes.ventricles;
    expect(Math.abs(v0 - expected) / expected).toBeLessThan(0.03);
    const v1 = renderScan(anatomy, { ...still, atrophy: 0.2 }, grid, U).volumes.ventricles;
    expect(v1 / v0).toBeCloseTo(1.2 ** 3, 1);
  });

  it('thins grey matter, widens sulci and enlarges CSF with atrophy, and leaves the intracranial volume alone', () => {
    const anatomy = drawAnatomy(createRng(11), 'M');
    const grid = storageGrid(ras(), FOV);
    const series = [0, 0.1, 0.3, 0.5].map((atrophy) => renderScan(anatomy, { ...still, atrophy }, grid, U).volumes);
    for (let t = 1; t < series.length; t++) {
      expect(series[t].greyMatter).toBeLessThan(series[t - 1].greyMatter);
      expect(series[t].sulcalCsf / (series[t].greyMatter + series[t].sulcalCsf)).toBeGreaterThan(
        series[t - 1].sulcalCsf / (series[t - 1].greyMatter + series[t - 1].sulcalCsf),
      );
      expect(series[t].ventricles).toBeGreaterThan(series[t - 1].ventricles);
      expect(series[t].csf).toBeGreaterThan(series[t - 1].csf);
      expect(series[t].intracranial).toBeCloseTo(series[0].intracranial, 6);
    }
  });

  it('moves the head with the pose: the image of a translated head is the shifted image', () => {
    const anatomy = drawAnatomy(createRng(5), 'F');
    const grid = storageGrid(ras(), FOV);
    const base = renderScan(anatomy, still, grid, U).data;
    const shifted = renderScan(
      anatomy,
      { ...still, pose: { rotationDeg: [0, 0, 0], translationMm: [2 * 1.25, 0, 0] } },
      grid,
      U,
    ).data;
    const [nx, ny, nz] = grid.dims;
    let worst = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 2; i < nx; i++) {
          worst = Math.max(worst, Math.abs(shifted[i + nx * (j + ny * k)] - base[i - 2 + nx * (j + ny * k)]));
        }
    expect(worst).toBeLessThan(1e-4);
  });

  it('scales by the gain and a smooth bias field exp(b·x) that is 1 at the world origin', () => {
    const anatomy = plainAnatomy();
    const grid = storageGrid(ras(), FOV);
    const base = renderScan(anatomy, still, grid, U).data;
    const bias = [0.1, 0, 0, 0, 0, 0, 0, 0, 0];
    const biased = renderScan(anatomy, { ...still, gain: 2, bias }, grid, U).data;
    const [nx, ny] = grid.dims;
    for (const [i, j, k] of [
      [5, 16, 16],
      [16, 16, 16],
      [26, 10, 20],
    ]) {
      const n = i + nx * (j + ny * k);
      const x = (grid.affine[0][0] * i + grid.affine[0][3]) / U;
      if (base[n] > 0) expect(biased[n] / base[n]).toBeCloseTo(2 * Math.exp(0.1 * x), 5);
    }
  });
});

describe('addRicianNoise', () => {
  it('gives Rayleigh background (mean σ√(π/2)) and ~Gaussian noise on bright signal', () => {
    const n = 200_000;
    const zero = new Float32Array(n);
    addRicianNoise(zero, 2, createRng(1));
    const mean = zero.reduce((s, v) => s + v, 0) / n;
    expect(mean).toBeCloseTo(2 * Math.sqrt(Math.PI / 2), 1);
    const bright = new Float32Array(n).fill(100);
    addRicianNoise(bright, 2, createRng(2));
    const m = bright.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(bright.reduce((s, v) => s + (v - m) ** 2, 0) / n);
    expect(m).toBeCloseTo(100 + 4 / 200, 1); // E|s + n| ≈ s + σ²/(2s)
    expect(sd).toBeCloseTo(2, 1);
  });
});

describe('rotationMatrix', () => {
  it('is Rz·Ry·Rx and orthonormal', () => {
    const r = rotationMatrix([0, 0, 90]);
    expect(r[0][1]).toBeCloseTo(-1, 12); // x ← −y: rotating +y by 90° about z gives −x
    expect(r[1][0]).toBeCloseTo(1, 12);
    const q = rotationMatrix([10, -20, 30]);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const dot = q[0][a] * q[0][b] + q[1][a] * q[1][b] + q[2][a] * q[2][b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
  });
});
