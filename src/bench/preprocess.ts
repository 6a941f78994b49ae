/**
 * Preprocessing benchmark (issue 2's performance target): load a 256×256×176 int16
 * .nii.gz, reorient to RAS+, resample trilinearly to 64³ and z-score, in lssl (one job,
 * this process) and in nibabel + scipy (`nib.as_closest_canonical`, `get_fdata`,
 * `scipy.ndimage.zoom(order=1)`, z-score) in one python process, one after the other on
 * the same file. The python process stays up and the two sides take turns, one repetition
 * each, so that load from other work on the machine hits both alike. Reports medians over
 * repetitions after one warm-up run each.
 *
 * The two sides do the same work up to a convention: scipy's zoom aligns corner voxel
 * centres (grid_mode=False) where lssl aligns the grid edges (TorchIO's convention), which
 * does not change the cost. Both z-score over the whole volume (lssl's default).
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNiftiSource, writeNifti } from '../io/nifti.js';
import { checkedVolume } from '../io/image-checks.js';
import { preprocess } from '../io/transforms.js';
import { createRng } from '../rng.js';
import { median } from './process-timing.js';

export const BENCH_FILE_SHAPE: [number, number, number] = [256, 256, 176];

/** A typical 1 mm T1 header: LAS (radiological x), so RAS+ has to flip the data. */
const BENCH_AFFINE = [
  [-1, 0, 0, 128],
  [0, 1, 0, -128],
  [0, 0, 1, -88],
  [0, 0, 0, 1],
];

export interface StageTimes {
  /** median wall time of the whole job, ms */
  totalMs: number;
  /** median CPU time of the whole job (all threads of the process), ms: steadier than wall time on a busy machine */
  cpuMs: number;
  /** median per stage, ms */
  stages: Record<string, number>;
  /** every repetition's total, ms */
  runsMs: number[];
}

export interface PreprocessBenchResult {
  file: { shape: number[]; datatype: 'int16'; bytes: number };
  outputShape: [number, number, number];
  repetitions: number;
  lssl: StageTimes;
  /** null when /usr/bin/python3 with nibabel and scipy is not available */
  nibabelScipy: StageTimes | null;
  /** lssl throughput / nibabel+scipy throughput (= python median / lssl median wall time); target ≥ 1.5 */
  ratio: number | null;
  /** the same ratio on CPU time */
  cpuRatio: number | null;
  /** load average (1 min) when the benchmark started: wall times mean little on a busy machine */
  loadAverage: number;
  note?: string;
}

export const PYTHON = process.env.LSSL_PYTHON ?? '/usr/bin/python3';

export function pythonHasNibabelScipy(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import nibabel, scipy.ndimage'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A head-like int16 volume: a noisy ellipsoid with a smooth bias over noisy background,
 * so that gzip compresses it about as well as a real T1 (a constant volume would flatter
 * the decompression). Seeded, so every run benches the same bytes.
 */
function syntheticHead(shape: [number, number, number], seed: number): Float32Array {
  const [nx, ny, nz] = shape;
  const rng = createRng(seed);
  const data = new Float32Array(nx * ny * nz);
  let n = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const r =
          ((i - nx / 2) / (nx * 0.38)) ** 2 + ((j - ny / 2) / (ny * 0.42)) ** 2 + ((k - nz / 2) / (nz * 0.45)) ** 2;
        const noise = Math.floor(rng.next() * 16);
        data[n] = r < 1 ? 600 + 300 * Math.cos(i / 9) * Math.sin(j / 11) + (k % 40) + noise : noise >> 2;
      }
    }
  }
  return data;
}

/**
 * Writes bench images with nibabel when available (an independent writer), else with
 * writeNifti; file n gets noise seed `firstSeed + n`, so the scans of a cohort differ in
 * content (the cache keys on it).
 */
export async function writeBenchFiles(paths: readonly string[], usePython: boolean, firstSeed = 2): Promise<void> {
  const [nx, ny, nz] = BENCH_FILE_SHAPE;
  if (usePython) {
    const script = `
import sys, numpy as np, nibabel as nib
i, j, k = np.meshgrid(np.arange(${nx}), np.arange(${ny}), np.arange(${nz}), indexing='ij', sparse=True)
r = ((i - ${nx / 2}) / ${nx * 0.38})**2 + ((j - ${ny / 2}) / ${ny * 0.42})**2 + ((k - ${nz / 2}) / ${nz * 0.45})**2
for n, path in enumerate(sys.argv[1:]):
    rng = np.random.default_rng(${firstSeed} + n)
    noise = rng.integers(0, 16, size=(${nx}, ${ny}, ${nz}))
    head = 600 + 300 * np.cos(i / 9) * np.sin(j / 11) + (k % 40) + noise
    data = np.where(r < 1, head, noise >> 2).astype(np.int16)
    img = nib.Nifti1Image(data, np.array(${JSON.stringify(BENCH_AFFINE)}, dtype=float))
    img.set_data_dtype(np.int16)
    nib.save(img, path)
`;
    execFileSync(PYTHON, ['-c', script, ...paths], { stdio: ['ignore', 'ignore', 'inherit'] });
    return;
  }
  for (const [n, path] of paths.entries()) {
    await writeNifti(
      path,
      { data: syntheticHead(BENCH_FILE_SHAPE, firstSeed + n), shape: [...BENCH_FILE_SHAPE], affine: BENCH_AFFINE },
      { datatype: 'int16' },
    );
  }
}

