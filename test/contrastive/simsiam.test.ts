import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { SimSiamMethod } from '../../src/contrastive/simsiam.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, tinyNetwork, trainBriefly } from './method-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('SimSiamMethod', () => {
  it('has a bottleneck predictor and trains on the engine, cos in [−1, 1], without leaks', async () => {
    const method = new SimSiamMethod({ network: tinyNetwork, ...tinyHeads });
    expect(method.predictorHidden).toBe(2); // projectionSize 8 / 4
    const names = method.variables().map((v) => v.name);
    expect(names).toContain('predictor/hidden/kernel');
    expect(names).toContain('projector/norm/movingMean');
    const { history, counts } = await trainBriefly(
      method,
      tinyCohort({ subjects: 4, visits: 2, validationSubjects: 0 }),
    );
    for (const row of history) {
      expect(row.parts.cos).toBeGreaterThanOrEqual(-1);
      expect(row.parts.cos).toBeLessThanOrEqual(1);
      expect(row.parts.zstd).toBeGreaterThan(0);
    }
    expect(new Set(counts).size).toBe(1);
    method.dispose();
  });
});
