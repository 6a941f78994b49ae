/**
 * Runtime of the SIMD conv kernels (conv3d-simd.as, compiled to dist/kernels/conv3d-simd.wasm):
 * one shared WebAssembly memory, the module instantiated on the main thread and on
 * `threads - 1` worker_threads, and a synchronous fork/join over output rows.
 *
 * TensorFlow.js kernel functions are synchronous, so the main thread wakes the workers through
 * an Int32Array on a SharedArrayBuffer (Atomics.notify); every thread, main included, then takes
 * chunks of output rows from a shared counter (Atomics.add) until none are left, so a thread
 * slowed down by other processes on the machine just takes fewer chunks; the main thread then
 * blocks in Atomics.wait until the workers are done. Wasm threads are off in Node's tfjs
 * builds; this is how the second core gets used anyway.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

/** The kernels exported by memory-bound-simd.as (also built alone, to run in place: memory-bound.ts). */
export const MEMORY_BOUND_KERNELS = [
  'maxPool2Forward',
  'maxPool2Grad',
  'upsample2Forward',
  'upsample2Grad',
  'reluGrad',
  'sumRows',
  'bnMoments',
  'bnApply',
  'bnGradSums',
  'bnGradApply',
  'emaBlend',
] as const;

/** The kernels exported by conv3d-simd.as and memory-bound-simd.as; all take the same 14 i32 arguments. */
export const KERNELS = [
  'convForward',
  'convForwardNarrow',
  'convFilterGrad',
  'convFilterGradNarrow',
  'convWinograd',
  'convWinogradFilterGrad',
  ...MEMORY_BOUND_KERNELS,
] as const;
export type KernelName = (typeof KERNELS)[number];

/** (inPtr, wOrDyPtr, outPtr, Hp, Wp, Cin, OH, OW, Cout(P), KD, KH, KW) — z0, z1 are added per thread. */
export type KernelArgs = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

type KernelFn = (...args: number[]) => void;

