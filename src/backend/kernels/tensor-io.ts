/**
 * Access to tensor storage from inside a kernel function, for the two backends the fast
 * kernels serve: 'wasm' (data lives in the wasm heap) and 'cpu' (data in JS typed arrays).
 */
import type * as tf from '@tensorflow/tfjs';

export type FastKernelBackend = 'wasm' | 'cpu';

/** Minimal views of the two backends' storage that the kernels need. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}
interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * Gives `compute` Float32Array views of the float32 `inputs` and of a fresh output tensor of
 * `outShape`, and returns that output. The views are only valid during the call.
 */
export function withTensors(
  backendName: FastKernelBackend,
  backend: unknown,
  inputs: tf.TensorInfo[],
  outShape: number[],
  compute: (inputs: Float32Array[], out: Float32Array) => void,
): tf.TensorInfo {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendLike;
    // Output first: allocating may grow the wasm heap and detach earlier views.
    const out = wasm.makeOutput(outShape, 'float32');
    compute(
      inputs.map((t) => wasm.typedArrayFromHeap(t)),
      wasm.typedArrayFromHeap(out),
    );
    return out;
  }
  const cpu = backend as CpuBackendLike;
  const values = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  compute(
    inputs.map((t) => cpu.data.get(t.dataId).values),
    values,
  );
  return cpu.makeTensorInfo(outShape, 'float32', values);
}
