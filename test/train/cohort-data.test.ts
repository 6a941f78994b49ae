import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCohort } from '../../src/io/cohort.js';
import { simulateCohort } from '../../src/sim/simulate.js';
import { cohortTrainingData } from '../../src/train/cohort-data.js';
import { overlappingSubjects } from '../../src/train/data.js';

let root: string;

describe('cohortTrainingData', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lssl-cohortdata-'));
    await simulateCohort({ out: join(root, 'phantom'), subjects: 5, visits: 3, shape: 16, seed: 1 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('splits by subject, pairs every earlier/later visit, and loads 16³ volumes (cached in memory)', async () => {
    const cohort = await loadCohort(join(root, 'phantom'));
    const data = cohortTrainingData(cohort, { shape: 16, cacheDir: join(root, 'cache'), validationFraction: 0.2 });
    expect(data.volumeShape).toEqual([16, 16, 16]);
    expect(overlappingSubjects(data)).toEqual([]);
    expect(new Set(data.validation.scans.map((s) => s.subject)).size).toBe(1);
    expect(data.train.scans.length + data.validation.scans.length).toBe(15);
    // 3 visits → 3 ordered pairs per subject (LSSL: every i < j)
    expect(data.train.pairs.length).toBe(12);
    for (const p of data.train.pairs) {
      expect(p.earlier.subject).toBe(p.later.subject);
      expect(p.earlier.age!).toBeLessThan(p.later.age!);
    }
    const scan = data.train.scans[0];
    const v = await data.loadVolume(scan);
    expect(v.length).toBe(4096);
    expect(await data.loadVolume(scan)).toBe(v);
    // z-scored by preprocessing: finite values, not all equal
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.max(...v)).toBeGreaterThan(Math.min(...v));
    // the fingerprint follows the data and the split
    expect(cohortTrainingData(cohort, { shape: 16 }).fingerprint).toBe(data.fingerprint);
    expect(cohortTrainingData(cohort, { shape: 32 }).fingerprint).not.toBe(data.fingerprint);
    expect(cohortTrainingData(cohort, { shape: 16, seed: 3, validationFraction: 0.4 }).fingerprint).not.toBe(
      data.fingerprint,
    );
  });
});
