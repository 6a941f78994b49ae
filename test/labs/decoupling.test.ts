import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { createRng } from '../../src/rng.js';
import { maskedViews, randomDictionary, runDecouplingLab } from '../../src/labs/decoupling.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('runDecouplingLab (Wen & Li 2021), seconds-long version', () => {
  it('learns the dictionary with masking and the dense noise without it, leaking no tensors', () => {
    const before = tf.memory().numTensors;
    const r = runDecouplingLab({ seed: 1, steps: 100, learningRate: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.alignment_with_masking).toBeGreaterThan(r.alignment_without_masking + 0.2);
    expect(r.alignment_with_masking).toBeGreaterThan(r.alignment_at_init);
    expect(r.dense_alignment_without_masking).toBeGreaterThan(r.dense_alignment_with_masking + 0.2);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('is deterministic for a seed', () => {
    const strip = (r: ReturnType<typeof runDecouplingLab>) => ({ ...r, seconds: 0 });
    expect(strip(runDecouplingLab({ seed: 3, steps: 2 }))).toEqual(strip(runDecouplingLab({ seed: 3, steps: 2 })));
  });
});

describe('decoupling data', () => {
  it('builds a dictionary with orthonormal columns on the dictionary block only', () => {
    const m = randomDictionary(12, 8, 5, createRng(2));
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        let s = 0;
        for (let i = 0; i < 12; i++) s += m[i * 5 + a] * m[i * 5 + b];
        expect(s).toBeCloseTo(a === b ? 1 : 0, 12);
      }
      for (let i = 8; i < 12; i++) expect(m[i * 5 + a]).toBe(0);
    }
  });

  it('masks complementary coordinates: x⁺ + x⁺⁺ = 2x, x⁺ ⊙ x⁺⁺ = 0, about half kept', () => {
    const x = Float32Array.from({ length: 4000 }, (_, i) => 1 + (i % 7));
    const [a, b] = maskedViews(x, 40, createRng(3));
    let kept = 0;
    for (let i = 0; i < x.length; i++) {
      expect(a[i] + b[i]).toBe(2 * x[i]);
      expect(a[i] * b[i]).toBe(0);
      if (a[i] !== 0) kept++;
    }
    expect(Math.abs(kept / x.length - 0.5)).toBeLessThan(0.03);
  });
});