/**
 * One lssl job as the cache pipeline runs it (cache-pipeline.ts): read (in place for int16),
 * check the voxels, then `preprocess` with its defaults (RAS+ → trilinear to `shape` → z-score).
 */
async function lsslOnce(path: string, shape: [number, number, number]): Promise<Record<string, number>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { volume } = checkedVolume(await readNiftiSource(path), path);
  const t1 = performance.now();
  preprocess(volume, { shape });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { 'load+check': t1 - t0, 'RAS+resample+zscore': t2 - t1, total: t2 - t0, cpu: (cpu.user + cpu.system) / 1e3 };
}

function summarise(runs: Record<string, number>[]): StageTimes {
  const stages: Record<string, number> = {};
  for (const key of Object.keys(runs[0]).filter((k) => k !== 'total' && k !== 'cpu'))
    stages[key] = median(runs.map((r) => r[key]));
  const runsMs = runs.map((r) => r.total);
  return { totalMs: median(runsMs), cpuMs: median(runs.map((r) => r.cpu)), stages, runsMs };
}

/** The python side: the same pipeline with nibabel + scipy, one timed run per line sent. */
const PYTHON_WORKER = `
import sys, json, time
import numpy as np, nibabel as nib
from scipy.ndimage import zoom
path, shape = sys.argv[1], json.loads(sys.argv[2])
print('ready', flush=True)
for line in sys.stdin:
    c0 = time.process_time()
    t0 = time.perf_counter()
    img = nib.load(path)
    can = nib.as_closest_canonical(img)
    a = can.get_fdata()
    t1 = time.perf_counter()
    z = zoom(a, [o / i for o, i in zip(shape, a.shape)], order=1)
    t2 = time.perf_counter()
    z = (z - z.mean()) / z.std()
    t3 = time.perf_counter()
    c3 = time.process_time()
    print(json.dumps({'load+RAS+': (t1 - t0) * 1e3, 'resample': (t2 - t1) * 1e3, 'zscore': (t3 - t2) * 1e3, 'total': (t3 - t0) * 1e3, 'cpu': (c3 - c0) * 1e3}), flush=True)
`;

/** A python process that runs one timed repetition per `run()` call. */
async function startPythonWorker(
  path: string,
  shape: [number, number, number],
): Promise<{ run: () => Promise<Record<string, number>>; stop: () => void }> {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, ['-c', PYTHON_WORKER, path, JSON.stringify(shape)]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the nibabel + scipy process ended early: ${stderr.trim().split('\n').pop() ?? ''}`);
    return value;
  };
  await nextLine(); // 'ready': imports done, not timed
  return {
    run: async () => {
      child.stdin.write('run\n');
      return JSON.parse(await nextLine());
    },
    stop: () => {
      child.stdin.end();
      child.kill();
    },
  };
}

/**
 * Runs the benchmark in a fresh temporary folder (removed afterwards).
 * `log` receives progress lines (the CLI sends them to stderr).
 */
export async function benchPreprocess(
  options: { shape?: [number, number, number]; repetitions?: number; log?: (line: string) => void } = {},
): Promise<PreprocessBenchResult> {
  const shape = options.shape ?? [64, 64, 64];
  const repetitions = options.repetitions ?? 7;
  const log = options.log ?? (() => {});
  const withPython = pythonHasNibabelScipy();
  const loadAverage = loadavg()[0];
  const folder = mkdtempSync(join(tmpdir(), 'lssl-bench-'));
  try {
    const path = join(folder, 'T1w.nii.gz');
    log(`writing a ${BENCH_FILE_SHAPE.join('×')} int16 .nii.gz with ${withPython ? 'nibabel' : 'writeNifti'}`);
    await writeBenchFiles([path], withPython);
    const bytes = statSync(path).size;

    const python = withPython ? await startPythonWorker(path, shape) : null;
    const lsslRuns: Record<string, number>[] = [];
    const pythonRuns: Record<string, number>[] = [];
    try {
      log(
        `${repetitions} repetitions (+1 warm-up) each, lssl and ${python ? 'nibabel + scipy taking turns' : 'no python'}`,
      );
      for (let rep = 0; rep <= repetitions; rep++) {
        const lsslRun = await lsslOnce(path, shape);
        const pythonRun = python ? await python.run() : null;
        if (rep === 0) continue;
        lsslRuns.push(lsslRun);
        if (pythonRun) pythonRuns.push(pythonRun);
      }
    } finally {
      python?.stop();
    }
    const lssl = summarise(lsslRuns);
    const nibabelScipy = python ? summarise(pythonRuns) : null;
    return {
      file: { shape: [...BENCH_FILE_SHAPE], datatype: 'int16', bytes },
      outputShape: shape,
      repetitions,
      lssl,
      nibabelScipy,
      ratio: nibabelScipy === null ? null : nibabelScipy.totalMs / lssl.totalMs,
      cpuRatio: nibabelScipy === null ? null : nibabelScipy.cpuMs / lssl.cpuMs,
      loadAverage,
      ...(withPython ? {} : { note: `${PYTHON} with nibabel and scipy not found: no comparison` }),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
