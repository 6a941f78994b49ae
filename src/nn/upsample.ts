/**
 * Nearest-neighbour ×2 upsampling of a 5D NDHWC tensor, built from ops whose gradients
 * work on every backend.
 *
 * Why not `tf.tile` or `tf.broadcastTo`: broadcastTo runs the Tile kernel, and Tile's
 * gradient is only implemented for rank ≤ 4, while a one-shot upsample needs rank 8.
 * Here each axis is doubled in turn by viewing the tensor as rank 4 and concatenating it
 * with itself along a new length-1 axis; concat's gradient (slices, summed into x) is
 * implemented for every rank and backend.
 */
import * as tf from '@tensorflow/tfjs';
import { UPSAMPLE_KERNEL, upsampleNearest3d } from '../backend/kernels/upsample3d.js';

/** Doubles axis `axis` of `x` (each entry repeated twice, in place), any rank. */
export function repeatAxisTwice(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const outer = shape.slice(0, axis + 1).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    // [outer, 1, inner] → [outer, 2, inner] puts the copy right after each entry.
    const view = tf.reshape(x, [outer, 1, inner]);
    const doubled = tf.concat([view, view], 1);
    const outShape = shape.slice();
    outShape[axis] *= 2;
    return tf.reshape(doubled, outShape);
  });
}

/**
 * x: [B, D, H, W, C] → [B, 2D, 2H, 2W, C], out[b, d, h, w, c] = x[b, ⌊d/2⌋, ⌊h/2⌋, ⌊w/2⌋, c].
 * The LSSL decoder's ×2 upsampling (nearest; the LNE re-implementation uses trilinear).
 */
export function upsample3d(x: tf.Tensor5D): tf.Tensor5D {
  if (x.rank !== 5) throw new Error(`upsample3d needs a rank-5 [B,D,H,W,C] tensor, not rank ${x.rank}`);
  // lssl's one-pass kernel (src/backend/kernels) where registered: no concat copies to keep.
  if (tf.getKernel(UPSAMPLE_KERNEL, tf.getBackend()) && x.dtype === 'float32') return upsampleNearest3d(x);
  return tf.tidy(() => repeatAxisTwice(repeatAxisTwice(repeatAxisTwice(x, 1), 2), 3) as tf.Tensor5D);
}
