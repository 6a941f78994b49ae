/**
 * Cache read benchmark (issue 3's target: a cached 64³ volume read in under 5 ms). One
 * synthetic scan is written with writeNifti, preprocessed once into a temporary cache, then
 * read back `reads` times with readCachedVolume — as training does, with and without the
 * sha256 check — and rebuilt-or-found with loadPreprocessed. Medians and 95th percentiles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPreprocessed, readCachedVolume } from '../io/cache.js';
import { writeNifti } from '../io/nifti.js';
import { createRng } from '../rng.js';

export interface Timing {
  medianMs: number;
  p95Ms: number;
}

export interface CacheBenchResult {
  shape: number;
  dtype: 'float32' | 'float16';
  reads: number;
  entryBytes: number;
  firstBuildMs: number;
  readVerified: Timing;
  readUnverified: Timing;
  loadPreprocessedCached: Timing;
  targetMs: number;
}

function timing(samples: number[]): Timing {
  const sorted = samples.slice().sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}

function timeMany(times: number, run: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchCache(
  options: { shape?: number; reads?: number; dtype?: 'float32' | 'float16' } = {},
): Promise<CacheBenchResult> {
  const shape = options.shape ?? 64;
  const reads = options.reads ?? 200;
  const dtype = options.dtype ?? 'float32';
  const dir = mkdtempSync(join(tmpdir(), 'lssl-bench-cache-'));
  try {
    const source = join(dir, 'scan.nii.gz');
    const rng = createRng(1);
    const n = 96;
    const data = Float32Array.from({ length: n * n * n }, () => 100 + 20 * rng.normal());
    const affine = [
      [1.5, 0, 0, -72],
      [0, 1.5, 0, -72],
      [0, 0, 1.5, -72],
      [0, 0, 0, 1],
    ];
    await writeNifti(source, { data, shape: [n, n, n], affine });
    const cacheDir = join(dir, 'cache');
    const options_ = { cacheDir, shape, dtype };
    const t0 = performance.now();
    await loadPreprocessed(source, options_);
    const firstBuildMs = performance.now() - t0;
    timeMany(10, () => readCachedVolume(source, options_)); // warm the page cache and the JIT
    const readVerified = timing(timeMany(reads, () => readCachedVolume(source, options_)));
    const readUnverified = timing(timeMany(reads, () => readCachedVolume(source, { ...options_, verify: false })));
    const cachedLoads: number[] = [];
    for (let i = 0; i < Math.min(reads, 50); i++) {
      const t = performance.now();
      await loadPreprocessed(source, options_);
      cachedLoads.push(performance.now() - t);
    }
    return {
      shape,
      dtype,
      reads,
      entryBytes: shape ** 3 * (dtype === 'float16' ? 2 : 4),
      firstBuildMs,
      readVerified,
      readUnverified,
      loadPreprocessedCached: timing(cachedLoads),
      targetMs: 5,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
