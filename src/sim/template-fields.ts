/**
 * Smooth displacement fields that age the template. Each region r gets a unit field
 * G_r = ∇(g_σ ∗ χ_r) / max|∇(g_σ ∗ χ_r)|: the gradient of the region's smoothed indicator,
 * which points into the region, is zero deep inside it and far from it, and has no folds
 * for amplitudes below about σ. A scan samples the template at q = x + Σ_r s_r a_r G_r(x)
 * (a pull-back): s = +1 draws samples from inside the region, so the region grows
 * (ventricles), s = −1 draws them from outside, so it shrinks (hippocampus and amygdala,
 * and the thin cortical ribbon, which then thins from both sides). This is the
 * "gradient of a smoothed label" construction of atrophy simulators such as Karaçalı &
 * Davatzikos (IEEE TMI 25:1107, 2006) in its simplest form, without their
 * volume-preservation constraint outside the region.
 *
 * The amplitude a_r for a wanted volume ratio is read from a calibration table of the
 * region's warped volume ∫ χ_r(x + s a G_r(x)) dx at a few amplitudes.
 */
import type { Vec3 } from './anatomy.js';

/** Separable Gaussian smoothing (σ in mm, truncated at 3σ, zero beyond the grid). data: [nx·ny·nz] x fastest. */
export function gaussianSmooth(data: Float32Array, shape: Vec3, spacing: Vec3, sigmaMm: number): Float32Array {
  let current = data.slice();
  const strides = [1, shape[0], shape[0] * shape[1]];
  for (let axis = 0; axis < 3; axis++) {
    const sigma = sigmaMm / spacing[axis];
    const radius = Math.max(1, Math.ceil(3 * sigma));
    const kernel = new Float32Array(2 * radius + 1);
    let total = 0;
    for (let t = -radius; t <= radius; t++) total += kernel[t + radius] = Math.exp(-0.5 * (t / sigma) ** 2);
    for (let t = 0; t < kernel.length; t++) kernel[t] /= total;
    const next = new Float32Array(current.length);
    const n = shape[axis];
    const stride = strides[axis];
    const line = new Float32Array(n);
    const [a1, a2] = [0, 1, 2].filter((a) => a !== axis);
    for (let v = 0; v < shape[a2]; v++) {
      for (let u = 0; u < shape[a1]; u++) {
        const base = u * strides[a1] + v * strides[a2];
        for (let t = 0; t < n; t++) line[t] = current[base + t * stride];
        for (let t = 0; t < n; t++) {
          let s = 0;
          const lo = Math.max(0, t - radius);
          const hi = Math.min(n - 1, t + radius);
          for (let q = lo; q <= hi; q++) s += kernel[q - t + radius] * line[q];
          next[base + t * stride] = s;
        }
      }
    }
    current = next;
  }
  return current;
}

/**
 * The unit field of a region: ∇(g_σ ∗ χ) in voxel-index units of the grid (so that
 * index + a·G moves by about a mm), scaled so that its largest displacement is 1 mm.
 * mask: [nx·ny·nz] → field: [3·nx·ny·nz], (di, dj, dk) interleaved per voxel.
 */
export function regionField(mask: Uint8Array, shape: Vec3, spacing: Vec3, sigmaMm: number): Float32Array {
  const indicator = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) indicator[i] = mask[i];
  const smooth = gaussianSmooth(indicator, shape, spacing, sigmaMm);
  const [nx, ny, nz] = shape;
  const strides = [1, nx, nx * ny];
  const field = new Float32Array(3 * mask.length);
  let largestMm = 0;
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        const ijk = [i, j, k];
        let lengthMm2 = 0;
        for (let a = 0; a < 3; a++) {
          const lo = ijk[a] > 0 ? index - strides[a] : index;
          const hi = ijk[a] < shape[a] - 1 ? index + strides[a] : index;
          const steps = (hi - lo) / strides[a];
          // gradient per mm along this axis; a displacement of g mm is g / spacing voxels
          const perMm = steps > 0 ? (smooth[hi] - smooth[lo]) / (steps * spacing[a]) : 0;
          field[3 * index + a] = perMm / spacing[a];
          lengthMm2 += perMm * perMm;
        }
        largestMm = Math.max(largestMm, Math.sqrt(lengthMm2));
      }
    }
  }
  if (largestMm > 0) for (let i = 0; i < field.length; i++) field[i] /= largestMm;
  return field;
}

