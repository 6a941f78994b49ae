/**
 * Renders one phantom scan straight onto a stored voxel grid: every voxel centre goes
 * through the grid's affine to world millimetres, through the inverse head pose to the
 * head frame, and the anatomy is evaluated there. Because nothing is resampled, every
 * orientation, voxel size and oblique tilt shows the same physical head, and the affine
 * written with the data is true by construction.
 *
 * Tissue boundaries are soft over one voxel (a linear ramp of the approximate signed
 * distance), which gives partial-volume voxels and lets volumes change smoothly with
 * atrophy instead of in whole-voxel steps.
 */
import { createRng, type Rng } from '../rng.js';
import type { Affine } from '../io/volume.js';
import { ATROPHY_EFFECTS, HARMONIC_TERMS, LAYERS, harmonicBasis, type SubjectAnatomy, type Vec3 } from './anatomy.js';

/** Position of the head in the scanner: world = R · p_head + translation, R = Rz·Ry·Rx. */
export interface Pose {
  /** rotations about the world x, y, z axes, degrees */
  rotationDeg: Vec3;
  /** millimetres */
  translationMm: Vec3;
}

/** What differs from one scan of a subject to the next. */
export interface ScanState {
  /** cumulative atrophy (dimensionless; see docs/phantom.md) */
  atrophy: number;
  pose: Pose;
  /** scanner intensity scale */
  gain: number;
  /** coefficients of log bias over world (x, y, z, x², y², z², xy, xz, yz) in units of U */
  bias: number[];
  /** noise standard deviation relative to white matter (before gain) */
  noiseSd: number;
}

/** A voxel grid: [nx, ny, nz] and the voxel → world (RAS mm) affine. */
export interface Grid {
  dims: Vec3;
  affine: Affine;
}

/** Tissue volumes in millilitres, partial volumes included. */
export interface TissueVolumes {
  ventricles: number;
  greyMatter: number;
  whiteMatter: number;
  /** sulcal CSF in the cortical band */
  sulcalCsf: number;
  /** all CSF: ventricles, sulci and the space between brain and skull */
  csf: number;
  /** everything inside the inner skull surface */
  intracranial: number;
}

export interface RenderedScan {
  /** [nx·ny·nz], x fastest */
  data: Float32Array;
  volumes: TissueVolumes;
}

export const BIAS_TERMS = 9;

/**
 * The log bias field at world point (x, y, z) in units of U: the quadratic polynomial with
 * the BIAS_TERMS coefficients `b` (x, y, z, x², y², z², xy, xz, yz), shared by both phantoms.
 */
export function logBiasField(b: readonly number[], x: number, y: number, z: number): number {
  return (
    b[0] * x +
    b[1] * y +
    b[2] * z +
    b[3] * x * x +
    b[4] * y * y +
    b[5] * z * z +
    b[6] * x * y +
    b[7] * x * z +
    b[8] * y * z
  );
}

/** Rotation matrix R = Rz·Ry·Rx for angles in degrees. */
export function rotationMatrix(deg: Vec3): number[][] {
  const [a, b, c] = deg.map((d) => (d * Math.PI) / 180);
  const [ca, sa, cb, sb, cc, sc] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(c), Math.sin(c)];
  return [
    [cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa],
    [sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa],
    [-sb, cb * sa, cb * ca],
  ];
}

/** World millimetres of a head-frame point given in units of U. */
export function headToWorld(pointU: Vec3, pose: Pose, unitMm: number): Vec3 {
  const r = rotationMatrix(pose.rotationDeg);
  const p = pointU.map((v) => v * unitMm);
  return [0, 1, 2].map(
    (row) => r[row][0] * p[0] + r[row][1] * p[1] + r[row][2] * p[2] + pose.translationMm[row],
  ) as Vec3;
}

/**
 * Exact volume of the two lateral ventricles in millilitres: 2 · (4/3)π·abc with the
 * semi-axes scaled by (1 + A) (the bend z += bend·y² is a shear, which keeps volume).
 */
