/**
 * The phantom head's anatomy: nested deformed ellipsoids (scalp, skull, CSF, cortical grey
 * matter, white matter) plus two lateral ventricles and sulci, drawn once per subject.
 *
 * Lengths are in units of U, half the field of view (`U = shape × 1.25 mm / 2`), so the
 * head fills the same fraction of the field of view at every `shape`. Layer boundaries are
 * levels of a normalised ellipsoidal radius ρ = |p ⊘ axes| / (1 + h(u)), where h is a sum
 * of low-frequency real spherical harmonics (degrees 1–3) of the direction u = p/|p|: one
 * smooth, subject-specific deformation of every surface. See docs/phantom.md for numbers.
 */
import type { Rng } from '../rng.js';

export type Vec3 = [number, number, number];
export type Sex = 'F' | 'M';

/** Number of real spherical-harmonic terms of degrees 1–3 (3 + 5 + 7). */
export const HARMONIC_TERMS = 15;

/** Levels of ρ (1 = outer scalp surface) where each layer ends, before atrophy. */
export const LAYERS = {
  /** scalp (fat, bright) lies between skullOuter and 1 */
  skullOuter: 0.9,
  /** skull (dark) between skullInner and skullOuter; CSF inside */
  skullInner: 0.84,
  /** white matter inside wmOuter; cortex between wmOuter and wmOuter + cortex thickness */
  wmOuter: 0.66,
} as const;

/** How a unit of atrophy changes the anatomy (atrophy is dimensionless; CN gains ~0.01 a year). */
export const ATROPHY_EFFECTS = {
  /** ventricle linear size × (1 + ventricles·A): +1% per 0.01, so ~+3% volume a year for CN */
  ventricles: 1.0,
  /** cortical thickness × (1 − cortex·A) */
  cortex: 0.6,
  /** sulcal half-width (in units of the sulcal field) + sulci·A */
  sulci: 0.35,
} as const;

/** Semi-axes of the scalp of an average head, in U, before the subject's size and shape (x, y, z). */
export const HEAD_AXES: Vec3 = [0.7, 0.84, 0.76];

/** Spacing of the sulcal pattern (plane-wave wavelength) in units of U. */
export const SULCAL_WAVELENGTH = 0.35;
const SULCAL_WAVES = 6;

export interface PlaneWave {
  /** wave vector in radians per unit of U */
  k: Vec3;
  phase: number;
}

/** Mean intensity of each tissue before gain and bias (T1-like: WM bright, GM mid, CSF dark). */
export interface Contrast {
  wm: number;
  gm: number;
  csf: number;
  skull: number;
  scalp: number;
}

export interface SubjectAnatomy {
  /** semi-axes of the outer scalp surface (x = left→right, y = posterior→anterior, z = inferior→superior), in U */
  headAxes: Vec3;
  /** spherical-harmonic coefficients of the head (and every inner) surface, relative radius change */
  headShape: number[];
  /** extra harmonics of the brain surfaces (cortex, white matter) on top of headShape */
  brainShape: number[];
  /** cortical thickness at zero atrophy, in units of ρ */
  cortexThickness: number;
  /** centre of the right ventricle (the left one mirrors x), in U */
  ventricleCenter: Vec3;
  /** semi-axes of each ventricle at zero atrophy, in U */
  ventricleAxes: Vec3;
  /** upward bend of the ventricles' centre line: z += bend · y² (the lateral ventricles' arc) */
  ventricleBend: number;
  /** sulcal pattern: sulci are the sheets where |Σ cos(k·p + phase)| / √n is below the half-width */
  sulcalWaves: PlaneWave[];
  sulcalWidth: number;
  contrast: Contrast;
}

/**
 * Real spherical harmonics of degrees 1–3 of a unit vector, unnormalised polynomials
 * (normalisation is folded into the coefficients' scale). Writes HARMONIC_TERMS values.
 */
