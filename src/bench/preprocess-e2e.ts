/**
 * `lssl preprocess` end to end against a nibabel + scipy script (issue 14): both as fresh
 * processes from start-up to the last file written, on the same BIDS cohort of 256×256×176
 * int16 .nii.gz scans (6 by default), taking turns; and lssl's scaling from `--jobs 1` to
 * `--jobs 2` on a larger cohort (24). Every lssl run starts from an empty cache.
 *
 * The script does per scan what lssl's default does: nib.load → as_closest_canonical →
 * get_fdata() → scipy.ndimage.zoom(order=1) to 64³ → z-score over the whole volume →
 * np.save float32. get_fdata() is nibabel's default, float64, as in the per-scan bench;
 * `referenceFloat32` runs get_fdata(dtype=np.float32), about 15 % faster (docs/performance.md). Its
 * other differences (zoom's corner-aligned grid, no content hash, no metadata file) make it
 * do less than lssl, not more.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { compiledCli, summariseRuns, timeProcess, type ProcessRun, type ProcessTimes } from './process-timing.js';
import { PYTHON, pythonHasNibabelScipy, writeBenchFiles } from './preprocess.js';

/** Throughput target of issue 14: lssl end to end at least 1.5× the nibabel + scipy script. */
export const END_TO_END_TARGET = 1.5;

const PYTHON_SCRIPT = `
import sys, os
import numpy as np, nibabel as nib
from scipy.ndimage import zoom
out, side, dtype, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
os.makedirs(out, exist_ok=True)
for n, path in enumerate(files):
    a = nib.as_closest_canonical(nib.load(path)).get_fdata(dtype=np.dtype(dtype))
    z = zoom(a, [side / s for s in a.shape], order=1)
    z = (z - z.mean()) / z.std()
    np.save(os.path.join(out, f'{n}.npy'), z.astype(np.float32))
`;

export interface EndToEndResult {
  scans: number;
  /** what the script's get_fdata returns */
  referenceDtype: 'float64' | 'float32';
  repetitions: number;
  lssl: ProcessTimes;
  /** null without /usr/bin/python3 with nibabel and scipy */
  nibabelScipy: ProcessTimes | null;
  /** nibabel+scipy wall time / lssl wall time; target ≥ 1.5 */
  ratio: number | null;
  cpuRatio: number | null;
}

export interface ScalingResult {
  scans: number;
  repetitions: number;
  /**
   * Throughput of two threads running the same fixed loop against one, measured just before
   * (≈ 2 on an idle 2-core machine): how much a second worker could give at the time.
   */
  capacity: number;
  jobs1: ProcessTimes;
  jobs2: ProcessTimes;
  /** jobs 1 wall time / jobs 2 wall time */
  speedup: number;
}

export interface PreprocessEndToEndResult {
  endToEnd: EndToEndResult;
  scaling: ScalingResult | null;
  /** load average (1 min) at the start and at the end */
  loadAverage: [number, number];
}

/** A BIDS cohort of `scans` bench scans (two sessions per subject); returns the image paths. */
async function writeBenchCohort(root: string, scans: number, usePython: boolean, firstSeed: number): Promise<string[]> {
  const paths: string[] = [];
  const participants = ['participant_id\tage'];
  for (let n = 0; n < scans; n++) {
    const subject = `sub-${String((n >> 1) + 1).padStart(2, '0')}`;
    const session = `ses-0${(n % 2) + 1}`;
    const anat = join(root, subject, session, 'anat');
    mkdirSync(anat, { recursive: true });
    paths.push(join(anat, `${subject}_${session}_T1w.nii.gz`));
    if (n % 2 === 0) {
      participants.push(`${subject}\t70`);
      writeFileSync(join(root, subject, `${subject}_sessions.tsv`), 'session_id\tage\nses-01\t70\nses-02\t71.5\n');
    }
  }
  writeFileSync(join(root, 'participants.tsv'), `${participants.join('\n')}\n`);
  writeFileSync(join(root, 'dataset_description.json'), '{"Name": "lssl bench", "BIDSVersion": "1.8.0"}\n');
  await writeBenchFiles(paths, usePython, firstSeed);
  return paths;
}

function checked(run: ProcessRun, what: string): ProcessRun {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
  return run;
}

/** A fixed CPU-bound loop in `threads` worker threads at once; wall ms until all are done. */
async function busyThreads(threads: number): Promise<number> {
  const loop = `let s = 0; for (let i = 0; i < 3e8; i++) s = (s + i) % 1000003; require('node:worker_threads').parentPort.postMessage(s);`;
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(loop, { eval: true });
          worker.once('message', () => void worker.terminate().then(() => resolve()));
          worker.once('error', reject);
        }),
    ),
  );
  return performance.now() - t0;
}

