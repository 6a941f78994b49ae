import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { assembleBatch, batchTensors, planBatches, type VolumeAugmenter } from '../../src/train/batches.js';
import { createRng } from '../../src/rng.js';
import { tinyCohort } from './fixtures.js';

describe('batches', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('plans every item once per epoch, seeded, with a smaller last batch', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const a = planBatches(items, 4, createRng(1).fork('shuffle:1'));
    expect(a.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(a.flat().sort((x, y) => x - y)).toEqual(items);
    expect(planBatches(items, 4, createRng(1).fork('shuffle:1'))).toEqual(a);
    expect(planBatches(items, 4, createRng(1).fork('shuffle:2'))).not.toEqual(a);
    expect(planBatches(items, 3)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(() => planBatches(items, 0)).toThrow(/batch size must be a positive integer, not 0/);
  });

  it('gives both visits of a subject the same spatial draws and each scan its own intensity draws', async () => {
    const data = tinyCohort({ subjects: 2, visits: 2, validationSubjects: 0 });
    const seen: { spatial: number; intensity: number }[] = [];
    const augment: VolumeAugmenter = (v, _shape, draws) => {
      seen.push({ spatial: draws.spatial.next(), intensity: draws.intensity.next() });
      return v;
    };
    const batch = await assembleBatch('pairs', data.train.pairs, data, { augment, rng: createRng(3) });
    expect(batch.kind).toBe('pairs');
    // order: earlier of pair 0, earlier of pair 1, later of pair 0, later of pair 1
    expect(seen[0].spatial).toBe(seen[2].spatial);
    expect(seen[1].spatial).toBe(seen[3].spatial);
    expect(seen[0].spatial).not.toBe(seen[1].spatial);
    expect(new Set(seen.map((s) => s.intensity)).size).toBe(4);
    tf.dispose(batchTensors(batch));
  });

  it('stacks volumes as [B, nz, ny, nx, 1], and views need an augmentation', async () => {
    const data = tinyCohort({ subjects: 2, visits: 1, validationSubjects: 0 });
    const batch = await assembleBatch('scans', data.train.scans, data, { rng: createRng(0) });
    expect(batch.kind === 'scans' && batch.x.shape).toEqual([2, 16, 16, 16, 1]);
    tf.dispose(batchTensors(batch));
    await expect(assembleBatch('views', data.train.scans, data, { rng: createRng(0) })).rejects.toThrow(
      /needs an augmentation/,
    );
    const views = await assembleBatch('views', data.train.scans, data, {
      rng: createRng(0),
      augment: (v, _s, d) => v.map((x) => x + d.intensity.next()),
    });
    expect(views.kind === 'views' && views.view1.shape).toEqual([2, 16, 16, 16, 1]);
    tf.dispose(batchTensors(views));
  });
});