/** Trilinear value of a scalar volume at voxel coordinates (i, j, k); 0 beyond the grid. */
export function trilinear(data: ArrayLike<number>, shape: Vec3, i: number, j: number, k: number): number {
  const [nx, ny, nz] = shape;
  const i0 = Math.floor(i);
  const j0 = Math.floor(j);
  const k0 = Math.floor(k);
  const fx = i - i0;
  const fy = j - j0;
  const fz = k - k0;
  let s = 0;
  for (let c = 0; c < 8; c++) {
    const x = i0 + (c & 1);
    const y = j0 + ((c >> 1) & 1);
    const z = k0 + (c >> 2);
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) continue;
    const w = (c & 1 ? fx : 1 - fx) * ((c >> 1) & 1 ? fy : 1 - fy) * (c >> 2 ? fz : 1 - fz);
    s += w * data[x + nx * (y + ny * z)];
  }
  return s;
}

/** Volume ratio of a region warped by q = x + sign·a·G(x), against a = 0 (partial volumes by trilinear sampling). */
export function warpedVolumeRatio(
  mask: Uint8Array,
  field: Float32Array,
  shape: Vec3,
  sign: 1 | -1,
  amplitude: number,
  stride = 1,
): number {
  const [nx, ny, nz] = shape;
  const indicator = mask;
  let warped = 0;
  let original = 0;
  const step = sign * amplitude;
  for (let k = 0; k < nz; k += stride) {
    for (let j = 0; j < ny; j += stride) {
      for (let i = 0; i < nx; i += stride) {
        const index = i + nx * (j + ny * k);
        original += indicator[index];
        const gi = field[3 * index];
        const gj = field[3 * index + 1];
        const gk = field[3 * index + 2];
        if (gi === 0 && gj === 0 && gk === 0) {
          warped += indicator[index];
          continue;
        }
        warped += trilinear(indicator, shape, i + step * gi, j + step * gj, k + step * gk);
      }
    }
  }
  return original > 0 ? warped / original : 1;
}

/** Volume ratios of a region at amplitudes 0, max/n, …, max (mm). */
export interface Calibration {
  amplitudes: number[];
  ratios: number[];
}

export function calibrate(
  mask: Uint8Array,
  field: Float32Array,
  shape: Vec3,
  sign: 1 | -1,
  maxAmplitude: number,
  steps = 8,
  stride = 1,
): Calibration {
  const amplitudes = Array.from({ length: steps + 1 }, (_, s) => (maxAmplitude * s) / steps);
  return {
    amplitudes,
    ratios: amplitudes.map((a) => (a === 0 ? 1 : warpedVolumeRatio(mask, field, shape, sign, a, stride))),
  };
}

/**
 * The amplitude whose calibrated ratio is `ratio`, by linear interpolation of the table
 * (clamped to its ends: a ratio beyond the largest amplitude gets that amplitude, and the
 * ground truth then reports the volume actually rendered).
 */
export function amplitudeFor(calibration: Calibration, ratio: number): number {
  const { amplitudes, ratios } = calibration;
  const growing = ratios[ratios.length - 1] >= ratios[0];
  const beyond = (r: number) => (growing ? ratio >= r : ratio <= r);
  if (!beyond(ratios[0])) return 0;
  for (let s = 1; s < ratios.length; s++) {
    if (!beyond(ratios[s])) {
      const t = (ratio - ratios[s - 1]) / (ratios[s] - ratios[s - 1]);
      return amplitudes[s - 1] + t * (amplitudes[s] - amplitudes[s - 1]);
    }
  }
  return amplitudes[amplitudes.length - 1];
}

/** out = Σ_r weights[r] · fields[r] (all [3·N]), in one pass. */
export function combineFields(
  fields: readonly Float32Array[],
  weights: readonly number[],
  out: Float32Array,
): Float32Array {
  const active = fields.filter((_, r) => weights[r] !== 0);
  const w = weights.filter((v) => v !== 0);
  if (active.length === 0) return out.fill(0);
  const [f0, f1 = f0, f2 = f0] = active;
  const [w0, w1 = 0, w2 = 0] = w;
  for (let i = 0; i < out.length; i++) out[i] = w0 * f0[i] + w1 * f1[i] + w2 * f2[i];
  for (let r = 3; r < active.length; r++) for (let i = 0; i < out.length; i++) out[i] += w[r] * active[r][i];
  return out;
}