export function harmonicBasis(ux: number, uy: number, uz: number, out: Float64Array): void {
  const z2 = uz * uz;
  out[0] = ux;
  out[1] = uy;
  out[2] = uz;
  out[3] = ux * uy;
  out[4] = uy * uz;
  out[5] = ux * uz;
  out[6] = ux * ux - uy * uy;
  out[7] = 3 * z2 - 1;
  out[8] = ux * (ux * ux - 3 * uy * uy);
  out[9] = uy * (3 * ux * ux - uy * uy);
  out[10] = ux * uy * uz;
  out[11] = ux * (5 * z2 - 1);
  out[12] = uy * (5 * z2 - 1);
  out[13] = uz * (5 * z2 - 3);
  out[14] = uz * (ux * ux - uy * uy);
}

/** Harmonic coefficients with standard deviation sd1, sd2, sd3 for degrees 1, 2, 3. */
function drawHarmonics(rng: Rng, sd1: number, sd2: number, sd3: number): number[] {
  const sd = [sd1, sd1, sd1, sd2, sd2, sd2, sd2, sd2 / 2, sd3, sd3, sd3, sd3 / 2, sd3 / 2, sd3 / 3, sd3];
  return sd.map((s) => s * rng.normal());
}

/** A normal draw clipped to ±limit standard deviations, so no subject is absurd. */
export function clippedNormal(rng: Rng, mean: number, sd: number, limit = 2.5): number {
  const z = Math.max(-limit, Math.min(limit, rng.normal()));
  return mean + sd * z;
}

/**
 * One subject's anatomy. Variation across subjects (sizes, shapes, ventricle size, cortical
 * thickness, sulcal pattern, tissue contrast) is what "changes with nothing": it is fixed
 * for a subject and independent of age and diagnosis.
 */
export function drawAnatomy(rng: Rng, sex: Sex): SubjectAnatomy {
  const size = (sex === 'M' ? 1.02 : 0.98) * clippedNormal(rng, 1, 0.02);
  const headAxes: Vec3 = HEAD_AXES.map((a) => a * size * clippedNormal(rng, 1, 0.015)) as Vec3;
  const ventricleSize = Math.exp(clippedNormal(rng, 0, 0.15));
  const sulcalWaves: PlaneWave[] = [];
  const kNorm = (2 * Math.PI) / SULCAL_WAVELENGTH;
  for (let w = 0; w < SULCAL_WAVES; w++) {
    // a uniform direction on the sphere
    const cz = rng.uniform(-1, 1);
    const az = rng.uniform(0, 2 * Math.PI);
    const s = Math.sqrt(1 - cz * cz);
    sulcalWaves.push({
      k: [kNorm * s * Math.cos(az), kNorm * s * Math.sin(az), kNorm * cz],
      phase: rng.uniform(0, 2 * Math.PI),
    });
  }
  return {
    headAxes,
    headShape: drawHarmonics(rng, 0.01, 0.03, 0.02),
    brainShape: drawHarmonics(rng, 0.005, 0.015, 0.015),
    cortexThickness: clippedNormal(rng, 0.15, 0.012),
    ventricleCenter: [clippedNormal(rng, 0.09, 0.008), clippedNormal(rng, -0.02, 0.02), clippedNormal(rng, 0.1, 0.015)],
    ventricleAxes: [0.06, 0.22, 0.09].map((a) => a * ventricleSize * clippedNormal(rng, 1, 0.06)) as Vec3,
    ventricleBend: clippedNormal(rng, -0.9, 0.15),
    sulcalWaves,
    sulcalWidth: clippedNormal(rng, 0.1, 0.015),
    contrast: {
      wm: 1,
      gm: clippedNormal(rng, 0.62, 0.025),
      csf: clippedNormal(rng, 0.18, 0.02),
      skull: clippedNormal(rng, 0.07, 0.015),
      scalp: clippedNormal(rng, 0.8, 0.05),
    },
  };
}
