import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { ByolMethod } from '../../src/contrastive/byol.js';
import { cosineMomentum } from '../../src/train/momentum.js';
import { createRng } from '../../src/rng.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, tinyNetwork, trainBriefly } from './method-helpers.js';
import { expectClose } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const byName = (method: ByolMethod) =>
  new Map(method.variables().map((v) => [v.name, v.variable.dataSync().slice() as Float32Array]));

describe('ByolMethod', () => {
  it('starts with the target equal to the online network and moves it by EMA after a step', () => {
    const method = new ByolMethod({ network: tinyNetwork, ...tinyHeads, momentumBase: 0.9 });
    const before = byName(method);
    expect(before.get('target/encoder/conv1/kernel')).toEqual(before.get('encoder/conv1/kernel'));
    expect(before.get('target/projector/output/kernel')).toEqual(before.get('projector/output/kernel'));
    expect(method.trainableVariables().length).toBeLessThan(method.variables().length);
    // one optimizer-free "step": change the online weights, then afterStep
    const online = method.variables().find((v) => v.name === 'encoder/conv1/kernel')!.variable;
    online.assign(tf.add(online, 1));
    const ctx = {
      training: true,
      epoch: 0,
      step: 0,
      stepsPerEpoch: 10,
      globalStep: 4,
      totalSteps: 10,
      rng: createRng(1),
    };
    method.afterStep(ctx);
    const m = cosineMomentum(5, 10, 0.9);
    expect(method.lastMomentum).toBe(m);
    const after = byName(method);
    const expected = before.get('encoder/conv1/kernel')!.map((x) => m * x + (1 - m) * (x + 1));
    expectClose(after.get('target/encoder/conv1/kernel')!, expected, 1e-5);
    method.dispose();
  });

  it('trains on the engine, loss in [0, 8], finite, without leaks', async () => {
    const method = new ByolMethod({ network: tinyNetwork, ...tinyHeads, momentumBase: 0.99 });
    const { history, counts } = await trainBriefly(
      method,
      tinyCohort({ subjects: 4, visits: 2, validationSubjects: 0 }),
    );
    for (const row of history) {
      expect(row.parts.byol).toBeGreaterThanOrEqual(0);
      expect(row.parts.byol).toBeLessThanOrEqual(8);
      expect(row.parts.zstd).toBeGreaterThan(0);
    }
    expect(new Set(counts).size).toBe(1);
    expect(method.lastMomentum).toBe(1); // the last step of the run reaches m = 1
    method.dispose();
  });
});
