/**
 * Renders one template-phantom scan onto a stored voxel grid. Each voxel centre goes
 * through the grid's affine to world mm, through the inverse head pose and head-size
 * scale to the head frame (mm from the template brain's centre), through the subject's
 * smooth warp, then to template voxels, where the scan's atrophy field moves it once more
 * before the template is sampled by trilinear interpolation:
 *
 *   value(x) = gain · T(q + D_A(q)) · exp(bias(x)),   q = V⁻¹(c + p + u_s(p)),   p = S⁻¹Rᵀ(x − t)
 *
 * The region labels are sampled at the same point, so the regional volumes reported are
 * those of the rendered image (partial volumes included).
 */
import { clippedNormal, HEAD_AXES, type Vec3 } from './anatomy.js';
import { addRicianNoise, logBiasField, rotationMatrix, type Grid, type ScanState } from './render.js';
import type { SimSubject } from './subject.js';
import { createRng, type Rng } from '../rng.js';
import { combineFields } from './template-fields.js';
import { AGED_REGIONS, atrophyAmplitudes, type AgedRegion, type TemplateModel } from './template-model.js';
import { REGION_BITS, REGION_NAMES, type RegionName } from './template-regions.js';

/** Largest frequency (cycles per field of view, per axis) of the subject warp's cosine basis. */
const WARP_ORDER = 2;
const WARP_TERMS = (WARP_ORDER + 1) ** 3;
/** RMS of the subject warp over the brain, mm (per subject: N(2, 0.5²), clipped at ±2.5 SD). */
export const WARP_RMS_MM = { mean: 2, sd: 0.5 };

/** A subject's anatomy on the template: head size and a smooth warp. */
export interface SubjectShape {
  /** per-axis head-size scale (the procedural subject's head axes over the average head's) */
  scale: Vec3;
  /** coefficients of the warp's cosine products, [3 × WARP_TERMS] (x, y, z displacement in mm) */
  warp: Float64Array;
  /** RMS of the warp over the template brain, mm */
  warpRmsMm: number;
}

/** cos(a·π(p/L + 1/2)) for a = 0, 1, 2 in `out` (offset o). */
function cosines(p: number, fov: number, out: Float64Array, o: number): void {
  const c = Math.cos(Math.PI * (p / fov + 0.5));
  out[o] = 1;
  out[o + 1] = c;
  out[o + 2] = 2 * c * c - 1;
}

/** Adds the subject warp u_s(p) to `p` (head frame, mm) in place. */
export function applyWarp(warp: Float64Array, fov: number, p: Float64Array, scratch: Float64Array): void {
  cosines(p[0], fov, scratch, 0);
  cosines(p[1], fov, scratch, 3);
  cosines(p[2], fov, scratch, 6);
  let ux = 0;
  let uy = 0;
  let uz = 0;
  let t = 0;
  for (let c = 0; c <= WARP_ORDER; c++) {
    for (let b = 0; b <= WARP_ORDER; b++) {
      const yz = scratch[3 + b] * scratch[6 + c];
      for (let a = 0; a <= WARP_ORDER; a++, t++) {
        const basis = scratch[a] * yz;
        ux += warp[t] * basis;
        uy += warp[WARP_TERMS + t] * basis;
        uz += warp[2 * WARP_TERMS + t] * basis;
      }
    }
  }
  p[0] += ux;
  p[1] += uy;
  p[2] += uz;
}

/** Points (head frame, mm) of the template brain on a coarse lattice, for the warp's RMS. */
function brainSamples(model: TemplateModel, step: number): number[][] {
  const [nx, ny, nz] = model.t1.shape;
  const a = model.t1.affine;
  const out: number[][] = [];
  for (let k = 0; k < nz; k += step) {
    for (let j = 0; j < ny; j += step) {
      for (let i = 0; i < nx; i += step) {
        if (!(model.regions.bits[i + nx * (j + ny * k)] & REGION_BITS.brain)) continue;
        out.push([0, 1, 2].map((r) => a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3] - model.centreMm[r]));
      }
    }
  }
  return out;
}

/**
 * A subject's head scale and warp, from its own generator (`fork('template-shape')` of the
 * subject's), so subject i is the same whatever the cohort size. Coefficients of the
 * cosine product (a, b, c) have SD ∝ 1/(1 + a² + b² + c²) (smooth fields), the constant
 * term is left to the pose, and the whole warp is scaled to its drawn RMS.
 */