export function modelVentricleVolume(anatomy: SubjectAnatomy, atrophy: number, unitMm: number): number {
  const scale = 1 + ATROPHY_EFFECTS.ventricles * atrophy;
  const [a, b, c] = anatomy.ventricleAxes.map((v) => v * scale * unitMm);
  return (2 * (4 / 3) * Math.PI * a * b * c) / 1000;
}

/** Fraction of a voxel inside a boundary at `level < threshold`, ramped over one voxel. */
function inside(level: number, threshold: number, voxelsPerUnit: number): number {
  const f = 0.5 - (level - threshold) * voxelsPerUnit;
  return f <= 0 ? 0 : f >= 1 ? 1 : f;
}

/**
 * Renders a scan. `unitMm` is U, half the nominal field of view. With `noiseRng` the
 * magnitude gets Rician noise (|signal + n₁ + i·n₂|, n ~ N(0, σ²)); without it the image
 * is noise-free (used by tests to compare storage variants exactly).
 */
export function renderScan(
  anatomy: SubjectAnatomy,
  scan: ScanState,
  grid: Grid,
  unitMm: number,
  noiseRng?: Rng,
): RenderedScan {
  const [nx, ny, nz] = grid.dims;
  const a = grid.affine;
  const voxelVolume = Math.abs(
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
      a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
      a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]),
  );
  const voxelMm = Math.cbrt(voxelVolume);
  // head frame (units of U) = Rᵀ (A·ijk − t) / U, one 3×4 matrix stepped along i
  const r = rotationMatrix(scan.pose.rotationDeg);
  const m: number[][] = [0, 1, 2].map((row) =>
    [0, 1, 2, 3].map((col) => {
      let s = 0;
      for (let q = 0; q < 3; q++) s += r[q][row] * (a[q][col] - (col === 3 ? scan.pose.translationMm[q] : 0));
      return s / unitMm;
    }),
  );
  const w = [0, 1, 2].map((row) => a[row].map((v) => v / unitMm));
  const [ax, ay, az] = anatomy.headAxes;
  const c = anatomy.contrast;
  const A = scan.atrophy;
  const brainOuter = LAYERS.wmOuter + anatomy.cortexThickness * Math.max(0.3, 1 - ATROPHY_EFFECTS.cortex * A);
  const ventricleScale = 1 + ATROPHY_EFFECTS.ventricles * A;
  const [vax, vay, vaz] = anatomy.ventricleAxes.map((v) => v * ventricleScale);
  const [vcx, vcy, vcz] = anatomy.ventricleCenter;
  const bend = anatomy.ventricleBend;
  const sulcalWidth = anatomy.sulcalWidth + ATROPHY_EFFECTS.sulci * A;
  const waves = anatomy.sulcalWaves;
  const waveNorm = 1 / Math.sqrt(waves.length);
  const kNorm = Math.hypot(...waves[0].k);
  // |∇g| ≈ |k|/√2 per U, so one unit of g is √2/|k| U of distance
  const sulcusVoxelsPerUnit = (Math.SQRT2 / kNorm) * (unitMm / voxelMm);
  const unitVoxels = unitMm / voxelMm;
  const basis = new Float64Array(HARMONIC_TERMS);
  const headShape = Float64Array.from(anatomy.headShape);
  const brainShape = Float64Array.from(anatomy.brainShape);
  // beyond this ρ every voxel is air, whatever the direction; below deepWhiteBelow every
  // voxel is wholly white matter (or ventricle), a voxel of margin included
  const head = scaleRange(headShape);
  const brain = scaleRange(brainShape, headShape);
  const voxelRho = 1 / (Math.min(ax, ay, az) * unitVoxels);
  const airBeyond = head.max * (1 + 2 * voxelRho);
  const deepWhiteBelow = Math.min(brain.min * (LAYERS.wmOuter - voxelRho), head.min * (LAYERS.skullInner - voxelRho));
  const waveK = Float64Array.from(waves.flatMap((wave) => [...wave.k, wave.phase]));
  const waveCount = waves.length;
  const [cWm, cGm, cCsf, cSkull, cScalp] = [c.wm, c.gm, c.csf, c.skull, c.scalp];
  const data = new Float32Array(nx * ny * nz);
  let sumVentricles = 0;
  let sumGm = 0;
  let sumWm = 0;
  let sumSulcal = 0;
  let sumCsf = 0;
  let sumIntracranial = 0;
  const gain = scan.gain;
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = m[0][1] * j + m[0][2] * k + m[0][3];
      let y = m[1][1] * j + m[1][2] * k + m[1][3];
      let z = m[2][1] * j + m[2][2] * k + m[2][3];
      let wx = w[0][1] * j + w[0][2] * k + w[0][3];
      let wy = w[1][1] * j + w[1][2] * k + w[1][3];
      let wz = w[2][1] * j + w[2][2] * k + w[2][3];
      for (
        let i = 0;
        i < nx;
        i++, index++, x += m[0][0], y += m[1][0], z += m[2][0], wx += w[0][0], wy += w[1][0], wz += w[2][0]
      ) {
        const qx = x / ax;
        const qy = y / ay;
        const qz = z / az;
        const rho = Math.sqrt(qx * qx + qy * qy + qz * qz);
        if (rho >= airBeyond) continue;
        let fHead = 1;
        let fInSkull = 1;
        let fIntracranial = 1;
        let fBrain = 1;
        let fWm = 1;
        let band = 0;
        let fSulcus = 0;
        // deep white matter (most of the brain) needs no surface: skip the harmonics
        if (rho >= deepWhiteBelow) {
          const radius = Math.sqrt(x * x + y * y + z * z);
          let voxelsPerRho: number;
          if (radius > 1e-9) {
            harmonicBasis(x / radius, y / radius, z / radius, basis);
            voxelsPerRho = (radius / rho) * unitVoxels;
          } else {
            basis.fill(0);
            voxelsPerRho = ax * unitVoxels;
          }
          let headScale = 1;
          let brainScale = 1;
          for (let t = 0; t < HARMONIC_TERMS; t++) {
            headScale += headShape[t] * basis[t];
            brainScale += brainShape[t] * basis[t];
          }
          brainScale += headScale - 1;
          const rhoHead = rho / headScale;
          const perHead = voxelsPerRho * headScale;
          fHead = inside(rhoHead, 1, perHead);
          if (fHead <= 0) continue;
          const rhoBrain = rho / brainScale;
          const perBrain = voxelsPerRho * brainScale;
          fInSkull = inside(rhoHead, LAYERS.skullOuter, perHead);
          fIntracranial = inside(rhoHead, LAYERS.skullInner, perHead);
          fBrain = Math.min(fIntracranial, inside(rhoBrain, brainOuter, perBrain));
          fWm = Math.min(fBrain, inside(rhoBrain, LAYERS.wmOuter, perBrain));
          band = fBrain - fWm;
          if (band > 0) {
            let g = 0;
            for (let q = 0; q < waveCount; q++)
              g += Math.cos(waveK[4 * q] * x + waveK[4 * q + 1] * y + waveK[4 * q + 2] * z + waveK[4 * q + 3]);
            fSulcus = inside(Math.abs(g * waveNorm), sulcalWidth, sulcusVoxelsPerUnit);
          }
        }
        let fVentricle = 0;
        if (fWm > 0) {
          for (let side = -1; side <= 1; side += 2) {
            const dx = x - side * vcx;
            const dy = y - vcy;
            const dz = z - (vcz + bend * dy * dy);
            const px = dx / vax;
            const py = dy / vay;
            const pz = dz / vaz;
            const rhoV = Math.sqrt(px * px + py * py + pz * pz);
            if (rhoV < 1.5) {
              const dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
              const perV = rhoV > 1e-9 ? (dist / rhoV) * unitVoxels : vax * unitVoxels;
              fVentricle = Math.max(fVentricle, inside(rhoV, 1, perV));
            }
          }
        }
        const outerCsf = fIntracranial - fBrain;
        const sulcalCsf = band * fSulcus;
        const ventricles = fWm * fVentricle;
        const csf = outerCsf + sulcalCsf + ventricles;
        sumVentricles += ventricles;
        sumGm += band - sulcalCsf;
        sumWm += fWm - ventricles;
        sumSulcal += sulcalCsf;
        sumCsf += csf;
        sumIntracranial += fIntracranial;
        const tissue =
          cScalp * (fHead - fInSkull) +
          cSkull * (fInSkull - fIntracranial) +
          cCsf * csf +
          cGm * (band - sulcalCsf) +
          cWm * (fWm - ventricles);
        const logBias = logBiasField(scan.bias, wx, wy, wz);
        data[index] = gain * tissue * Math.exp(logBias);
      }
    }
  }
  if (noiseRng) addRicianNoise(data, scan.noiseSd * gain, noiseRng);
  const sums = {
    ventricles: sumVentricles,
    greyMatter: sumGm,
    whiteMatter: sumWm,
    sulcalCsf: sumSulcal,
    csf: sumCsf,
    intracranial: sumIntracranial,
  };
  const ml = voxelVolume / 1000;
  const volumes: TissueVolumes = {
    ventricles: sums.ventricles * ml,
    greyMatter: sums.greyMatter * ml,
    whiteMatter: sums.whiteMatter * ml,
    sulcalCsf: sums.sulcalCsf * ml,
    csf: sums.csf * ml,
    intracranial: sums.intracranial * ml,
  };
  return { data, volumes };
}

