/**
 * Everything the template phantom computes once per template: the cropped RAS+ T1 scaled
 * so that white matter is 1, its regions, the unit atrophy fields and their calibrations,
 * and the field of view the scans are written on.
 */
import type { Affine } from '../io/volume.js';
import type { Vec3 } from './anatomy.js';
import { atlasScheme } from './atlas-labels.js';
import { amplitudeFor, calibrate, regionField, type Calibration } from './template-fields.js';
import { readTemplateInputs, type TemplateVolume } from './template-image.js';
import { REGION_BITS, depthInside, findRegions, maskWhere, type TemplateRegions } from './template-regions.js';

/** Beyond this distance from the brain (mm) no atrophy field (≤ 3 mm) nor interpolation reaches it. */
export const NEAR_BRAIN_MM = 6;

/**
 * How a unit of atrophy A (subject.ts: a cognitively normal year adds 0.01) changes each
 * region's volume: V(A) = V(0)·e^{k·A}, with the template itself at A = 0. So a CN year
 * grows the ventricles 1% and shrinks hippocampus and amygdala 1% and the cortex 0.5%; the
 * diagnosis multiplies these yearly rates by 2 (MCI) and 3.5 (AD).
 */
export const VOLUME_PER_ATROPHY = { ventricles: 1, medialTemporal: -1, cortex: -0.5 } as const;
export type AgedRegion = keyof typeof VOLUME_PER_ATROPHY;
export const AGED_REGIONS = Object.keys(VOLUME_PER_ATROPHY) as AgedRegion[];

/** Smoothing σ (mm) of each region's indicator, and the largest amplitude (mm) calibrated. */
export const FIELD_SETTINGS: Record<AgedRegion, { sigmaMm: number; maxAmplitudeMm: number; sign: 1 | -1 }> = {
  ventricles: { sigmaMm: 3, maxAmplitudeMm: 3, sign: 1 },
  medialTemporal: { sigmaMm: 2, maxAmplitudeMm: 2, sign: -1 },
  cortex: { sigmaMm: 1.5, maxAmplitudeMm: 1.2, sign: -1 },
};

export interface TemplateModel {
  /** T1 / white-matter mean, cropped RAS+ grid */
  t1: TemplateVolume;
  regions: TemplateRegions;
  /** unit fields, [3·N] each, on t1's grid */
  fields: Record<AgedRegion, Float32Array>;
  calibrations: Record<AgedRegion, Calibration>;
  /** 1 where a voxel lies within NEAR_BRAIN_MM of the brain: elsewhere a scan is background */
  nearBrain: Uint8Array;
  /** world (mm) of the brain's bounding-box centre: the head frame's origin */
  centreMm: Vec3;
  /** half-extent of the brain's bounding box along x, y, z (mm) */
  halfExtentMm: Vec3;
  /** world (mm) → t1 voxel coordinates, rows of a 3×4 matrix */
  worldToVoxel: number[][];
  /** the cube's side the scans are written on, mm */
  fovMm: number;
  templatePath: string;
  atlasPath?: string;
}

/** Inverse of a 4×4 affine's 3×4 part (rows of a 3×4 matrix). */
export function invertAffine(a: Affine): number[][] {
  const [m00, m01, m02] = a[0];
  const [m10, m11, m12] = a[1];
  const [m20, m21, m22] = a[2];
  const det = m00 * (m11 * m22 - m12 * m21) - m01 * (m10 * m22 - m12 * m20) + m02 * (m10 * m21 - m11 * m20);
  const inv = [
    [(m11 * m22 - m12 * m21) / det, (m02 * m21 - m01 * m22) / det, (m01 * m12 - m02 * m11) / det],
    [(m12 * m20 - m10 * m22) / det, (m00 * m22 - m02 * m20) / det, (m02 * m10 - m00 * m12) / det],
    [(m10 * m21 - m11 * m20) / det, (m01 * m20 - m00 * m21) / det, (m00 * m11 - m01 * m10) / det],
  ];
  return inv.map((row) => [...row, -(row[0] * a[0][3] + row[1] * a[1][3] + row[2] * a[2][3])]);
}