/** The slice of the WebAssembly JS API used here (lib ES2022 has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const MAX_PAGES = 32768; // must match build-kernels.mjs
const PAGE = 65536;
const SLOT = 32; // Int32 words of control block per worker
/** Bytes below this offset are left to the module's own static data. */
const HEAP_BASE = 1 << 16;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const c = new Int32Array(control);
const base = slot * ${SLOT};
let seq = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(c, base, seq);
  seq = Atomics.load(c, base);
  if (seq < 0) break;
  const a = c.subarray(base + 3, base + 15);
  const fn = fns[c[base + 2]];
  const rows = c[1], chunk = c[2], outStride = c[3];
  try {
    for (;;) {
      const z0 = Atomics.add(c, 0, chunk);
      if (z0 >= rows) break;
      const out = a[2] + (z0 / chunk) * outStride;
      fn(a[0], a[1], out, a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], z0, Math.min(rows, z0 + chunk));
    }
    c[base + 31] = 0;
  } catch (e) {
    c[base + 31] = 1;
  }
  Atomics.store(c, base + 1, seq);
  Atomics.notify(c, base + 1);
}
`;

export interface SimdRuntime {
  readonly threads: number;
  /** Which build of the conv kernels runs: relaxed-SIMD fused multiply-add, or portable mul + add. */
  readonly variant: KernelVariant;
  /** Makes the heap at least `bytes` long (above HEAP_BASE) and returns its base offset. */
  reserve(bytes: number): number;
  /** A fresh Float32Array view of the heap (views die when the memory grows). */
  f32(byteOffset: number, length: number): Float32Array;
  /**
   * Runs `kernel` over output rows [0, rows) in chunks of `chunk` rows (default
   * `rowChunk(rows)`), taken by all threads from a shared counter. With `outStrideBytes` > 0
   * chunk k writes to args[2] + k·outStrideBytes (one accumulator per chunk, e.g. filter
   * gradients): which thread runs a chunk then never changes the result, so results are
   * deterministic. Small chunks balance better when another process preempts one thread.
   */
  run(kernel: KernelName, args: KernelArgs, rows: number, outStrideBytes?: number, chunk?: number): void;
  /**
   * `run` in two halves: wakes the workers, which start taking chunks, and returns `finish`,
   * which makes the main thread take chunks too and waits for the workers. In between the
   * main thread may copy the next batch element into another buffer (simple pipelining).
   * Nothing else may use the runtime before `finish` is called.
   */
  start(kernel: KernelName, args: KernelArgs, rows: number, outStrideBytes?: number, chunk?: number): () => void;
}

let runtime: SimdRuntime | undefined;
let loading: Promise<SimdRuntime | undefined> | undefined;

/**
 * Rows per chunk: about 8 chunks per call whatever the thread count, so work is balanced and
 * per-chunk accumulators (and hence results) do not depend on the number of threads.
 */
export function rowChunk(rows: number): number {
  return Math.max(1, Math.ceil(rows / 8));
}

/** Where the build put the module: <package root>/dist/kernels/conv3d-simd.wasm. */
export function findKernelBinary(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'kernels', 'conv3d-simd.wasm');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'package.json'))) break;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * `relaxed`: conv3d-simd-relaxed.wasm, every multiply-add one `f32x4.relaxed_madd` (a fused
 * multiply-add on CPUs with FMA); `portable`: conv3d-simd.wasm, mul then add.
 */
export type KernelVariant = 'relaxed' | 'portable';

/** V8 11 (Node 20) has relaxed SIMD behind this flag; later engines accept it without. */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * The conv module to compile: the relaxed-SIMD build when it exists, is allowed
 * (LSSL_CONV_FMA ≠ 0) and the engine validates it, else the portable one. `validate` is
 * WebAssembly.validate after enabling the engine's flag (injectable for tests).
 */
export function chooseKernelVariant(
  portablePath: string,
  env: string | undefined = process.env.LSSL_CONV_FMA,
  validate: (bytes: Uint8Array) => boolean = validateRelaxed,
): { variant: KernelVariant; bytes: Uint8Array } {
  const relaxedPath = portablePath.replace(/\.wasm$/, '-relaxed.wasm');
  if (env !== '0' && existsSync(relaxedPath)) {
    const bytes = readFileSync(relaxedPath);
    if (validate(bytes)) return { variant: 'relaxed', bytes };
  }
  return { variant: 'portable', bytes: readFileSync(portablePath) };
}

/**
 * Enables relaxed SIMD in V8 before validating (flags are per process, so the worker threads,
 * which receive the compiled module, need nothing more), then asks the engine.
 */
function validateRelaxed(bytes: Uint8Array): boolean {
  try {
    v8.setFlagsFromString(RELAXED_SIMD_FLAG);
  } catch {
    // not V8, or the flag is gone (relaxed SIMD then on by default or not at all): validate says
  }
  return WebAssembly.validate(bytes);
}

/** Threads to use: LSSL_KERNEL_THREADS, else the machine's cores (at most 4). */
export function kernelThreadCount(env: string | undefined = process.env.LSSL_KERNEL_THREADS): number {
  const asked = env === undefined || env === '' ? NaN : Number(env);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, 16);
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Loads (once) the module and starts the workers; undefined when the binary is not built. */
export function loadSimdRuntime(): Promise<SimdRuntime | undefined> {
  loading ??= createRuntime().then((r) => (runtime = r));
  return loading;
}

/** The runtime if loadSimdRuntime has finished, for synchronous kernel code. */
export function simdRuntime(): SimdRuntime | undefined {
  return runtime;
}

/**
 * A runtime of its own (loadSimdRuntime shares one): `variant` forces a build of the conv
 * kernels (default: chooseKernelVariant), `threads` the thread count (default: kernelThreadCount).
 */
export async function createRuntime(
  options: { variant?: KernelVariant; threads?: number } = {},
): Promise<SimdRuntime | undefined> {
  const path = findKernelBinary();
  if (!path) return undefined;
  const chosen =
    options.variant === 'portable'
      ? { variant: 'portable' as const, bytes: readFileSync(path) }
      : chooseKernelVariant(path, options.variant === 'relaxed' ? '1' : undefined);
  if (options.variant && chosen.variant !== options.variant) return undefined;
  const variant = chosen.variant;
  const module = new WebAssembly.Module(chosen.bytes);
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = KERNELS.map((n) => instance.exports[n] as KernelFn);
  const threads = options.threads ?? kernelThreadCount();
  // slot 0: [next row, rows, chunk, out stride]; slot t ≥ 1: worker t's [seq, done, kernel, 12 args, .., failed]
  const control = new SharedArrayBuffer(4 * SLOT * threads);
  const ctl = new Int32Array(control);
  const workers: Worker[] = [];
  for (let slot = 0; slot < threads - 1; slot++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, control, slot: slot + 1, names: [...KERNELS] },
    });
    worker.unref();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    workers.push(worker);
  }
  const seqs = workers.map(() => 0);

  const reserve = (bytes: number): number => {
    const needed = HEAP_BASE + bytes;
    const have = memory.buffer.byteLength;
    if (needed > have) {
      const pages = Math.ceil((needed - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new Error(`conv kernels need ${Math.ceil(needed / 2 ** 20)} MiB, more than their 2 GiB heap`);
      }
      memory.grow(pages);
    }
    return HEAP_BASE;
  };

  const start: SimdRuntime['start'] = (kernel, args, rows, outStrideBytes = 0, chunk = rowChunk(rows)) => {
    const fn = KERNELS.indexOf(kernel);
    const used = Math.max(1, Math.min(threads, Math.ceil(rows / chunk)));
    ctl[0] = 0;
    ctl[1] = rows;
    ctl[2] = chunk;
    ctl[3] = outStrideBytes;
    for (let t = 1; t < used; t++) {
      const base = t * SLOT;
      ctl[base + 2] = fn;
      for (let i = 0; i < 12; i++) ctl[base + 3 + i] = args[i];
      seqs[t - 1] += 1;
      Atomics.store(ctl, base, seqs[t - 1]);
      Atomics.notify(ctl, base);
    }
    return () => {
      const own = args.slice() as KernelArgs;
      for (;;) {
        const z0 = Atomics.add(ctl, 0, chunk);
        if (z0 >= rows) break;
        own[2] = args[2] + (z0 / chunk) * outStrideBytes;
        fns[fn](...own, z0, Math.min(rows, z0 + chunk));
      }
      let failed = false;
      for (let t = 1; t < used; t++) {
        const base = t * SLOT;
        for (;;) {
          const done = Atomics.load(ctl, base + 1);
          if (done === seqs[t - 1]) break;
          Atomics.wait(ctl, base + 1, done);
        }
        failed ||= ctl[base + 31] !== 0;
      }
      if (failed) throw new Error(`conv kernel ${kernel} failed in a worker thread`);
    };
  };

  return {
    threads,
    variant,
    reserve,
    f32: (byteOffset, length) => new Float32Array(memory.buffer, byteOffset, length),
    start,
    run: (kernel, args, rows, outStrideBytes, chunk) => start(kernel, args, rows, outStrideBytes, chunk)(),
  };
}