export function drawSubjectShape(model: TemplateModel, seed: number, subject: SimSubject): SubjectShape {
  const rng: Rng = createRng(seed).fork(`subject-${subject.index}`).fork('template-shape');
  const warp = new Float64Array(3 * WARP_TERMS);
  for (let d = 0; d < 3; d++) {
    let t = 0;
    for (let c = 0; c <= WARP_ORDER; c++) {
      for (let b = 0; b <= WARP_ORDER; b++) {
        for (let a = 0; a <= WARP_ORDER; a++, t++)
          warp[d * WARP_TERMS + t] = a + b + c === 0 ? 0 : rng.normal() / (1 + a * a + b * b + c * c);
      }
    }
  }
  const targetRms = clippedNormal(rng, WARP_RMS_MM.mean, WARP_RMS_MM.sd);
  const p = new Float64Array(3);
  const scratch = new Float64Array(9);
  let sum = 0;
  const samples = brainSamples(model, 6);
  for (const point of samples) {
    p.set(point);
    applyWarp(warp, model.fovMm, p, scratch);
    sum += (p[0] - point[0]) ** 2 + (p[1] - point[1]) ** 2 + (p[2] - point[2]) ** 2;
  }
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  for (let i = 0; i < warp.length; i++) warp[i] *= targetRms / rms;
  const scale = subject.anatomy.headAxes.map((axis, a) => axis / HEAD_AXES[a]) as Vec3;
  return { scale, warp, warpRmsMm: targetRms };
}

export interface TemplateScan {
  /** [nx·ny·nz] of the grid, x fastest */
  data: Float32Array;
  /** regional volumes of the rendered image, ml */
  volumes: Record<RegionName, number>;
  /** signed amplitudes (mm) of each region's unit field at this scan's atrophy */
  amplitudes: Record<AgedRegion, number>;
  /** with `labels`: those regions' partial volume per voxel of the grid, [nx·ny·nz] each */
  labels: Partial<Record<RegionName, Float32Array>>;
}

/**
 * Renders a scan of `shape` in `state` (atrophy, pose, gain, bias, noise) on `grid`.
 * `unitMm` is the unit of the bias field's coordinates (half the field of view). With
 * `noiseRng` the magnitude gets Rician noise, as the procedural phantom's.
 */
