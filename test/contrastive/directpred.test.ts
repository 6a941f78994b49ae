import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { DirectPredMethod } from '../../src/contrastive/directpred.js';
import { symmetricEigen } from '../../src/math/eigen.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, tinyNetwork, trainBriefly } from './method-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('DirectPredMethod', () => {
  it('has no trained predictor, sets a symmetric W_p with gains in [ε, 1 + ε], and trains without leaks', async () => {
    const method = new DirectPredMethod({ network: tinyNetwork, ...tinyHeads, eps: 0.01 });
    expect(method.variables().some((v) => v.name.startsWith('predictor/'))).toBe(false);
    expect(method.predictorMatrix()).toBeUndefined();
    const { history, counts } = await trainBriefly(
      method,
      tinyCohort({ subjects: 4, visits: 2, validationSubjects: 0 }),
    );
    expect(history.every((row) => Number.isFinite(row.loss) && row.parts.zstd > 0)).toBe(true);
    expect(new Set(counts).size).toBe(1);
    const w = method.predictorMatrix()!;
    const d = tinyHeads.projectionSize;
    expect(w.length).toBe(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) expect(Math.abs(w[i * d + j] - w[j * d + i])).toBeLessThan(1e-6);
    const { values } = symmetricEigen(w, d);
    expect(values[0]).toBeCloseTo(1.01, 4);
    expect(values[d - 1]).toBeGreaterThanOrEqual(0.01 - 1e-5);
    expect(method.options()).toMatchObject({ rho: 0.3, eps: 0.01 });
    method.dispose();
  });
});
