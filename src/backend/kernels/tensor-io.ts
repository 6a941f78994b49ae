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

/**
 * withTensors for kernels with several outputs and float32 scratch memory: `compute` gets
 * views of the inputs, of fresh outputs of `outShapes` and of `scratchLength` scratch values
 * (8-byte aligned, so a Float64Array view fits; in the wasm heap on 'wasm', freed after the
 * call). Every output and the scratch are allocated before any view is taken.
 */
export function withTensorsAndScratch(
  backendName: FastKernelBackend,
  backend: unknown,
  inputs: tf.TensorInfo[],
  outShapes: number[][],
  scratchLength: number,
  compute: (inputs: Float32Array[], outs: Float32Array[], scratch: Float32Array) => void,
): tf.TensorInfo[] {
  const length = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendLike & { disposeData(dataId: object): void };
    const outs = outShapes.map((s) => wasm.makeOutput(s, 'float32'));
    // +2 values so that an 8-byte-aligned start always fits
    const scratch = wasm.makeOutput([scratchLength + 2], 'float32');
    try {
      const raw = wasm.typedArrayFromHeap(scratch);
      const skip = raw.byteOffset % 8 === 0 ? 0 : 1;
      compute(
        inputs.map((t) => wasm.typedArrayFromHeap(t)),
        outs.map((o) => wasm.typedArrayFromHeap(o)),
        raw.subarray(skip, skip + scratchLength),
      );
    } finally {
      wasm.disposeData(scratch.dataId);
    }
    return outs;
  }
  const cpu = backend as CpuBackendLike;
  const values = outShapes.map((s) => new Float32Array(length(s)));
  compute(
    inputs.map((t) => cpu.data.get(t.dataId).values),
    values,
    new Float32Array(scratchLength),
  );
  return values.map((v, i) => cpu.makeTensorInfo(outShapes[i], 'float32', v));
}
