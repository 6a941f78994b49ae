import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { createRng } from '../../src/rng.js';
import {
  createLatentTree,
  runHltmLab,
  sampleTree,
  subtreePosteriorMeans,
  type LatentTree,
} from '../../src/labs/hltm.js';

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
    // no unit can beat the Bayes posterior of its own leaves (up to sampling noise)
    for (const l of r.levels) expect(l.corr_trained).toBeLessThan(l.corr_ceiling + 0.02);
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

/** E[z_node | leaves below it] by enumerating every latent configuration of a depth-2 tree. */
function posteriorByEnumeration(tree: LatentTree, leaves: number[], level: number, index: number): number {
  const sign = (bit: number) => (bit ? 1 : -1);
  const edge = (l: number, i: number, child: number, parent: number) =>
    child === parent ? (1 + tree.deltas[l][i]) / 2 : (1 - tree.deltas[l][i]) / 2;
  // leaves below the node: all 4 for the root, leaves 2i, 2i+1 for a level-1 node
  const below = level === 0 ? [0, 1, 2, 3] : [2 * index, 2 * index + 1];
  let num = 0;
  let den = 0;
  for (let bits = 0; bits < 8; bits++) {
    const z = [[sign(bits & 1)], [sign(bits & 2), sign(bits & 4)]];
    let p = 0.5 * edge(1, 0, z[1][0], z[0][0]) * edge(1, 1, z[1][1], z[0][0]);
    for (const leaf of below) p *= edge(2, leaf, leaves[leaf], z[1][leaf >> 1]);
    num += p * z[level][index];
    den += p;
  }
  return num / den;
}

describe('subtreePosteriorMeans', () => {
  it('works out E[root | two leaves] by hand: δ = 0.8, both leaves +1 → 0.80/0.82', () => {
    const tree: LatentTree = { depth: 1, deltas: [[], [0.8, 0.8]] };
    expect(subtreePosteriorMeans(tree, [[1], [1, 1]])[0][0]).toBeCloseTo(0.8 / 0.82, 12);
    expect(subtreePosteriorMeans(tree, [[1], [1, -1]])[0][0]).toBeCloseTo(0, 12);
  });

  it('matches enumeration of all latent configurations on a depth-2 tree', () => {
    const tree = createLatentTree(2, 0.3, createRng(8));
    for (let pattern = 0; pattern < 16; pattern++) {
      const leaves = [0, 1, 2, 3].map((b) => ((pattern >> b) & 1 ? 1 : -1));
      const means = subtreePosteriorMeans(tree, [[1], [1, 1], leaves]);
      expect(means[0][0]).toBeCloseTo(posteriorByEnumeration(tree, leaves, 0, 0), 12);
      for (const i of [0, 1]) expect(means[1][i]).toBeCloseTo(posteriorByEnumeration(tree, leaves, 1, i), 12);
    }
  });
});
