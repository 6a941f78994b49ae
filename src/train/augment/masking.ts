/**
 * The coordinate-masking augmentation of Wen & Li ("Toward understanding the feature
 * learning process of self-supervised contrastive learning", ICML 2021, §3): with D a
 * diagonal matrix of independent Bernoulli(½) entries, the two views of x are
 *   x⁺ = 2D·x   and   x⁺⁺ = 2(I − D)·x,
 * so they split the coordinates (voxels) between them and x⁺ + x⁺⁺ = 2x. Their analysis
 * shows this removes the spurious dense features that plain feature-wise augmentation
 * lets a network learn. Here a "coordinate" can be a block of voxels (blockSize), which
 * is the analogue for images with spatially correlated noise.
 */
import { createRng, type Rng } from '../../rng.js';
import { checkVolume, parsePositiveTriple, type Triple } from './ranges.js';
import { inputError } from '../../errors.js';
import { type DataVolume, volumeOf } from '../../math/data-input.js';

export interface CoordinateMaskOptions {
  /** side of the masked blocks in voxels (default [1, 1, 1]: every voxel on its own) */
  blockSize?: readonly number[];
}

/** Recorded parameters: the seed of D's Bernoulli draws and the block size. */
export interface CoordinateMaskParams {
  seed: number;
  blockSize: Triple;
}

export function drawCoordinateMask(rng: Rng, options: CoordinateMaskOptions = {}): CoordinateMaskParams {
  const blockSize = parsePositiveTriple('blockSize', options.blockSize ?? [1, 1, 1]);
  if (!blockSize.every(Number.isInteger)) throw inputError(`blockSize must be integers, not [${blockSize.join(', ')}]`);
  return { seed: rng.int(2 ** 31), blockSize };
}

/** The two views x⁺ = 2D·x and x⁺⁺ = 2(I − D)·x of an x-fastest volume of `shape` [nx, ny, nz] (or a [nz, ny, nx] tensor). */
export function applyCoordinateMask(
  volume: DataVolume,
  shape: readonly number[],
  params: CoordinateMaskParams,
): { plus: Float32Array; plusPlus: Float32Array } {
  const data = volumeOf(volume, shape, 'volume');
  const [nx, ny, nz] = checkVolume(data, shape);
  const [bx, by, bz] = params.blockSize;
  const blocks = [Math.ceil(nx / bx), Math.ceil(ny / by), Math.ceil(nz / bz)];
  const rng = createRng(params.seed);
  const keep = new Uint8Array(blocks[0] * blocks[1] * blocks[2]);
  for (let b = 0; b < keep.length; b++) keep[b] = rng.next() < 0.5 ? 1 : 0;
  const plus = new Float32Array(data.length);
  const plusPlus = new Float32Array(data.length);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const rowBlock = blocks[0] * (Math.floor(j / by) + blocks[1] * Math.floor(k / bz));
      for (let i = 0; i < nx; i++, index++) {
        const doubled = 2 * data[index];
        if (keep[rowBlock + Math.floor(i / bx)]) plus[index] = doubled;
        else plusPlus[index] = doubled;
      }
    }
  }
  return { plus, plusPlus };
}