/** The range of 1 + h(u) over directions, h = Σ (coefficients + extra)·Y (sampled densely, 2% margin). */
function scaleRange(coefficients: Float64Array, extra?: Float64Array): { min: number; max: number } {
  const basis = new Float64Array(HARMONIC_TERMS);
  let min = Infinity;
  let max = -Infinity;
  const n = 40;
  for (let a = 0; a <= n; a++) {
    const cz = -1 + (2 * a) / n;
    const s = Math.sqrt(Math.max(0, 1 - cz * cz));
    for (let b = 0; b < 2 * n; b++) {
      const phi = (Math.PI * b) / n;
      harmonicBasis(s * Math.cos(phi), s * Math.sin(phi), cz, basis);
      let h = 1;
      for (let t = 0; t < HARMONIC_TERMS; t++) h += (coefficients[t] + (extra ? extra[t] : 0)) * basis[t];
      min = Math.min(min, h);
      max = Math.max(max, h);
    }
  }
  return { min: min * 0.98, max: max * 1.02 };
}

const NORMAL_TABLE_BITS = 16;
let normalTable: Float32Array | undefined;

/**
 * Standard normals drawn once from a fixed seed; noise indexes them with a fast
 * xorshift stream, which is ~10× cheaper than Box–Muller per voxel and, for image noise,
 * indistinguishable from fresh draws (65,536 distinct values).
 */
function normals(): Float32Array {
  if (!normalTable) {
    const rng = createRng(0x6e6f697a);
    normalTable = new Float32Array(1 << NORMAL_TABLE_BITS);
    for (let i = 0; i < normalTable.length; i++) normalTable[i] = rng.normal();
  }
  return normalTable;
}

/** Magnitude of signal + complex Gaussian noise of standard deviation `sigma` per channel. */
export function addRicianNoise(data: Float32Array, sigma: number, rng: Rng): void {
  const table = normals();
  let state = (rng.next() * 4294967296) >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const re = data[i] + sigma * table[state & 0xffff];
    const im = sigma * table[(state >>> 16) & 0xffff];
    data[i] = Math.sqrt(re * re + im * im);
  }
}
