import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/select.js';
import { loadCohort } from '../../src/io/cohort.js';
import { simulateCohort } from '../../src/sim/simulate.js';
import { cohortTrainingData } from '../../src/train/cohort-data.js';
import { train } from '../../src/train/engine.js';
import { createMethod } from '../../src/methods.js';
import { openRun } from '../../src/runs.js';
import { embedCohort, embeddingsToCsv } from '../../src/eval/embed.js';
import { parseEmbeddingsCsv } from '../../src/eval/embeddings-csv.js';

let root: string;

describe('embedCohort / embeddingsToCsv', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'lssl-embed-'));
    await simulateCohort({ out: join(root, 'phantom'), subjects: 3, visits: 2, shape: 16, seed: 2 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes one row per scan that the embeddings reader accepts, with tau_proj = z·τ/‖τ‖ for lssl', async () => {
    const cohort = await loadCohort(join(root, 'phantom'));
    const cacheDir = join(root, 'cache');
    const method = createMethod('lssl', { network: { inputShape: 16, latentSize: 6 } });
    await train({
      method,
      data: cohortTrainingData(cohort, { shape: 16, cacheDir }),
      runDir: join(root, 'run'),
      options: { epochs: 1, batchSize: 4 },
    });
    method.dispose();
    const run = await openRun(join(root, 'run'));
    const records = await embedCohort(run, cohort, { cacheDir, batchSize: 4 });
    const table = parseEmbeddingsCsv(embeddingsToCsv(records));
    expect(table.rows.length).toBe(6);
    expect(table.latentDim).toBe(6);
    expect(table.hasTauProj).toBe(true);
    expect(table.covariateNames).toEqual(expect.arrayContaining(['diagnosis', 'sex']));
    const row = table.rows[0];
    expect(row.subject).toBe(cohort.subjects[0].id);
    const projection = Array.from(row.z).reduce((s, v, k) => s + v * run.direction![k], 0);
    expect(row.tauProj).toBeCloseTo(projection, 5);
    // each subject's rate: two visits, so Δtau_proj / Δage, on both of its rows; not a covariate
    expect(table.covariateNames).not.toContain('tau_proj_per_year');
    for (const subject of cohort.subjects) {
      const [a, b] = table.rows.filter((r) => r.subject === subject.id);
      const rate = (b.tauProj! - a.tauProj!) / (b.age - a.age);
      expect(a.tauProjPerYear).toBeCloseTo(rate, 4);
      expect(b.tauProjPerYear).toBe(a.tauProjPerYear);
    }
    run.dispose();
  });
});
