/**
 * Slice images for the report: the three middle planes of a volume, grey-scale for images
 * and a diverging map for signed differences (decoded direction dec(z + α·τ̂) − dec(z)),
 * encoded as PNG with pngjs and embedded as data: URIs (the page must not fetch anything).
 *
 * Volumes are x-fastest [nx, ny, nz] in RAS+ (io/transforms), so x runs left → right,
 * y posterior → anterior, z inferior → superior. Slices are shown in the neurological
 * convention: subject's right on the viewer's right, anterior / superior at the top.
 */
import pngjs from 'pngjs';

const { PNG } = pngjs;

/** A 2-D image, row-major from the top row down: data[row·width + column]. */
export interface Slice {
  width: number;
  height: number;
  data: Float32Array;
}

export type Plane = 'axial' | 'coronal' | 'sagittal';
export const PLANES: readonly Plane[] = ['axial', 'coronal', 'sagittal'];

function checkVolume(volume: ArrayLike<number>, shape: readonly [number, number, number]): void {
  const [nx, ny, nz] = shape;
  if (volume.length !== nx * ny * nz)
    throw new Error(`volume has ${volume.length} voxels, not ${nx}×${ny}×${nz} = ${nx * ny * nz}`);
}

/**
 * The middle slice of `plane` (index ⌊n/2⌋ along the plane's normal):
 * axial (z fixed): columns x, rows y from anterior (top) down;
 * coronal (y fixed): columns x, rows z from superior down;
 * sagittal (x fixed): columns y (posterior → anterior), rows z from superior down.
 */
export function middleSlice(volume: ArrayLike<number>, shape: readonly [number, number, number], plane: Plane): Slice {
  checkVolume(volume, shape);
  const [nx, ny, nz] = shape;
  const at = (i: number, j: number, k: number) => volume[i + nx * (j + ny * k)];
  if (plane === 'axial') {
    const k = Math.floor(nz / 2);
    const data = new Float32Array(nx * ny);
    for (let row = 0; row < ny; row++) for (let i = 0; i < nx; i++) data[row * nx + i] = at(i, ny - 1 - row, k);
    return { width: nx, height: ny, data };
  }
  if (plane === 'coronal') {
    const j = Math.floor(ny / 2);
    const data = new Float32Array(nx * nz);
    for (let row = 0; row < nz; row++) for (let i = 0; i < nx; i++) data[row * nx + i] = at(i, j, nz - 1 - row);
    return { width: nx, height: nz, data };
  }
  if (plane === 'sagittal') {
    const i = Math.floor(nx / 2);
    const data = new Float32Array(ny * nz);
    for (let row = 0; row < nz; row++) for (let j = 0; j < ny; j++) data[row * ny + j] = at(i, j, nz - 1 - row);
    return { width: ny, height: nz, data };
  }
  throw new Error(`plane must be one of ${PLANES.join(', ')}, not ${JSON.stringify(plane)}`);
}

/** The q-th quantile (0 ≤ q ≤ 1) of finite values, linear interpolation (numpy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0) throw new Error('quantile of no finite values');
  const pos = q * (finite.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, finite.length - 1);
  return finite[lo] + (pos - lo) * (finite[hi] - finite[lo]);
}

type Rgb = [number, number, number];

/** Grey level of `v` in the window [low, high], clipped. */
export function greyLevel(v: number, low: number, high: number): number {
  if (!(high > low)) return 0;
  return Math.round(255 * Math.min(1, Math.max(0, (v - low) / (high - low))));
}

// End points of Moreland's "cool to warm" diverging map; white in the middle so zero change
// reads as no colour, and both ends of equal lightness so neither sign dominates.
const COOL: Rgb = [59, 76, 192];
const WARM: Rgb = [180, 4, 38];
const WHITE: Rgb = [255, 255, 255];

/** Colour of a signed value in [−limit, limit] (clipped): blue negative, white 0, red positive. */
export function divergingColour(v: number, limit: number): Rgb {
  const t = limit > 0 ? Math.min(1, Math.max(-1, v / limit)) : 0;
  const end = t < 0 ? COOL : WARM;
  const a = Math.abs(t);
  return [0, 1, 2].map((c) => Math.round(WHITE[c] + a * (end[c] - WHITE[c]))) as Rgb;
}

/** RGBA PNG of a slice, each voxel a `scale`×`scale` block (nearest neighbour). */
function encodeSlice(slice: Slice, colour: (v: number) => Rgb, scale: number): Buffer {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be an integer ≥ 1, not ${scale}`);
  const png = new PNG({ width: slice.width * scale, height: slice.height * scale });
  for (let row = 0; row < slice.height; row++) {
    for (let col = 0; col < slice.width; col++) {
      const rgb = colour(slice.data[row * slice.width + col]);
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = ((row * scale + dy) * png.width + col * scale + dx) * 4;
          png.data[p] = rgb[0];
          png.data[p + 1] = rgb[1];
          png.data[p + 2] = rgb[2];
          png.data[p + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** Grey-scale PNG with intensities windowed to [low, high]. */
export function greyPng(slice: Slice, low: number, high: number, scale = 1): Buffer {
  return encodeSlice(
    slice,
    (v) => {
      const g = greyLevel(v, low, high);
      return [g, g, g];
    },
    scale,
  );
}

/** Diverging-colour PNG of signed values, symmetric around 0 with ±limit at the ends. */
export function divergingPng(slice: Slice, limit: number, scale = 1): Buffer {
  return encodeSlice(slice, (v) => divergingColour(v, limit), scale);
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** An integer upscaling that makes the longer side at least `minSide` pixels. */
export function displayScale(slice: Pick<Slice, 'width' | 'height'>, minSide = 128): number {
  return Math.max(1, Math.ceil(minSide / Math.max(slice.width, slice.height)));
}
