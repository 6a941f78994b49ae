/**
 * Separable Gaussian blur of an x-fastest volume with the conventions of
 * scipy.ndimage.gaussian_filter (truncate = 4: radius = ⌊4σ + 0.5⌋; mode 'reflect', i.e.
 * d c b a | a b c d at the borders), so it can be checked against scipy. TorchIO's
 * RandomBlur draws σ per axis (default U(0, 2)); here σ is in voxels.
 */
import type { Triple } from './ranges.js';
import { type DataVolume, volumeOf } from '../../math/data-input.js';

/** Normalised 1D kernel weights for σ (voxels) and the truncation of scipy. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const w = Math.exp((-0.5 * x * x) / (sigma * sigma));
    weights[x + radius] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** Blurs a volume (x-fastest of shape [nx, ny, nz], or a [nz, ny, nx] tensor) with per-axis σ in voxels; σ = 0 leaves an axis alone. */
export function gaussianBlur(volume: DataVolume, shape: Triple, sigmas: Triple): Float32Array {
  let current: Float32Array = Float32Array.from(volumeOf(volume, shape, 'volume'));
  const strides = [1, shape[0], shape[0] * shape[1]];
  for (let axis = 0; axis < 3; axis++) {
    if (!(sigmas[axis] > 0)) continue;
    current = convolveAxis(current, shape, axis, strides[axis], gaussianKernel(sigmas[axis]));
  }
  return current;
}

function convolveAxis(
  data: Float32Array,
  shape: Triple,
  axis: number,
  stride: number,
  kernel: Float64Array,
): Float32Array {
  const n = shape[axis];
  const radius = (kernel.length - 1) / 2;
  const out = new Float32Array(data.length);
  const line = new Float64Array(n + 2 * radius);
  const reflected = new Int32Array(n + 2 * radius);
  for (let i = 0; i < reflected.length; i++) reflected[i] = reflectIndex(i - radius, n);
  const lines = data.length / n;
  for (let l = 0; l < lines; l++) {
    // the start of line l along `axis`: split l into the indices of the other two axes
    const start = lineStart(l, shape, axis);
    for (let i = 0; i < line.length; i++) line[i] = data[start + reflected[i] * stride];
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < kernel.length; k++) sum += kernel[k] * line[i + k];
      out[start + i * stride] = sum;
    }
  }
  return out;
}

/** scipy's 'reflect' (half-sample symmetric) boundary, valid for any offset. */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - 1 - m;
  return m;
}

function lineStart(l: number, [nx, ny]: Triple, axis: number): number {
  if (axis === 0) return l * nx; // l runs over (j, k)
  if (axis === 1) return (l % nx) + nx * ny * Math.floor(l / nx); // l runs over (i, k)
  return l; // axis 2: l runs over (i, j) = i + nx·j
}
