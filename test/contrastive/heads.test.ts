import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMlpHead, applyPending, mlpHead, normalizedStd } from '../../src/contrastive/heads.js';
import type { PendingAssign } from '../../src/nn/layers.js';
import { ParameterSet } from '../../src/nn/params.js';
import { expectClose } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('heads', () => {
  it('normalizedStd: the per-dimension std of unit rows, averaged (by hand)', () => {
    // rows e1, e2 → dims take values {1, 0} and {0, 1}: population std 0.5 each
    expectClose(tf.tidy(() => normalizedStd(tf.tensor2d([[3, 0], [0, 2]])).dataSync()[0]), 0.5);
    // a collapsed batch has std 0
    expectClose(tf.tidy(() => normalizedStd(tf.tensor2d([[1, 1], [2, 2], [5, 5]])).dataSync()[0]), 0, 1e-6);
  });

  it('maps [B, in] → [B, out] and, with batch norm in training, queues its moving statistics', () => {
    const params = new ParameterSet();
    addMlpHead(params, 'head', { input: 3, hidden: 5, output: 2, batchNorm: true }, 7);
    expect(params.entries.filter((e) => !e.trainable).map((e) => e.name)).toEqual(['head/norm/movingMean', 'head/norm/movingVariance']);
    const pending: PendingAssign[] = [];
    const x = tf.tensor2d([[1, 2, 3], [0, -1, 2], [4, 0, 1]]);
    const y = mlpHead(params, 'head', x, true, true, pending);
    expect(y.shape).toEqual([3, 2]);
    expect(pending.length).toBe(2);
    applyPending(pending);
    expect(pending.length).toBe(0);
    expect(Array.from(params.get('head/norm/movingMean').dataSync()).some((v) => v !== 0)).toBe(true);
    const inference = mlpHead(params, 'head', x, true, false, pending);
    expect(pending.length).toBe(0);
    tf.dispose([x, y, inference]);
    params.dispose();
  });

  it('with outputNorm, gives each output dimension batch mean 0 and variance 1 in training (SimSiam\'s affine-free BN)', () => {
    const params = new ParameterSet();
    addMlpHead(params, 'head', { input: 3, hidden: 6, output: 4, batchNorm: true, outputNorm: true }, 3);
    expect(params.entries.filter((e) => e.name.startsWith('head/outputNorm')).map((e) => [e.name, e.trainable])).toEqual([
      ['head/outputNorm/movingMean', false],
      ['head/outputNorm/movingVariance', false],
    ]);
    const pending: PendingAssign[] = [];
    const x = tf.tensor2d([[1, 2, 3], [0, -1, 2], [4, 0, 1], [2, 2, -1], [-3, 1, 0]]);
    const y = mlpHead(params, 'head', x, true, true, pending);
    const { mean, variance } = tf.moments(y, 0);
    const raw = Array.from(variance.dataSync());
    expectClose(mean.dataSync(), [0, 0, 0, 0], 1e-5);
    // (x − μ)/√(σ² + 1e-5): variance σ²/(σ² + 1e-5), 1 up to the epsilon
    for (const v of raw) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    expect(pending).toHaveLength(4); // hidden and output moving mean + variance
    applyPending(pending);
    tf.dispose([x, y, mean, variance]);
    params.dispose();
  });
});
