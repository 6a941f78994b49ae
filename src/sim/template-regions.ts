/**
 * The regions the template phantom ages, found once per template (docs/phantom.md,
 * "Template phantom"): brain, three intensity classes (CSF, grey, white matter), the lateral
 * ventricles, hippocampus, amygdala and cortex, as one bit mask per voxel.
 *
 * - brain: voxels above 5% of the robust maximum (the template is skull-stripped);
 * - classes: 3-means of the brain's intensities (CSF < GM < WM), split at the midpoints;
 * - ventricles (not in AAL): voxels darker than the CSF class's mean (less a quarter of the
 *   CSF–GM gap, which leaves out partial volumes that would leak into sulci and fissure) at
 *   least VENTRICLE_DEPTH_MM inside the brain, in 6-connected components that reach the
 *   central box around the brain's centre and lie off the midline (findVentricles);
 * - hippocampus / amygdala: the atlas labels (atlas-labels.ts) or, without an atlas,
 *   grey-matter voxels in ellipsoids at positions relative to the brain's bounding box
 *   measured on Colin27 with AAL (a crude stand-in: see the docs);
 * - cortex: grey-matter voxels of the atlas's cortical labels or, without an atlas, grey
 *   matter within CORTEX_DEPTH_MM of the brain's surface, hippocampus and amygdala excluded.
 */
import type { Vec3 } from './anatomy.js';
import { BRAIN_FRACTION, type TemplateInputs, type TemplateVolume } from './template-image.js';
import { atlasRegionOf, type AtlasScheme, type AtlasRegion } from './atlas-labels.js';

export const REGION_BITS = { ventricles: 1, hippocampus: 2, amygdala: 4, cortex: 8, brain: 16 } as const;
export type RegionName = keyof typeof REGION_BITS;
export const REGION_NAMES = Object.keys(REGION_BITS) as RegionName[];

/** Ventricle candidates lie at least this deep inside the brain mask (excludes sulcal and fissure CSF), mm. */
export const VENTRICLE_DEPTH_MM = 10;
/** Half-sizes of the central box a ventricle component must reach, as fractions of the brain's bounding box. */
export const VENTRICLE_BOX_FRACTION: Vec3 = [0.12, 0.15, 0.15];
/** A component whose centroid is closer than this to the brain's mid-sagittal plane is a midline one (third ventricle, cisterns), mm. */
export const VENTRICLE_MIDLINE_MM = 4;
/** Ventricle voxels are darker than the CSF class mean minus this fraction of the CSF–GM gap (partial volumes excluded). */
export const VENTRICLE_DARKNESS = 0.25;
/** Without an atlas, cortex is grey matter within this depth of the brain's surface, mm. */
export const CORTEX_DEPTH_MM = 8;

/**
 * Fallback medial temporal regions: centre (fraction of the brain's bounding box, per RAS
 * axis) and semi-axes (fraction of the box), from the centroids and 1.75× the standard
 * deviations of AAL's labels on Colin27 (ch2bet): right side mirrors x.
 */
export const FALLBACK_REGIONS = {
  hippocampus: { centre: [0.32, 0.477, 0.374] as Vec3, semiAxes: [0.079, 0.105, 0.101] as Vec3 },
  amygdala: { centre: [0.33, 0.588, 0.327] as Vec3, semiAxes: [0.05, 0.03, 0.054] as Vec3 },
};

export interface TemplateRegions {
  /** per voxel of the cropped template grid, REGION_BITS or-ed */
  bits: Uint8Array;
  /** mean intensity of the CSF, GM and WM classes */
  classMeans: [number, number, number];
  /** how hippocampus, amygdala and cortex were found */
  source: 'atlas' | 'intensity';
  atlasScheme?: AtlasScheme;
  /** voxels of each region */
  counts: Record<RegionName, number>;
}

/** A 0/1 mask of `length` voxels where `test(index)` holds (a plain loop: typed-array `from` with a map function is slow). */
export function maskWhere(length: number, test: (index: number) => boolean): Uint8Array {
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) if (test(i)) mask[i] = 1;
  return mask;
}

