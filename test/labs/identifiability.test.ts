import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { runIdentifiabilityLab } from '../../src/labs/identifiability.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const quick = { latentDim: 10, steps: 150, batchSize: 128, hidden: [32, 32], learningRate: 3e-3, evalSamples: 800 };

describe('runIdentifiabilityLab (Zimmermann et al. 2021), seconds-long version', () => {
  it('recovers the latents far better than the untrained encoder, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const r = runIdentifiabilityLab({ seed: 1, ...quick });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.r2).toBeGreaterThan(r.r2_untrained + 0.15);
    expect(r.r2).toBeGreaterThan(0.55);
    expect(r.mcc).toBeGreaterThan(0);
    expect(r.mcc).toBeLessThanOrEqual(1);
    expect(r.settings.generator_condition_numbers.every((c) => c >= 1 && c <= 2)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const tiny = { ...quick, steps: 3, evalSamples: 200 };
    const strip = (r: ReturnType<typeof runIdentifiabilityLab>) => ({ ...r, seconds: 0 });
    expect(strip(runIdentifiabilityLab({ seed: 4, ...tiny }))).toEqual(
      strip(runIdentifiabilityLab({ seed: 4, ...tiny })),
    );
    expect(runIdentifiabilityLab({ seed: 5, ...tiny }).r2_untrained).not.toBe(
      runIdentifiabilityLab({ seed: 4, ...tiny }).r2_untrained,
    );
  });

  it('rejects bad options with the value', () => {
    expect(() => runIdentifiabilityLab({ steps: 0 })).toThrow(/steps must be a positive integer, not 0/);
    expect(() => runIdentifiabilityLab({ kappa: -1 })).toThrow(/kappa must be a positive number, not -1/);
  });
});
