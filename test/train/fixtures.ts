/**
 * A tiny in-memory longitudinal cohort for engine tests: each subject is a bright ball whose
 * radius shrinks with age (a toy atrophy), plus seeded noise; volumes are z-scored.
 */
import { createRng } from '../../src/rng.js';
import { inMemoryData, type PairRef, type ScanRef, type TrainingData } from '../../src/train/data.js';

export function ballVolume(n: number, radius: number, noise: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const v = new Float32Array(n * n * n);
  const c = (n - 1) / 2;
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const r = Math.hypot(i - c, j - c, k - c);
        v[i + n * (j + n * k)] = 1 / (1 + Math.exp(2 * (r - radius))) + noise * rng.normal();
      }
  let mean = 0;
  for (const x of v) mean += x / v.length;
  let sd = 0;
  for (const x of v) sd += (x - mean) ** 2 / v.length;
  sd = Math.sqrt(sd);
  return v.map((x) => (x - mean) / sd);
}

export function tinyCohort(
  options: { n?: number; subjects?: number; visits?: number; validationSubjects?: number } = {},
): TrainingData {
  const n = options.n ?? 16;
  const subjects = options.subjects ?? 4;
  const visits = options.visits ?? 2;
  const validationSubjects = options.validationSubjects ?? 1;
  const volumes = new Map<string, Float32Array>();
  const splits = {
    train: { scans: [] as ScanRef[], pairs: [] as PairRef[] },
    validation: { scans: [] as ScanRef[], pairs: [] as PairRef[] },
  };
  for (let s = 0; s < subjects; s++) {
    const split = s < subjects - validationSubjects ? splits.train : splits.validation;
    const scans: ScanRef[] = [];
    for (let t = 0; t < visits; t++) {
      const scan: ScanRef = { key: `sub-${s}_ses-${t}`, subject: `sub-${s}`, session: `ses-${t}`, age: 60 + 2 * t };
      volumes.set(scan.key, ballVolume(n, 5.5 - 0.4 * s - 0.6 * t, 0.05, 100 * s + t));
      scans.push(scan);
    }
    split.scans.push(...scans);
    for (let a = 0; a < visits; a++)
      for (let b = a + 1; b < visits; b++) split.pairs.push({ earlier: scans[a], later: scans[b] });
  }
  return inMemoryData({ volumes, volumeShape: [n, n, n], ...splits, fingerprint: `tiny:${n}:${subjects}:${visits}` });
}
