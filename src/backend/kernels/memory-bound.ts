/**
 * The memory-bound kernels of memory-bound-simd.as (2×2×2 max pooling and its gradient, ×2
 * nearest upsampling and its gradient, the ReLU gradient, sums over leading axes) on plain
 * Float32Arrays, run on all threads of the SimdRuntime.
 *
 * Two ways to run them:
 * - in place, on the wasm backend: memory-bound-simd.wasm is instantiated a second time on the
 *   tfjs-wasm heap itself (attachWasmHeap), and the kernel runs on the main thread directly on
 *   the tensors' memory. These kernels move far more bytes than they compute, so skipping the
 *   copies beats a second thread: e.g. the ReLU gradient of a 64³ × 16 × 8 activation costs
 *   ≈ 100 ms staged through the shared heap and 2 threads, of which 70 ms are copies.
 * - staged, elsewhere (cpu backend: JS arrays): the tensors live outside the kernels' shared heap,
 *   so the main thread copies them through it in groups of at most STAGE_BYTES, and every
 *   thread takes chunks of rows. Which thread computes a chunk never changes the result: each
 *   output value is written by one chunk, and sums keep one accumulator per chunk, added in
 *   chunk order.
 * Either replaces scalar JS loops that took ≈ 1 s of a 64³ batch-4 step.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findKernelBinary, MEMORY_BOUND_KERNELS, type KernelArgs, type SimdRuntime } from './simd-runtime.js';

/** Heap bytes staged at a time (keeps the shared heap, which never shrinks, small). */
export const STAGE_BYTES = 48 << 20;

/** Values per row of the flat (elementwise) kernels. */
const FLAT_BLOCK = 4096;

const align = (bytes: number): number => (bytes + 63) & ~63;

/** About 32 chunks per call: fine enough to balance threads slowed by other processes. */
const fineChunk = (rows: number): number => Math.max(1, Math.ceil(rows / 32));

/** An array cut into equal units (batch elements, or single values for flat kernels). */
interface Stream {
  data: Float32Array;
  perUnit: number;
}

/**
 * Copies `units` units of every input into the heap in groups, calls `body(inPtrs, outPtr,
 * count)` for each group and copies its output back. `zeroOut` clears the staged output first
 * (for kernels that leave some outputs unwritten). `stage` bytes of heap per group; tests pass
 * small values to run several groups.
 */
