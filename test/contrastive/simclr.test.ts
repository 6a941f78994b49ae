import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { SimClrMethod } from '../../src/contrastive/simclr.js';
import { ntXentLoss } from '../../src/contrastive/losses/ntxent.js';
import { createRng } from '../../src/rng.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, tinyNetwork, trainBriefly } from './method-helpers.js';
import { expectClose } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('SimClrMethod', () => {
  it('computes NT-Xent of its projections and reports the collapse monitor', () => {
    const method = new SimClrMethod({ network: tinyNetwork, ...tinyHeads, temperature: 0.2 });
    const rng = createRng(1);
    const v1 = tf.tensor5d(
      Float32Array.from({ length: 3 * 16 ** 3 }, () => rng.normal()),
      [3, 16, 16, 16, 1],
    );
    const v2 = tf.tensor5d(
      Float32Array.from({ length: 3 * 16 ** 3 }, () => rng.normal()),
      [3, 16, 16, 16, 1],
    );
    const ctx = { training: false, epoch: 0, step: 0, stepsPerEpoch: 1, globalStep: 0, totalSteps: 1, rng };
    const [loss, zstd, expected] = tf.tidy(() => {
      const r = method.loss({ kind: 'views', view1: v1, view2: v2, items: [] }, ctx);
      const project = (x: tf.Tensor5D) =>
        (method as unknown as { project(x: tf.Tensor5D, t: boolean): tf.Tensor2D }).project(x, false);
      return [
        r.parts.nce.dataSync()[0],
        r.parts.zstd.dataSync()[0],
        ntXentLoss(project(v1), project(v2), 0.2).dataSync()[0],
      ];
    });
    expectClose(loss, expected, 1e-6);
    expect(zstd).toBeGreaterThan(0);
    expect(zstd).toBeLessThanOrEqual(1);
    expect(method.partNames).toEqual(['nce', 'zstd']);
    expect(method.variables().every((v) => !v.name.startsWith('decoder/'))).toBe(true);
    tf.dispose([v1, v2]);
    method.dispose();
  });

  it('spreads the projections of near-identical scans at init (collapse monitor above a floor)', () => {
    // Scans that share one anatomy (a common field 10× the per-scan noise), like the
    // phantom cohort: without batch norm in the projector every projection points the same
    // way (pairwise cosine ~0.99, zstd ≪ 1/√P) and NT-Xent starts at log(2N−1) and collapses.
    const method = new SimClrMethod({ network: tinyNetwork, ...tinyHeads });
    const rng = createRng(7);
    const size = 16 ** 3;
    const common = Float32Array.from({ length: size }, () => rng.normal());
    const scans = (n: number) =>
      tf.tensor5d(
        Float32Array.from({ length: n * size }, (_, i) => common[i % size] + 0.1 * rng.normal()),
        [n, 16, 16, 16, 1],
      );
    const [v1, v2] = [scans(8), scans(8)];
    const ctx = { training: true, epoch: 0, step: 0, stepsPerEpoch: 1, globalStep: 0, totalSteps: 1, rng };
    const zstd = tf.tidy(
      () => method.loss({ kind: 'views', view1: v1, view2: v2, items: [] }, ctx).parts.zstd.dataSync()[0],
    );
    expect(zstd).toBeGreaterThan(0.5 / Math.sqrt(tinyHeads.projectionSize));
    tf.dispose([v1, v2]);
    method.dispose();
  });

  it('trains on the engine with two augmented views and with two visits, finite, without leaks', async () => {
    for (const positives of ['views', 'visits'] as const) {
      const method = new SimClrMethod({ network: tinyNetwork, ...tinyHeads, positives });
      expect(method.batchKind).toBe(positives === 'views' ? 'views' : 'pairs');
      const { history, counts } = await trainBriefly(
        method,
        tinyCohort({ subjects: 4, visits: 2, validationSubjects: 0 }),
      );
      expect(history.every((row) => Number.isFinite(row.loss) && row.parts.zstd > 0)).toBe(true);
      expect(new Set(counts).size).toBe(1);
      method.dispose();
    }
    expect(() => new SimClrMethod({ temperature: 0 })).toThrow(/temperature/);
  });

  it('validates on augmented views of held-out subjects, the same views every epoch', async () => {
    const method = new SimClrMethod({ network: tinyNetwork, ...tinyHeads });
    const { history } = await trainBriefly(method, tinyCohort({ subjects: 5, visits: 2, validationSubjects: 2 }), 2);
    method.dispose();
    const validation = history.filter((row) => row.split === 'validation');
    expect(validation.map((row) => row.epoch)).toEqual([1, 2]);
    expect(validation.every((row) => Number.isFinite(row.loss) && row.loss > 0)).toBe(true);
    expect(() => new SimClrMethod({ positives: 'pairs' as never })).toThrow(/positives must be 'views' or 'visits'/);
  });
});
