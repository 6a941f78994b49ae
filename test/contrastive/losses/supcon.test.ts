import { pythonJson } from '../../eval/python-reference.js';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXentLoss } from '../../../src/contrastive/losses/ntxent.js';
import { supConLoss } from '../../../src/contrastive/losses/supcon.js';
import { createRng } from '../../../src/rng.js';
import { dot, expectClose, normalizeRow, randomMatrix } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Khosla et al. eq. 2 as plain loops: features[b][v] are D-vectors; anchors view-major. */
function supConByLoops(features: number[][][], labels: number[] | undefined, t: number, tb: number): number {
  const b = features.length;
  const v = features[0].length;
  const anchors: number[][] = [];
  const owner: number[] = [];
  for (let view = 0; view < v; view++) {
    for (let s = 0; s < b; s++) {
      anchors.push(features[s][view]);
      owner.push(s);
    }
  }
  let total = 0;
  for (let i = 0; i < anchors.length; i++) {
    let denominator = 0;
    for (let k = 0; k < anchors.length; k++) if (k !== i) denominator += Math.exp(dot(anchors[i], anchors[k]) / t);
    let sum = 0;
    let count = 0;
    for (let p = 0; p < anchors.length; p++) {
      if (p === i) continue;
      const positive = labels === undefined ? owner[p] === owner[i] : labels[owner[p]] === labels[owner[i]];
      if (!positive) continue;
      sum += dot(anchors[i], anchors[p]) / t - Math.log(denominator);
      count++;
    }
    total += count === 0 ? 0 : (-(t / tb) * sum) / count;
  }
  return total / anchors.length;
}

function randomFeatures(seed: number, b: number, v: number, d: number): number[][][] {
  const rng = createRng(seed);
  return Array.from({ length: b }, () => randomMatrix(rng, v, d).map(normalizeRow));
}

function loss(
  features: number[][][],
  labels?: number[],
  options?: { temperature?: number; baseTemperature?: number },
): number {
  return tf.tidy(() => supConLoss(tf.tensor3d(features), labels, options).dataSync()[0]);
}

describe('supConLoss', () => {
  it('matches a value worked out by hand on 3 vectors, an unpaired anchor counting 0', () => {
    // anchors e1, e1, e2 (V = 1), labels 0, 0, 1, τ = τ_base = 1. Anchor 0: positive anchor 1
    // at logit 1, other logit 0 → −(1 − log(e + 1)) = log(1 + 1/e); anchor 1 the same;
    // anchor 2 has no positive → 0 (the authors' code gives NaN here). Mean over 3 anchors.
    const features = [[[1, 0]], [[1, 0]], [[0, 1]]];
    const expected = (2 / 3) * Math.log(1 + 1 / Math.E);
    expectClose(loss(features, [0, 0, 1], { temperature: 1, baseTemperature: 1 }), expected);
    // τ/τ_base scales the loss: τ_base = 2 halves it.
    expectClose(loss(features, [0, 0, 1], { temperature: 1, baseTemperature: 2 }), expected / 2);
  });

  it('gives log(BV − 1) when every feature is the same, with or without labels', () => {
    const f = normalizeRow([1, 2, 2]);
    const features = [
      [f, f],
      [f, f],
      [f, f],
    ];
    expectClose(loss(features), Math.log(5));
    expectClose(loss(features, [4, 4, 7]), Math.log(5));
  });

  it('agrees with a plain-loop implementation on random inputs', () => {
    const cases: [number, number, number, number[] | undefined, number, number][] = [
      [4, 2, 8, [0, 1, 0, 1], 0.07, 0.07],
      [6, 3, 5, [2, 2, 2, 1, 0, 1], 0.1, 0.07],
      [5, 2, 4, undefined, 0.5, 0.5],
      [5, 1, 4, [0, 1, 0, 3, 3], 0.2, 0.1],
    ];
    cases.forEach(([b, v, d, labels, t, tb], i) => {
      const features = randomFeatures(20 + i, b, v, d);
      expectClose(
        loss(features, labels, { temperature: t, baseTemperature: tb }),
        supConByLoops(features, labels, t, tb),
        1e-5,
      );
    });
  });

  it('equals ntXentLoss(t) without labels at V = 2 and τ = τ_base = t (and (t/τ_base)·ntXent otherwise)', () => {
    for (const t of [0.07, 0.5]) {
      const features = randomFeatures(7, 6, 2, 8);
      const z1 = features.map((views) => views[0]);
      const z2 = features.map((views) => views[1]);
      const nt = tf.tidy(() => ntXentLoss(tf.tensor2d(z1), tf.tensor2d(z2), t).dataSync()[0]);
      expectClose(loss(features, undefined, { temperature: t, baseTemperature: t }), nt, 1e-5);
      expectClose(loss(features, undefined, { temperature: t, baseTemperature: 0.07 }), (t / 0.07) * nt, 1e-5);
    }
  });

  it("matches the authors' SupConLoss formula run in torch (python3)", () => {
    const features = randomFeatures(31, 8, 2, 6);
    const labels = [0, 1, 2, 0, 1, 2, 0, 3];
    const script = `
import json, sys, torch
inp = json.load(sys.stdin)
f = torch.tensor(inp['features'], dtype=torch.float64)
labels = torch.tensor(inp['labels']).view(-1, 1)
t, tb = inp['t'], inp['tb']
b, v = f.shape[0], f.shape[1]
mask = torch.eq(labels, labels.T).double().repeat(v, v)
contrast = torch.cat(torch.unbind(f, dim=1), dim=0)
logits = contrast @ contrast.T / t
logits = logits - logits.max(dim=1, keepdim=True).values
not_self = 1 - torch.eye(b * v, dtype=torch.float64)
mask = mask * not_self
log_prob = logits - torch.log((torch.exp(logits) * not_self).sum(1, keepdim=True))
per_anchor = -(t / tb) * (mask * log_prob).sum(1) / mask.sum(1)
print(json.dumps(per_anchor.view(v, b).mean().item()))
`;
    const out = pythonJson<number>(script, { features, labels, t: 0.1, tb: 0.07 });
    expectClose(loss(features, labels, { temperature: 0.1, baseTemperature: 0.07 }), out, 1e-5);
  });

  it('has finite gradients, leaks no tensors, and validates its settings', () => {
    const before = tf.memory().numTensors;
    const f = tf.tensor3d(randomFeatures(9, 4, 2, 3));
    const [g] = tf.grads((x: tf.Tensor) => supConLoss(x as tf.Tensor3D, [0, 0, 1, 1]))([f]);
    const values = Array.from(g.dataSync());
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values.some((x) => x !== 0)).toBe(true);
    tf.dispose([f, g]);
    expect(tf.memory().numTensors).toBe(before);
    const features = randomFeatures(1, 2, 2, 3);
    expect(() => loss(features, [0, 1], { temperature: 1e-9 })).toThrow(/temperature must be .* not 1e-9/);
    expect(() => loss(features, [0, 1], { baseTemperature: 0 })).toThrow(/baseTemperature/);
    expect(() => loss(features, [0])).toThrow(/one entry per sample \(2\), not 1/);
    expect(() => tf.tidy(() => supConLoss(tf.zeros([2, 3]) as unknown as tf.Tensor3D))).toThrow(
      /\[batch, views, dim\]/,
    );
  });
});