function staged(
  rt: SimdRuntime,
  units: number,
  inputs: Stream[],
  output: Stream,
  stage: number,
  body: (inPtrs: number[], outPtr: number, count: number) => void,
  zeroOut = false,
): void {
  const perUnitBytes = [...inputs, output].reduce((a, s) => a + s.perUnit * 4, 0);
  const group = Math.max(1, Math.min(units, Math.floor(stage / perUnitBytes)));
  const sizes = [...inputs, output].map((s) => align(group * s.perUnit * 4));
  const base = rt.reserve(sizes.reduce((a, b) => a + b, 0));
  const ptrs = sizes.map((_, i) => base + sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const outPtr = ptrs[inputs.length];
  for (let u0 = 0; u0 < units; u0 += group) {
    const count = Math.min(group, units - u0);
    inputs.forEach((s, i) =>
      rt.f32(ptrs[i], count * s.perUnit).set(s.data.subarray(u0 * s.perUnit, (u0 + count) * s.perUnit)),
    );
    if (zeroOut) rt.f32(outPtr, count * output.perUnit).fill(0);
    body(ptrs.slice(0, inputs.length), outPtr, count);
    output.data.set(rt.f32(outPtr, count * output.perUnit), u0 * output.perUnit);
  }
}

const volume = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The slice of the WebAssembly JS API used here (lib ES2022 has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Kernel = (...args: number[]) => void;
/** The kernels of memory-bound-simd.wasm, run in place (batch-norm.ts uses the bn* and emaBlend ones). */
const IN_PLACE_KERNELS = MEMORY_BOUND_KERNELS;
export type InPlaceName = (typeof IN_PLACE_KERNELS)[number];

/** The tfjs-wasm heap, the kernels instantiated on it, and its allocator (for sum scratch). */
interface InPlace {
  memory: WasmMemory;
  fns: Record<InPlaceName, Kernel>;
  malloc: (bytes: number) => number;
  free: (ptr: number) => void;
}
let inPlace: InPlace | undefined;

/**
 * Instantiates memory-bound-simd.wasm on the tfjs-wasm heap `memory` (the backend's
 * `wasm.asm.memory`), so that these kernels run in place on wasm tensors. Returns false when
 * the binary is not built. The module has no data segments (build-kernels.mjs checks), so
 * instantiating it writes nothing into the heap.
 */
export function attachWasmHeap(
  memory: WasmMemory,
  malloc: (bytes: number) => number,
  free: (ptr: number) => void,
): boolean {
  if (inPlace?.memory === memory) return true;
  const conv = findKernelBinary();
  if (!conv) return false;
  const module = new WebAssembly.Module(readFileSync(join(dirname(conv), 'memory-bound-simd.wasm')));
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  inPlace = {
    memory,
    fns: Object.fromEntries(IN_PLACE_KERNELS.map((n) => [n, exports[n] as Kernel])) as Record<InPlaceName, Kernel>,
    malloc,
    free,
  };
  return true;
}

/** The parts of tfjs-backend-wasm's backend object that attachWasmHeap needs. */
interface WasmBackendLike {
  wasm?: { asm?: { memory?: WasmMemory }; _malloc?: (bytes: number) => number; _free?: (ptr: number) => void };
}

/**
 * Attaches the heap of `backend` when it is tfjs-backend-wasm's (cheap after the first call);
 * kernel functions call it so that the in-place path needs no set-up order.
 */
export function useBackendHeap(backendName: string, backend: unknown): void {
  if (backendName !== 'wasm') return;
  const wasm = (backend as WasmBackendLike).wasm;
  const memory = wasm?.asm?.memory;
  if (!memory || inPlace?.memory === memory || !wasm._malloc || !wasm._free) return;
  attachWasmHeap(memory, wasm._malloc, wasm._free);
}

/** Whether the in-place kernels are attached to a tfjs-wasm heap. */
export function wasmHeapAttached(): boolean {
  return inPlace !== undefined;
}

/** Forgets the tfjs-wasm heap (the staged path runs again). */
export function detachWasmHeap(): void {
  inPlace = undefined;
}

/**
 * The in-place kernels when every array lies in the attached tfjs-wasm heap (kernels called
 * with the arrays' byte offsets then run directly on them, on the calling thread).
 */
export function inPlaceKernels(...arrays: Float32Array[]): Record<InPlaceName, Kernel> | undefined {
  return inPlaceFor(...arrays)?.fns;
}

/** The in-place kernels when every array lies in the attached tfjs-wasm heap. */
function inPlaceFor(...arrays: Float32Array[]): InPlace | undefined {
  if (!inPlace) return undefined;
  const buffer = inPlace.memory.buffer;
  return arrays.every((a) => a.buffer === buffer) ? inPlace : undefined;
}

/** y [N, ⌊D/2⌋, ⌊H/2⌋, ⌊W/2⌋, C] = max over each 2×2×2 window of x [N, D, H, W, C]. */
export function maxPool2ForwardSimd(
  rt: SimdRuntime,
  x: Float32Array,
  shape: number[],
  y: Float32Array,
  stage = STAGE_BYTES,
): void {
  const [N, D, H, W, C] = shape;
  const [OD, OH, OW] = [D >> 1, H >> 1, W >> 1];
  if (OD * OH * OW * C === 0) return;
  const heap = inPlaceFor(x, y);
  if (heap) {
    heap.fns.maxPool2Forward(x.byteOffset, 0, y.byteOffset, D, H, W, C, OD, OH, OW, 0, 0, 0, N * OD);
    return;
  }
  staged(
    rt,
    N,
    [{ data: x, perUnit: D * H * W * C }],
    { data: y, perUnit: OD * OH * OW * C },
    stage,
    ([xPtr], yPtr, count) => {
      const args: KernelArgs = [xPtr, 0, yPtr, D, H, W, C, OD, OH, OW, 0, 0];
      rt.run('maxPool2Forward', args, count * OD, 0, fineChunk(count * OD));
    },
  );
}

/** dx [N, D, H, W, C] = dy at each window's last maximum of x, 0 elsewhere. */
export function maxPool2GradSimd(
  rt: SimdRuntime,
  dy: Float32Array,
  x: Float32Array,
  shape: number[],
  dx: Float32Array,
  stage = STAGE_BYTES,
): void {
  const [N, D, H, W, C] = shape;
  const [OD, OH, OW] = [D >> 1, H >> 1, W >> 1];
  if (OD * OH * OW * C === 0) {
    dx.fill(0);
    return;
  }
  // windows do not cover a trailing odd plane, row or column: those voxels get 0
  const odd = D % 2 !== 0 || H % 2 !== 0 || W % 2 !== 0;
  const heap = inPlaceFor(dy, x, dx);
  if (heap) {
    if (odd) dx.fill(0);
    heap.fns.maxPool2Grad(x.byteOffset, dy.byteOffset, dx.byteOffset, D, H, W, C, OD, OH, OW, 0, 0, 0, N * OD);
    return;
  }
  const perX = D * H * W * C;
  staged(
    rt,
    N,
    [
      { data: x, perUnit: perX },
      { data: dy, perUnit: OD * OH * OW * C },
    ],
    { data: dx, perUnit: perX },
    stage,
    ([xPtr, dyPtr], dxPtr, count) => {
      const args: KernelArgs = [xPtr, dyPtr, dxPtr, D, H, W, C, OD, OH, OW, 0, 0];
      rt.run('maxPool2Grad', args, count * OD, 0, fineChunk(count * OD));
    },
    odd,
  );
}

/** y [N, 2D, 2H, 2W, C] = x [N, D, H, W, C] repeated twice along each spatial axis. */
export function upsample2ForwardSimd(
  rt: SimdRuntime,
  x: Float32Array,
  shape: number[],
  y: Float32Array,
  stage = STAGE_BYTES,
): void {
  const [N, D, H, W, C] = shape;
  if (volume(shape) === 0) return;
  const heap = inPlaceFor(x, y);
  if (heap) {
    heap.fns.upsample2Forward(x.byteOffset, 0, y.byteOffset, H, W, C, 0, 0, 0, 0, 0, 0, 0, N * D);
    return;
  }
  staged(
    rt,
    N,
    [{ data: x, perUnit: D * H * W * C }],
    { data: y, perUnit: 8 * D * H * W * C },
    stage,
    ([xPtr], yPtr, count) => {
      rt.run('upsample2Forward', [xPtr, 0, yPtr, H, W, C, 0, 0, 0, 0, 0, 0], count * D, 0, fineChunk(count * D));
    },
  );
}

/** dx [N, D, H, W, C] = Σ of the 8 children in dy [N, 2D, 2H, 2W, C]; `shape` is dx's. */
export function upsample2GradSimd(
  rt: SimdRuntime,
  dy: Float32Array,
  shape: number[],
  dx: Float32Array,
  stage = STAGE_BYTES,
): void {
  const [N, D, H, W, C] = shape;
  if (volume(shape) === 0) return;
  const heap = inPlaceFor(dy, dx);
  if (heap) {
    heap.fns.upsample2Grad(dy.byteOffset, 0, dx.byteOffset, H, W, C, 0, 0, 0, 0, 0, 0, 0, N * D);
    return;
  }
  staged(
    rt,
    N,
    [{ data: dy, perUnit: 8 * D * H * W * C }],
    { data: dx, perUnit: D * H * W * C },
    stage,
    ([dyPtr], dxPtr, count) => {
      rt.run('upsample2Grad', [dyPtr, 0, dxPtr, H, W, C, 0, 0, 0, 0, 0, 0], count * D, 0, fineChunk(count * D));
    },
  );
}

/** dx = dy · step(x), elementwise (the ReLU gradient). */
export function reluGradSimd(
  rt: SimdRuntime,
  dy: Float32Array,
  x: Float32Array,
  dx: Float32Array,
  stage = STAGE_BYTES,
): void {
  const heap = inPlaceFor(dy, x, dx);
  if (heap) {
    heap.fns.reluGrad(dy.byteOffset, x.byteOffset, dx.byteOffset, dx.length, dx.length, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    return;
  }
  staged(
    rt,
    dx.length,
    [
      { data: dy, perUnit: 1 },
      { data: x, perUnit: 1 },
    ],
    { data: dx, perUnit: 1 },
    stage,
    ([dyPtr, xPtr], dxPtr, count) => {
      const blocks = Math.ceil(count / FLAT_BLOCK);
      rt.run('reluGrad', [dyPtr, xPtr, dxPtr, count, FLAT_BLOCK, 0, 0, 0, 0, 0, 0, 0], blocks, 0, fineChunk(blocks));
    },
  );
}

/**
 * out[j] = Σ_i x[i·inner + j] for i < outer, accumulated in float64: one accumulator per chunk
 * of rows (the chunks of each staged group go to accumulators 0..7 in turn), added in order.
 */
export function sumLeadingRowsSimd(
  rt: SimdRuntime,
  x: Float32Array,
  outer: number,
  inner: number,
  out: Float32Array,
  stage = STAGE_BYTES,
): void {
  if (inner === 0) return;
  const slots = 8;
  const slotBytes = align(inner * 8);
  const wasmHeap = inPlaceFor(x, out);
  if (wasmHeap) {
    sumInPlace(wasmHeap, x.byteOffset, outer, inner, out.byteOffset, slots, slotBytes);
    return;
  }
  const group = Math.max(1, Math.min(outer, Math.floor(stage / (inner * 4))));
  const inBytes = align(group * inner * 4);
  const base = rt.reserve(inBytes + slots * slotBytes);
  const accPtr = base + inBytes;
  new Float64Array(rt.f32(accPtr, (slots * slotBytes) / 4).buffer, accPtr, (slots * slotBytes) / 8).fill(0);
  for (let r0 = 0; r0 < outer; r0 += group) {
    const rows = Math.min(group, outer - r0);
    rt.f32(base, rows * inner).set(x.subarray(r0 * inner, (r0 + rows) * inner));
    // the runtime cuts the group into ≤ 8 chunks (rowChunk), chunk k adding into slot k
    rt.run('sumRows', [base, 0, accPtr, inner, 0, 0, 0, 0, 0, 0, 0, 0], rows, slotBytes);
  }
  const acc = new Float64Array(inner);
  const shared = rt.f32(base, 1).buffer;
  for (let k = 0; k < slots; k++) {
    const slot = new Float64Array(shared, accPtr + k * slotBytes, inner);
    for (let j = 0; j < inner; j++) acc[j] += slot[j];
  }
  out.set(acc);
}

/**
 * sumLeadingRowsSimd in place on the tfjs-wasm heap: the same ≤ 8 float64 accumulators, one per
 * chunk of rows, in scratch memory from the heap's allocator, added in chunk order.
 */
function sumInPlace(
  heap: InPlace,
  xPtr: number,
  outer: number,
  inner: number,
  outPtr: number,
  slots: number,
  slotBytes: number,
): void {
  // pointers were taken before malloc, which may grow the heap and detach the callers' views
  const scratch = heap.malloc(slots * slotBytes + 64);
  try {
    const accPtr = (scratch + 63) & ~63;
    const buffer = heap.memory.buffer;
    new Float64Array(buffer, accPtr, (slots * slotBytes) / 8).fill(0);
    const chunk = Math.max(1, Math.ceil(outer / slots));
    for (let k = 0, r0 = 0; r0 < outer; k++, r0 += chunk) {
      heap.fns.sumRows(xPtr, 0, accPtr + k * slotBytes, inner, 0, 0, 0, 0, 0, 0, 0, 0, r0, Math.min(outer, r0 + chunk));
    }
    const acc = new Float64Array(inner);
    for (let k = 0; k < slots; k++) {
      const slot = new Float64Array(buffer, accPtr + k * slotBytes, inner);
      for (let j = 0; j < inner; j++) acc[j] += slot[j];
    }
    new Float32Array(heap.memory.buffer, outPtr, inner).set(acc);
  } finally {
    heap.free(scratch);
  }
}