/** 1D k-means with three classes (Lloyd's iterations on a 256-bin histogram), sorted means. */
export function threeClassMeans(values: Float32Array): [number, number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const bins = 256;
  const width = (hi - lo) / bins || 1;
  const counts = new Float64Array(bins);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const centre = (b: number) => lo + (b + 0.5) * width;
  let means = [0.25, 0.5, 0.85].map((q) => lo + q * (hi - lo));
  for (let iteration = 0; iteration < 100; iteration++) {
    const sums = [0, 0, 0];
    const ns = [0, 0, 0];
    for (let b = 0; b < bins; b++) {
      const v = centre(b);
      const c =
        Math.abs(v - means[0]) <= Math.abs(v - means[1])
          ? Math.abs(v - means[0]) <= Math.abs(v - means[2])
            ? 0
            : 2
          : Math.abs(v - means[1]) <= Math.abs(v - means[2])
            ? 1
            : 2;
      sums[c] += counts[b] * v;
      ns[c] += counts[b];
    }
    const next = means.map((m, c) => (ns[c] > 0 ? sums[c] / ns[c] : m)).sort((a, b) => a - b);
    const moved = next.some((m, c) => Math.abs(m - means[c]) > 1e-9 * (hi - lo));
    means = next;
    if (!moved) break;
  }
  return means as [number, number, number];
}

/**
 * Distance in mm from each voxel to the nearest voxel outside `mask` (0 outside), by the
 * two-pass 3×3×3 chamfer transform with the exact lengths of the 26 neighbour steps.
 */
export function depthInside(mask: Uint8Array, shape: Vec3, spacing: Vec3): Float32Array {
  const [nx, ny, nz] = shape;
  const depth = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) depth[i] = mask[i] ? Infinity : 0;
  const dxs: number[] = [];
  const dys: number[] = [];
  const dzs: number[] = [];
  const lengths: number[] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const before = dz < 0 || (dz === 0 && (dy < 0 || (dy === 0 && dx < 0)));
        if (!before) continue;
        dxs.push(dx);
        dys.push(dy);
        dzs.push(dz);
        lengths.push(Math.hypot(dx * spacing[0], dy * spacing[1], dz * spacing[2]));
      }
    }
  }
  const n = lengths.length;
  const pass = (sign: 1 | -1) => {
    const deltas = dxs.map((dx, o) => sign * (dx + nx * (dys[o] + ny * dzs[o])));
    for (let kk = 0; kk < nz; kk++) {
      const k = sign === 1 ? kk : nz - 1 - kk;
      for (let jj = 0; jj < ny; jj++) {
        const j = sign === 1 ? jj : ny - 1 - jj;
        for (let ii = 0; ii < nx; ii++) {
          const i = sign === 1 ? ii : nx - 1 - ii;
          const index = i + nx * (j + ny * k);
          let d = depth[index];
          if (d === 0) continue;
          const interior = i > 0 && j > 0 && k > 0 && i < nx - 1 && j < ny - 1 && k < nz - 1;
          for (let o = 0; o < n; o++) {
            let neighbour: number;
            if (interior) neighbour = depth[index + deltas[o]];
            else {
              const x = i + sign * dxs[o];
              const y = j + sign * dys[o];
              const z = k + sign * dzs[o];
              // beyond the grid counts as outside the brain
              neighbour = x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz ? 0 : depth[x + nx * (y + ny * z)];
            }
            if (neighbour + lengths[o] < d) d = neighbour + lengths[o];
          }
          depth[index] = d;
        }
      }
    }
  };
  pass(1);
  pass(-1);
  return depth;
}

