/**
 * The methods with batch norm in the encoder (SimSiam, BYOL, DirectPred) train bit for bit
 * the same twice on one backend: lssl's batch-norm kernels sum per channel in an order that
 * depends on the shapes only (and the EMA kernel is elementwise), and the conv kernels keep
 * one accumulator per output plane. Every variable is compared, moving statistics and the
 * EMA target included.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { createMethod } from '../../src/methods.js';
import type { Method } from '../../src/train/method.js';
import { tinyCohort } from '../train/fixtures.js';
import { tinyHeads, trainBriefly } from './method-helpers.js';

const network = { inputShape: 16, latentSize: 8, channels: [4, 8, 4, 4], seed: 3 } as const;

function weightsOf(method: Method): Map<string, Uint32Array> {
  return new Map(method.variables().map((e) => [e.name, new Uint32Array(e.variable.dataSync().slice().buffer)]));
}

describe('batch-norm methods train reproducibly', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const name of ['simsiam', 'byol', 'directpred']) {
      it(`${name} on ${backend}: two runs give the same weights, bit for bit`, async () => {
        await initBackend(backend);
        const data = tinyCohort({ subjects: 3, visits: 2 });
        const fresh = createMethod(name, { network, ...tinyHeads });
        const initial = weightsOf(fresh);
        fresh.dispose();
        const runs = [];
        for (let k = 0; k < 2; k++) {
          const before = tf.memory().numTensors;
          const method = createMethod(name, { network, ...tinyHeads });
          const { history } = await trainBriefly(method, data, 2);
          runs.push({ weights: weightsOf(method), losses: history.map((r) => r.loss) });
          method.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }
        const [a, b] = runs;
        expect(a.weights.size).toBeGreaterThan(0);
        expect([...a.weights.keys()].some((n) => n.includes('movingVariance'))).toBe(true);
        for (const [n, values] of a.weights) expect(Array.from(b.weights.get(n)!), n).toEqual(Array.from(values));
        expect(b.losses).toEqual(a.losses);
        // training moved the conv weights and the moving statistics (the comparison is not vacuous)
        const moved = (n: string) => Array.from(a.weights.get(n)!).some((v, i) => v !== initial.get(n)![i]);
        expect(moved('encoder/conv2/kernel')).toBe(true);
        expect(moved('encoder/norm2/movingVariance')).toBe(true);
        if (backend === 'cpu') await initBackend('wasm');
      });
    }
  }
});