/** World bounding box (centre, half-extent) of the voxels with `bit` set. */
function worldBox(t1: TemplateVolume, bits: Uint8Array, bit: number): { centre: Vec3; half: Vec3 } {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const [nx, ny, nz] = t1.shape;
  const a = t1.affine;
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        if (!(bits[index] & bit)) continue;
        for (let r = 0; r < 3; r++) {
          const w = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
          lo[r] = Math.min(lo[r], w);
          hi[r] = Math.max(hi[r], w);
        }
      }
    }
  }
  return { centre: lo.map((l, r) => (l + hi[r]) / 2) as Vec3, half: lo.map((l, r) => (hi[r] - l) / 2) as Vec3 };
}

/** The mask of the voxels with any of `bits` set. */
export function regionMask(regions: TemplateRegions, bits: number): Uint8Array {
  return maskWhere(regions.bits.length, (i) => (regions.bits[i] & bits) !== 0);
}

/** Reads a template (and atlas) and builds its model. */
export async function buildTemplateModel(templatePath: string, atlasPath?: string): Promise<TemplateModel> {
  const inputs = await readTemplateInputs(templatePath, atlasPath);
  const scheme =
    inputs.atlas && atlasPath !== undefined ? atlasScheme(atlasPath, new Set(inputs.atlas.data)) : undefined;
  const regions = findRegions(inputs, scheme);
  const t1 = inputs.t1;
  const white = regions.classMeans[2];
  for (let i = 0; i < t1.data.length; i++) t1.data[i] = Math.max(0, t1.data[i] / white);
  const masks: Record<AgedRegion, Uint8Array> = {
    ventricles: regionMask(regions, REGION_BITS.ventricles),
    medialTemporal: regionMask(regions, REGION_BITS.hippocampus | REGION_BITS.amygdala),
    cortex: regionMask(regions, REGION_BITS.cortex),
  };
  const fields = {} as Record<AgedRegion, Float32Array>;
  const calibrations = {} as Record<AgedRegion, Calibration>;
  for (const region of AGED_REGIONS) {
    const { sigmaMm, maxAmplitudeMm, sign } = FIELD_SETTINGS[region];
    fields[region] = regionField(masks[region], t1.shape, t1.spacing, sigmaMm);
    // the cortex is large: every other voxel per axis measures its volume ratio well enough
    calibrations[region] = calibrate(
      masks[region],
      fields[region],
      t1.shape,
      sign,
      maxAmplitudeMm,
      8,
      region === 'cortex' ? 2 : 1,
    );
  }
  const outside = maskWhere(regions.bits.length, (i) => !(regions.bits[i] & REGION_BITS.brain));
  const distance = depthInside(outside, t1.shape, t1.spacing);
  const nearBrain = maskWhere(distance.length, (i) => distance[i] <= NEAR_BRAIN_MM);
  const box = worldBox(t1, regions.bits, REGION_BITS.brain);
  // room for head size (+7% at most), rotation (a few degrees) and the warps
  const fovMm = Math.ceil(2 * Math.max(...box.half) * 1.15 + 10);
  return {
    t1,
    regions,
    fields,
    calibrations,
    nearBrain,
    centreMm: box.centre,
    halfExtentMm: box.half,
    worldToVoxel: invertAffine(t1.affine),
    fovMm,
    templatePath,
    atlasPath,
  };
}

/** The signed amplitudes (mm) of the unit fields at atrophy A, per aged region. */
export function atrophyAmplitudes(model: TemplateModel, atrophy: number): Record<AgedRegion, number> {
  const out = {} as Record<AgedRegion, number>;
  for (const region of AGED_REGIONS) {
    const ratio = Math.exp(VOLUME_PER_ATROPHY[region] * atrophy);
    out[region] = FIELD_SETTINGS[region].sign * amplitudeFor(model.calibrations[region], ratio);
  }
  return out;
}