/** 6-connected components of `mask`: a label per voxel (0 = not in the mask) and each label's size. */
export function connectedComponents(mask: Uint8Array, shape: Vec3): { labels: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = shape;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const queue = new Int32Array(mask.length);
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || labels[seed]) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    labels[seed] = label;
    while (head < tail) {
      const index = queue[head++];
      const i = index % nx;
      const j = Math.floor(index / nx) % ny;
      const k = Math.floor(index / (nx * ny));
      const visit = (n: number) => {
        if (mask[n] && !labels[n]) {
          labels[n] = label;
          queue[tail++] = n;
        }
      };
      if (i > 0) visit(index - 1);
      if (i < nx - 1) visit(index + 1);
      if (j > 0) visit(index - nx);
      if (j < ny - 1) visit(index + nx);
      if (k > 0) visit(index - nx * ny);
      if (k < nz - 1) visit(index + nx * ny);
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}

/** Voxel box [lo, hi] per axis of the nonzero voxels of `mask`. */
function maskBox(mask: Uint8Array, shape: Vec3): { lo: Vec3; hi: Vec3 } {
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  forEachVoxel(shape, (index, ijk) => {
    if (!mask[index]) return;
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], ijk[a]);
      hi[a] = Math.max(hi[a], ijk[a]);
    }
  });
  return { lo, hi };
}

function forEachVoxel(shape: Vec3, visit: (index: number, ijk: Vec3) => void): void {
  const ijk: Vec3 = [0, 0, 0];
  let index = 0;
  for (let k = 0; k < shape[2]; k++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let i = 0; i < shape[0]; i++, index++) {
        ijk[0] = i;
        ijk[1] = j;
        ijk[2] = k;
        visit(index, ijk);
      }
    }
  }
}

/**
 * The lateral ventricles (see the module comment): dark deep components that reach the
 * central box, keeping those whose centroid lies off the midline (the paired lateral
 * ventricles, split by the septum pellucidum) and dropping midline ones (third and fourth
 * ventricle, cisterns). If no off-midline component is found (the two connect), the
 * largest central component is kept.
 */
export function findVentricles(
  t1: TemplateVolume,
  brain: Uint8Array,
  depth: Float32Array,
  csfBelow: number,
): Uint8Array {
  const candidates = new Uint8Array(brain.length);
  for (let i = 0; i < brain.length; i++)
    candidates[i] = brain[i] && t1.data[i] < csfBelow && depth[i] >= VENTRICLE_DEPTH_MM ? 1 : 0;
  const { labels, sizes } = connectedComponents(candidates, t1.shape);
  const { lo, hi } = maskBox(brain, t1.shape);
  const centre = lo.map((l, a) => (l + hi[a]) / 2);
  const half = VENTRICLE_BOX_FRACTION.map((f, a) => f * (hi[a] - lo[a]));
  const central = new Set<number>();
  const sumX = new Float64Array(sizes.length);
  forEachVoxel(t1.shape, (index, ijk) => {
    const label = labels[index];
    if (!label) return;
    sumX[label] += ijk[0];
    if (ijk.every((v, a) => Math.abs(v - centre[a]) <= half[a])) central.add(label);
  });
  const largest = Math.max(0, ...[...central].map((l) => sizes[l]));
  // specks of dark tissue are not ventricles
  const large = [...central].filter((l) => sizes[l] >= 0.05 * largest);
  const midlineVoxels = VENTRICLE_MIDLINE_MM / t1.spacing[0];
  const lateral = large.filter((l) => Math.abs(sumX[l] / sizes[l] - centre[0]) >= midlineVoxels);
  const chosen = lateral.length > 0 ? lateral : large.filter((l) => sizes[l] === largest);
  const keep = new Uint8Array(sizes.length);
  for (const l of chosen) keep[l] = 1;
  const ventricles = new Uint8Array(brain.length);
  for (let i = 0; i < brain.length; i++) ventricles[i] = keep[labels[i]];
  return ventricles;
}

