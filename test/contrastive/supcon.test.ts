import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { labelCodes, SupConMethod } from '../../src/contrastive/supcon.js';
import { inMemoryData } from '../../src/train/data.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, tinyNetwork, trainBriefly } from './method-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('SupConMethod', () => {
  it('codes labels by equality and refuses a scan without one', () => {
    const scans = [
      { key: 'a', subject: 's1', label: 'AD' },
      { key: 'b', subject: 's2', label: 'CN' },
      { key: 'c', subject: 's3', label: 'AD' },
      { key: 'd', subject: 's4', label: 1 },
    ];
    expect(Array.from(labelCodes(scans))).toEqual([0, 1, 0, 2]);
    expect(() => labelCodes([{ key: 'x', subject: 's' }])).toThrow(/x has none/);
  });

  it('trains on the engine with the scans’ labels, finite, without leaks', async () => {
    const base = tinyCohort({ subjects: 4, visits: 2, validationSubjects: 0 });
    const label = (subject: string) => (Number(subject.split('-')[1]) % 2 === 0 ? 'CN' : 'AD');
    const scans = base.train.scans.map((s) => ({ ...s, label: label(s.subject) }));
    const volumes = new Map(await Promise.all(scans.map(async (s) => [s.key, await base.loadVolume(s)] as const)));
    const data = inMemoryData({ volumes, volumeShape: base.volumeShape, train: { scans, pairs: [] } });
    const method = new SupConMethod({ network: tinyNetwork, ...tinyHeads, temperature: 0.1, baseTemperature: 0.1 });
    const { history, counts } = await trainBriefly(method, data);
    expect(history.every((row) => Number.isFinite(row.loss) && row.parts.zstd > 0)).toBe(true);
    expect(new Set(counts).size).toBe(1);
    expect(method.options()).toMatchObject({ temperature: 0.1, baseTemperature: 0.1, positives: 'views' });
    method.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