/** Two threads' throughput over one thread's, on the same loop (see ScalingResult.capacity). */
async function parallelCapacity(): Promise<number> {
  const one = await busyThreads(1);
  const two = await busyThreads(2);
  return (2 * one) / two;
}

/** One `lssl preprocess` from an empty cache. */
function lsslRun(cli: string, cohort: string, cache: string, jobs: number, side: number): ProcessRun {
  rmSync(cache, { recursive: true, force: true });
  const args = [cli, 'preprocess', cohort, '--jobs', String(jobs), '--cache', cache, '--shape', String(side)];
  return checked(timeProcess(process.execPath, args), `lssl preprocess --jobs ${jobs}`);
}

function pythonRun(files: string[], out: string, side: number, dtype: 'float64' | 'float32'): ProcessRun {
  rmSync(out, { recursive: true, force: true });
  const args = ['-c', PYTHON_SCRIPT, out, String(side), dtype, ...files];
  return checked(timeProcess(PYTHON, args), 'the nibabel + scipy script');
}

/**
 * Runs both comparisons in a fresh temporary folder (removed afterwards); `scalingScans` 0
 * skips the scaling one. Each side gets one untimed warm-up run (file cache, page cache).
 */
export async function benchPreprocessEndToEnd(
  options: {
    scans?: number;
    repetitions?: number;
    scalingScans?: number;
    scalingRepetitions?: number;
    side?: number;
    /** the script reads float32 (get_fdata(dtype=np.float32)) instead of nibabel's default float64 */
    referenceFloat32?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<PreprocessEndToEndResult> {
  const { scans = 6, repetitions = 5, scalingScans = 24, scalingRepetitions = 3, side = 64 } = options;
  const log = options.log ?? (() => {});
  const referenceDtype = options.referenceFloat32 ? 'float32' : 'float64';
  const cli = compiledCli();
  const withPython = pythonHasNibabelScipy();
  const loadStart = loadavg()[0];
  const folder = mkdtempSync(join(tmpdir(), 'lssl-bench-e2e-'));
  try {
    const cache = join(folder, 'cache');
    const pyOut = join(folder, 'npy');
    log(`writing ${scans} scans (${withPython ? 'nibabel' : 'writeNifti'})`);
    const files = await writeBenchCohort(join(folder, 'small'), scans, withPython, 100);
    log(`end to end, ${scans} scans, --jobs 1${withPython ? ' and nibabel + scipy' : ''}: ${repetitions} runs each`);
    const lsslRuns: ProcessRun[] = [];
    const pythonRuns: ProcessRun[] = [];
    for (let rep = 0; rep <= repetitions; rep++) {
      const l = lsslRun(cli, join(folder, 'small'), cache, 1, side);
      const p = withPython ? pythonRun(files, pyOut, side, referenceDtype) : null;
      if (rep === 0) continue;
      lsslRuns.push(l);
      if (p) pythonRuns.push(p);
    }
    const lssl = summariseRuns(lsslRuns);
    const nibabelScipy = withPython ? summariseRuns(pythonRuns) : null;
    const endToEnd: EndToEndResult = {
      scans,
      referenceDtype,
      repetitions,
      lssl,
      nibabelScipy,
      ratio: nibabelScipy ? nibabelScipy.wallMs / lssl.wallMs : null,
      cpuRatio: nibabelScipy?.cpuMs && lssl.cpuMs ? nibabelScipy.cpuMs / lssl.cpuMs : null,
    };
    let scaling: ScalingResult | null = null;
    if (scalingScans > 0) {
      log(`writing ${scalingScans} scans for --jobs 1 against --jobs 2`);
      const large = join(folder, 'large');
      await writeBenchCohort(large, scalingScans, withPython, 200);
      log(`${scalingRepetitions} runs each of --jobs 1 and --jobs 2, taking turns`);
      const capacity = await parallelCapacity();
      log(`a second thread adds ${(capacity - 1).toFixed(2)} of a core now (two threads: ${capacity.toFixed(2)}× one)`);
      const one: ProcessRun[] = [];
      const two: ProcessRun[] = [];
      for (let rep = 0; rep < scalingRepetitions; rep++) {
        one.push(lsslRun(cli, large, cache, 1, side));
        two.push(lsslRun(cli, large, cache, 2, side));
      }
      const jobs1 = summariseRuns(one);
      const jobs2 = summariseRuns(two);
      scaling = {
        scans: scalingScans,
        repetitions: scalingRepetitions,
        capacity,
        jobs1,
        jobs2,
        speedup: jobs1.wallMs / jobs2.wallMs,
      };
    }
    return { endToEnd, scaling, loadAverage: [loadStart, loadavg()[0]] };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