export function renderTemplateScan(
  model: TemplateModel,
  shape: SubjectShape,
  state: ScanState,
  grid: Grid,
  unitMm: number,
  options: { noiseRng?: Rng; labels?: readonly RegionName[]; field?: Float32Array } = {},
): TemplateScan {
  const amplitudes = atrophyAmplitudes(model, state.atrophy);
  const field = combineFields(
    AGED_REGIONS.map((r) => model.fields[r]),
    AGED_REGIONS.map((r) => amplitudes[r]),
    options.field ?? new Float32Array(3 * model.t1.data.length),
  );
  const [nx, ny, nz] = grid.dims;
  const a = grid.affine;
  const r = rotationMatrix(state.pose.rotationDeg);
  // head frame p = S⁻¹ Rᵀ (A·ijk − t), one 3×4 matrix stepped along i
  const m = [0, 1, 2].map((row) =>
    [0, 1, 2, 3].map((col) => {
      let s = 0;
      for (let q = 0; q < 3; q++) s += r[q][row] * (a[q][col] - (col === 3 ? state.pose.translationMm[q] : 0));
      return s / shape.scale[row];
    }),
  );
  const wu = [0, 1, 2].map((row) => a[row].map((v) => v / unitMm));
  const v2 = model.worldToVoxel;
  const c = model.centreMm;
  const reach = model.halfExtentMm.map((h) => h + 8);
  const [tx, ty, tz] = model.t1.shape;
  const t1 = model.t1.data;
  const bits = model.regions.bits;
  const nearBrain = model.nearBrain;
  const data = new Float32Array(nx * ny * nz);
  const labelMaps = REGION_NAMES.map((name) =>
    options.labels?.includes(name) ? new Float32Array(nx * ny * nz) : undefined,
  );
  const sums = new Float64Array(REGION_NAMES.length);
  const bitValues = REGION_NAMES.map((n) => REGION_BITS[n]);
  const corner = new Float64Array(8);
  const cornerIndex = new Int32Array(8);
  const p = new Float64Array(3);
  const scratch = new Float64Array(9);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        p[0] = m[0][0] * i + m[0][1] * j + m[0][2] * k + m[0][3];
        p[1] = m[1][0] * i + m[1][1] * j + m[1][2] * k + m[1][3];
        p[2] = m[2][0] * i + m[2][1] * j + m[2][2] * k + m[2][3];
        if (Math.abs(p[0]) > reach[0] || Math.abs(p[1]) > reach[1] || Math.abs(p[2]) > reach[2]) continue;
        applyWarp(shape.warp, model.fovMm, p, scratch);
        const x = p[0] + c[0];
        const y = p[1] + c[1];
        const z = p[2] + c[2];
        let vi = v2[0][0] * x + v2[0][1] * y + v2[0][2] * z + v2[0][3];
        let vj = v2[1][0] * x + v2[1][1] * y + v2[1][2] * z + v2[1][3];
        let vk = v2[2][0] * x + v2[2][1] * y + v2[2][2] * z + v2[2][3];
        if (!cornersOf(vi, vj, vk, tx, ty, tz, corner, cornerIndex)) continue;
        if (!nearBrain[nearest(vi, tx) + tx * (nearest(vj, ty) + ty * nearest(vk, tz))]) continue;
        let di = 0;
        let dj = 0;
        let dk = 0;
        for (let q = 0; q < 8; q++) {
          const w = corner[q];
          if (w === 0) continue;
          const f = 3 * cornerIndex[q];
          di += w * field[f];
          dj += w * field[f + 1];
          dk += w * field[f + 2];
        }
        vi += di;
        vj += dj;
        vk += dk;
        if (!cornersOf(vi, vj, vk, tx, ty, tz, corner, cornerIndex)) continue;
        let value = 0;
        for (let q = 0; q < 8; q++) {
          const w = corner[q];
          if (w === 0) continue;
          const n = cornerIndex[q];
          value += w * t1[n];
          const b = bits[n];
          if (b === 0) continue;
          for (let region = 0; region < bitValues.length; region++) {
            if (!(b & bitValues[region])) continue;
            sums[region] += w;
            const map = labelMaps[region];
            if (map) map[index] += w;
          }
        }
        if (value === 0) continue;
        const wx = wu[0][0] * i + wu[0][1] * j + wu[0][2] * k + wu[0][3];
        const wy = wu[1][0] * i + wu[1][1] * j + wu[1][2] * k + wu[1][3];
        const wz = wu[2][0] * i + wu[2][1] * j + wu[2][2] * k + wu[2][3];
        const logBias = logBiasField(state.bias, wx, wy, wz);
        data[index] = state.gain * value * Math.exp(logBias);
      }
    }
  }
  if (options.noiseRng) addRicianNoise(data, state.noiseSd * state.gain, options.noiseRng);
  const voxelMl = Math.abs(determinant3(a)) / 1000;
  const volumes = Object.fromEntries(REGION_NAMES.map((name, region) => [name, sums[region] * voxelMl])) as Record<
    RegionName,
    number
  >;
  const labels: Partial<Record<RegionName, Float32Array>> = {};
  REGION_NAMES.forEach((name, region) => {
    if (labelMaps[region]) labels[name] = labelMaps[region];
  });
  return { data, volumes, amplitudes, labels };
}

/** The nearest voxel index on an axis of n voxels (clamped). */
function nearest(v: number, n: number): number {
  const r = Math.round(v);
  return r < 0 ? 0 : r >= n ? n - 1 : r;
}

function determinant3(a: number[][]): number {
  return (
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
  );
}

/** Trilinear weights and indices of the 8 voxels around (i, j, k); false when the point is off the grid. */
function cornersOf(
  i: number,
  j: number,
  k: number,
  nx: number,
  ny: number,
  nz: number,
  weights: Float64Array,
  indices: Int32Array,
): boolean {
  if (!(i > -1 && j > -1 && k > -1 && i < nx && j < ny && k < nz)) return false;
  const i0 = Math.floor(i);
  const j0 = Math.floor(j);
  const k0 = Math.floor(k);
  const fx = i - i0;
  const fy = j - j0;
  const fz = k - k0;
  for (let q = 0; q < 8; q++) {
    const x = i0 + (q & 1);
    const y = j0 + ((q >> 1) & 1);
    const z = k0 + (q >> 2);
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) {
      weights[q] = 0;
      indices[q] = 0;
      continue;
    }
    weights[q] = (q & 1 ? fx : 1 - fx) * ((q >> 1) & 1 ? fy : 1 - fy) * (q >> 2 ? fz : 1 - fz);
    indices[q] = x + nx * (y + ny * z);
  }
  return true;
}
