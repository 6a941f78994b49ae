/**
 * 3D convolution and ×2 max pooling with gradients built only from forward kernels.
 *
 * Why: in tfjs-backend-wasm 4.22 the Conv3DBackpropInputV2 and MaxPool3DGrad kernels give
 * wrong results once the volume is larger than a few voxels (and MaxPool3D too) (checked against the cpu
 * backend and PyTorch autograd: test/nn/ops.test.ts), so stock `tf.conv3d` and `tf.maxPool3d`
 * train a corrupted network on wasm. Where lssl's own kernels are registered
 * (src/backend/kernels: initBackend does it for wasm and cpu) those ops are right and far
 * lighter on memory, so they are used directly; elsewhere (a backend without our kernels):
 *
 * - conv, stride 1, 'same', odd kernel: ∂L/∂x is the 'same' convolution of ∂L/∂y with the
 *   kernel flipped in space and with in/out channels swapped (the adjoint of a stride-1
 *   correlation); ∂L/∂k is Conv3DBackpropFilterV2.
 * - max pool 2, stride 2: three pairwise tf.maximum of strided views, whose kernels and
 *   gradients are right everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { conv3dWithBias, fastKernelsActive } from '../backend/kernels/index.js';

/** True when lssl's conv/pool kernels serve the active backend (so stock ops are right). */
function ownKernels(): boolean {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && fastKernelsActive(backend);
}

/** The adjoint kernel: flipped along kd, kh, kw and with in/out channels swapped. */
export function adjointKernel(kernel: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => tf.transpose(tf.reverse(kernel, [0, 1, 2]), [0, 1, 2, 4, 3]));
}

const conv3dSameWithGrad = tf.customGrad(((x: tf.Tensor5D, kernel: tf.Tensor5D, save: tf.GradSaveFunc) => {
  save([x, kernel]);
  return {
    value: tf.conv3d(x, kernel, 1, 'same'),
    gradFunc: (dy: tf.Tensor5D, saved: tf.Tensor[]) => {
      const [sx, sk] = saved as [tf.Tensor5D, tf.Tensor5D];
      const dx = tf.conv3d(dy, adjointKernel(sk), 1, 'same');
      const dk = tf
        .engine()
        .runKernel(
          'Conv3DBackpropFilterV2',
          { x: sx, dy },
          { strides: [1, 1, 1], pad: 'same', filterShape: sk.shape },
        ) as tf.Tensor;
      return [dx, dk];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x: [B, D, H, W, cin], kernel: [k, k, k, cin, cout] (k odd) → [B, D, H, W, cout]; stride 1, 'same'. */
export function conv3dSame(x: tf.Tensor5D, kernel: tf.Tensor5D): tf.Tensor5D {
  const [kd, kh, kw] = kernel.shape;
  if (kd % 2 === 0 || kh % 2 === 0 || kw % 2 === 0)
    throw new Error(`conv3dSame needs odd kernel sides, not ${kernel.shape.slice(0, 3).join('×')}`);
  if (ownKernels()) return tf.conv3d(x, kernel, 1, 'same');
  return conv3dSameWithGrad(x, kernel) as tf.Tensor5D;
}

/**
 * conv3dSame(x, kernel) + bias [cout]. With lssl's kernels the bias is added inside the conv
 * kernel (one pass, and no conv output kept on the tape for the add's gradient).
 */
export function conv3dSameBias(x: tf.Tensor5D, kernel: tf.Tensor5D, bias: tf.Tensor1D): tf.Tensor5D {
  if (ownKernels()) {
    const [kd, kh, kw] = kernel.shape;
    if (kd % 2 === 0 || kh % 2 === 0 || kw % 2 === 0)
      throw new Error(`conv3dSame needs odd kernel sides, not ${kernel.shape.slice(0, 3).join('×')}`);
    return conv3dWithBias(x, kernel, bias, 'same');
  }
  return tf.tidy(() => tf.add(conv3dSame(x, kernel), bias));
}

/** Halves axis `axis` of x by the elementwise max of its even and odd entries (any rank). */
export function maxPairsAlongAxis(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const outer = shape.slice(0, axis + 1).reduce((a, b) => a * b, 1) / 2;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const view = tf.reshape(x, [outer, 2, inner]);
    const even = tf.slice(view, [0, 0, 0], [outer, 1, inner]);
    const odd = tf.slice(view, [0, 1, 0], [outer, 1, inner]);
    const outShape = shape.slice();
    outShape[axis] /= 2;
    return tf.reshape(tf.maximum(even, odd), outShape);
  });
}

/**
 * x: [B, D, H, W, C] → [B, D/2, H/2, W/2, C], the max of each 2×2×2 block (even sides),
 * as three pairwise maxima of rank-3 views; its gradient (tf.maximum's and tf.slice's)
 * sends each block's gradient to the block's first maximum.
 */
export function maxPool3dBy2(x: tf.Tensor5D): tf.Tensor5D {
  if (x.rank !== 5 || x.shape.slice(1, 4).some((s) => s % 2 !== 0))
    throw new Error(`maxPool3dBy2 needs [B,D,H,W,C] with even D, H, W, not [${x.shape}]`);
  if (ownKernels()) return tf.maxPool3d(x, 2, 2, 'valid');
  return tf.tidy(() => maxPairsAlongAxis(maxPairsAlongAxis(maxPairsAlongAxis(x, 1), 2), 3) as tf.Tensor5D);
}
