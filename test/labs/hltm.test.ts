import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { createRng } from '../../src/rng.js';
import { createLatentTree, runHltmLab, sampleTree } from '../../src/labs/hltm.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('runHltmLab (Tian et al. 2020), seconds-long version', () => {
  it('raises the best |corr| with the latents near the root above its value at init, leaking no tensors', () => {
    const before = tf.memory().numTensors;
    const r = runHltmLab({ seed: 1, depth: 4, unitsPerNode: 8, steps: 120, evalSamples: 800 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
    for (const level of [0, 1]) expect(r.levels[level].corr_trained).toBeGreaterThan(r.levels[level].corr_init + 0.1);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('is deterministic for a seed', () => {
    const tiny = { depth: 3, unitsPerNode: 4, steps: 2, evalSamples: 100 };
    const strip = (r: ReturnType<typeof runHltmLab>) => ({ ...r, seconds: 0 });
    expect(strip(runHltmLab({ seed: 2, ...tiny }))).toEqual(strip(runHltmLab({ seed: 2, ...tiny })));
  });
});

describe('latent tree sampling', () => {
  it('draws |δ| in [0.7, 1] and copies a parent with probability (1 + δ)/2', () => {
    const rng = createRng(5);
    const tree = createLatentTree(3, 0.7, rng);
    expect(tree.deltas.map((d) => d.length)).toEqual([0, 2, 4, 8]);
    for (const d of tree.deltas.flat()) expect(Math.abs(d)).toBeGreaterThanOrEqual(0.7);
    const draws = 20000;
    let agree = 0;
    let rootPlus = 0;
    for (let i = 0; i < draws; i++) {
      const v = sampleTree(tree, rng);
      if (v[1][0] === v[0][0]) agree++;
      if (v[0][0] === 1) rootPlus++;
      expect(v[3].every((x) => x === 1 || x === -1)).toBe(true);
    }
    // E[agree] = (1 + δ)/2; binomial sd ≤ 0.0035 at 20000 draws
    expect(Math.abs(agree / draws - (1 + tree.deltas[1][0]) / 2)).toBeLessThan(0.015);
    expect(Math.abs(rootPlus / draws - 0.5)).toBeLessThan(0.015);
    // a given root is kept
    expect(sampleTree(tree, rng, -1)[0][0]).toBe(-1);
  });
});
