/**
 * Registration where nothing but Node is installed: an analytic head (smooth ellipsoids with
 * an asymmetric part, so a rigid motion is identifiable) sampled exactly on two grids — the
 * baseline in RAS at 2 mm, and the follow-up with the head moved by a known rigid motion,
 * stored LAS at 2.2 mm. Sampling the formula on each grid (no resampler of lssl's makes the
 * follow-up) leaves elastix to find the motion and lssl to read it back in RAS: the same
 * chain as the ch2bet tests in register.test.ts, which need mricron-data and python.
 */
import { describe, expect, it } from 'vitest';
import { estimateTransform, registerVolumes } from '../../src/io/register.js';
import type { Affine, Volume } from '../../src/io/volume.js';

type Vec3 = [number, number, number];

/** A smooth 0→1 step across an ellipsoid's surface (about 3 mm wide). */
function inside(p: Vec3, centre: Vec3, radii: Vec3): number {
  const r = Math.hypot(...p.map((x, a) => (x - centre[a]) / radii[a]));
  return 1 / (1 + Math.exp(((r - 1) * Math.min(...radii)) / 1.5));
}

/** The head's intensity at a world point (mm, RAS): brain, ventricles, a frontal lobe bulge, an off-centre lesion. */
function head(p: Vec3): number {
  return (
    inside(p, [0, 0, 0], [55, 68, 50]) +
    0.5 * inside(p, [0, 45, -10], [30, 22, 25]) -
    0.7 * inside(p, [-10, 5, 5], [6, 20, 10]) -
    0.7 * inside(p, [12, 5, 5], [6, 20, 10]) +
    0.8 * inside(p, [25, -30, 20], [10, 8, 12])
  );
}

const apply = (m: Affine, p: Vec3): Vec3 =>
  [0, 1, 2].map((r) => m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3]) as Vec3;

/** The head sampled at every voxel centre of a grid, through `toHead` (world → head coordinates). */
function sample(shape: Vec3, affine: Affine, toHead: Affine): Volume {
  const [nx, ny, nz] = shape;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) data[o] = head(apply(toHead, apply(affine, [i, j, k])));
  return { data, shape, spacing: [Math.abs(affine[0][0]), Math.abs(affine[1][1]), Math.abs(affine[2][2])], affine };
}

/** Rotation about x, then y, then z (degrees), then a translation (mm): written out, not lssl's rotation code. */
function rigid(deg: Vec3, t: Vec3): Affine {
  const [a, b, c] = deg.map((d) => (d * Math.PI) / 180);
  const rx = [
    [1, 0, 0],
    [0, Math.cos(a), -Math.sin(a)],
    [0, Math.sin(a), Math.cos(a)],
  ];
  const ry = [
    [Math.cos(b), 0, Math.sin(b)],
    [0, 1, 0],
    [-Math.sin(b), 0, Math.cos(b)],
  ];
  const rz = [
    [Math.cos(c), -Math.sin(c), 0],
    [Math.sin(c), Math.cos(c), 0],
    [0, 0, 1],
  ];
  const mul = (x: number[][], y: number[][]) =>
    x.map((row) => [0, 1, 2].map((col) => row.reduce((s, v, k) => s + v * y[k][col], 0)));
  const r = mul(rz, mul(ry, rx));
  return [
    [...r[0], t[0]],
    [...r[1], t[1]],
    [...r[2], t[2]],
    [0, 0, 0, 1],
  ] as Affine;
}

/** The inverse of a rigid transform: Rᵀ and −Rᵀt. */
function invertRigid(m: Affine): Affine {
  const rt = [0, 1, 2].map((r) => [0, 1, 2].map((c) => m[c][r]));
  const t = [0, 1, 2].map((r) => -(rt[r][0] * m[0][3] + rt[r][1] * m[1][3] + rt[r][2] * m[2][3]));
  return [
    [...rt[0], t[0]],
    [...rt[1], t[1]],
    [...rt[2], t[2]],
    [0, 0, 0, 1],
  ] as Affine;
}

/** Largest distance (mm) between where a and b send the head's points (a 10 mm lattice inside the brain). */
function worstDisplacement(a: Affine, b: Affine): number {
  let worst = 0;
  for (let x = -50; x <= 50; x += 10)
    for (let y = -60; y <= 60; y += 10)
      for (let z = -45; z <= 45; z += 10) {
        if (inside([x, y, z], [0, 0, 0], [55, 68, 50]) < 0.5) continue;
        const pa = apply(a, [x, y, z]);
        const pb = apply(b, [x, y, z]);
        worst = Math.max(worst, Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]));
      }
  return worst;
}

const IDENTITY = rigid([0, 0, 0], [0, 0, 0]);
/** RAS, 2 mm, 80×96×76 voxels centred on the head. */
const BASELINE_AFFINE: Affine = [
  [2, 0, 0, -79],
  [0, 2, 0, -95],
  [0, 0, 2, -75],
  [0, 0, 0, 1],
];
/** LAS (x stored right to left), 2.2 mm, shifted off the baseline's grid. */
const FOLLOW_UP_AFFINE: Affine = [
  [-2.2, 0, 0, 80],
  [0, 2.2, 0, -92],
  [0, 0, 2.2, -77],
  [0, 0, 0, 1],
];

describe('registration of an analytic head (no python, no mricron-data)', () => {
  // the head moved in the scanner: a head point p of the baseline is at motion·p in the follow-up
  const motion = rigid([4, -3, 5], [3, -4, 2]);
  const baseline = sample([80, 96, 76], BASELINE_AFFINE, IDENTITY);
  const followUp = sample([73, 86, 70], FOLLOW_UP_AFFINE, invertRigid(motion));

  it('finds the motion through the LAS storage and the other voxel size (within 0.5 mm)', async () => {
    expect(worstDisplacement(IDENTITY, motion)).toBeGreaterThan(6); // the motion is far from the identity
    const estimate = await estimateTransform(baseline, followUp, { transform: 'rigid' });
    expect(worstDisplacement(estimate.fixedToMoving, motion)).toBeLessThan(0.5);
  }, 60_000);

  it('resamples the follow-up onto the baseline: the head lines up again', async () => {
    const registered = await registerVolumes(baseline, followUp, { transform: 'rigid' });
    expect(registered.volume.shape).toEqual(baseline.shape);
    expect(registered.volume.affine).toEqual(baseline.affine);
    let before = 0;
    let after = 0;
    const moved = sample([80, 96, 76], BASELINE_AFFINE, invertRigid(motion)); // the follow-up's head on the baseline grid, unregistered
    for (let i = 0; i < baseline.data.length; i++) {
      before += Math.abs(moved.data[i] - baseline.data[i]);
      after += Math.abs(registered.volume.data[i] - baseline.data[i]);
    }
    // trilinear interpolation at 2.2 mm leaves a little; the motion left 10× more
    expect(after).toBeLessThan(before / 10);
  }, 60_000);
});
