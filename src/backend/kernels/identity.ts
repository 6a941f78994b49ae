/**
 * `Identity` on the wasm backend without a copy.
 *
 * The tfjs engine clones (Identity) every tensor an op saves for its gradient, and the
 * tfjs-backend-wasm 4.22 Identity kernel copies the data, so every activation the tape keeps
 * was stored twice or more (a 64³ × 16-channel activation at batch 8 is 268 MB, and the conv,
 * bias add, ReLU and pooling after it each saved a copy), and copying cost ≈ 0.3 s per 64³
 * batch-4 step. Tensor data is immutable in TensorFlow.js (variables swap data ids on
 * assign), so, like the cpu backend's Identity and wasm's own Reshape, this one shares the
 * data id and counts a reference. Strings still go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

let stock: tf.KernelConfig | undefined;

/** Replaces wasm's Identity with the sharing one (idempotent; no-op without the wasm backend). */
export function registerSharedIdentity(): void {
  if (stock) return;
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return;
  stock = original;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

/** Restores the copying stock kernel. */
export function unregisterSharedIdentity(): void {
  if (!stock) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(stock);
  stock = undefined;
}