/** Grey-matter voxels in the fallback ellipsoids of a medial temporal region, both sides. */
function fallbackRegion(
  t1: TemplateVolume,
  brainBox: { lo: Vec3; hi: Vec3 },
  isGrey: (index: number) => boolean,
  region: keyof typeof FALLBACK_REGIONS,
): Uint8Array {
  const { centre, semiAxes } = FALLBACK_REGIONS[region];
  const size = brainBox.lo.map((l, a) => brainBox.hi[a] - l + 1);
  const mask = new Uint8Array(t1.data.length);
  for (const side of [centre[0], 1 - centre[0]]) {
    const c = [side, centre[1], centre[2]].map((f, a) => brainBox.lo[a] + f * size[a]);
    const r = semiAxes.map((f, a) => f * size[a]);
    forEachVoxel(t1.shape, (index, ijk) => {
      const q = ijk.reduce((s, v, a) => s + ((v - c[a]) / r[a]) ** 2, 0);
      if (q <= 1 && isGrey(index)) mask[index] = 1;
    });
  }
  return mask;
}

/** All regions of a template (see the module comment). */
export function findRegions(inputs: TemplateInputs, atlasScheme?: AtlasScheme): TemplateRegions {
  const { t1, atlas } = inputs;
  let top = 0;
  const positive = t1.data.filter((v) => v > 0).sort();
  if (positive.length > 0) top = positive[Math.floor(0.99 * (positive.length - 1))];
  const brain = maskWhere(t1.data.length, (i) => t1.data[i] > BRAIN_FRACTION * top);
  const brainValues = new Float32Array(brain.reduce((s, v) => s + v, 0));
  for (let i = 0, n = 0; i < brain.length; i++) if (brain[i]) brainValues[n++] = t1.data[i];
  const classMeans = threeClassMeans(brainValues);
  const csfBelow = (classMeans[0] + classMeans[1]) / 2;
  const wmAbove = (classMeans[1] + classMeans[2]) / 2;
  const isGrey = (index: number) => brain[index] === 1 && t1.data[index] >= csfBelow && t1.data[index] < wmAbove;
  const depth = depthInside(brain, t1.shape, t1.spacing);
  const ventricles = findVentricles(
    t1,
    brain,
    depth,
    classMeans[0] - VENTRICLE_DARKNESS * (classMeans[1] - classMeans[0]),
  );
  let hippocampus: Uint8Array;
  let amygdala: Uint8Array;
  let cortex: Uint8Array;
  if (atlas && atlasScheme) {
    const regionOf = atlasRegionOf(atlasScheme);
    const n = atlas.data.length;
    const regionAt = (i: number): AtlasRegion => regionOf(atlas.data[i]);
    hippocampus = maskWhere(n, (i) => regionAt(i) === 'hippocampus');
    amygdala = maskWhere(n, (i) => regionAt(i) === 'amygdala');
    cortex = maskWhere(n, (i) => regionAt(i) === 'cortex' && isGrey(i));
  } else {
    const box = maskBox(brain, t1.shape);
    amygdala = fallbackRegion(t1, box, isGrey, 'amygdala');
    const hippocampusCore = fallbackRegion(t1, box, isGrey, 'hippocampus');
    hippocampus = maskWhere(depth.length, (i) => hippocampusCore[i] === 1 && !amygdala[i]);
    cortex = maskWhere(
      depth.length,
      (i) => isGrey(i) && depth[i] <= CORTEX_DEPTH_MM && !hippocampus[i] && !amygdala[i],
    );
  }
  const bits = new Uint8Array(brain.length);
  const counts: Record<RegionName, number> = { ventricles: 0, hippocampus: 0, amygdala: 0, cortex: 0, brain: 0 };
  const masks: Record<RegionName, Uint8Array> = { ventricles, hippocampus, amygdala, cortex, brain };
  for (const name of REGION_NAMES) {
    const mask = masks[name];
    for (let i = 0; i < bits.length; i++) {
      if (mask[i]) {
        bits[i] |= REGION_BITS[name];
        counts[name]++;
      }
    }
  }
  return { bits, classMeans, source: atlas && atlasScheme ? 'atlas' : 'intensity', atlasScheme, counts };
}
