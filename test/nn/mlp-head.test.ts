import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { he } from '../../src/nn/init.js';
import { addDense } from '../../src/nn/layers.js';
import { MLP_HEAD_PRESETS, MlpHead } from '../../src/nn/mlp-head.js';
import { ParameterSet } from '../../src/nn/params.js';
import { expectClose } from '../contrastive/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MlpHead', () => {
  it('maps [B, in] → [B, out] and, with batch norm in training, queues its moving statistics', () => {
    const params = new ParameterSet();
    const head = new MlpHead(params, 'head', { input: 3, hidden: 5, output: 2, batchNorm: true }, 7);
    expect(params.entries.filter((e) => !e.trainable).map((e) => e.name)).toEqual([
      'head/norm/movingMean',
      'head/norm/movingVariance',
    ]);
    const x = tf.tensor2d([
      [1, 2, 3],
      [0, -1, 2],
      [4, 0, 1],
    ]);
    const y = head.apply(x, true);
    expect(y.shape).toEqual([3, 2]);
    expect(head.pendingUpdates).toBe(2);
    head.applyStatisticUpdates();
    expect(head.pendingUpdates).toBe(0);
    expect(Array.from(params.get('head/norm/movingMean').dataSync()).some((v) => v !== 0)).toBe(true);
    const inference = head.apply(x, false);
    expect(head.pendingUpdates).toBe(0);
    tf.dispose([x, y, inference]);
    params.dispose();
  });

  it("with outputNorm, gives each output dimension batch mean 0 and variance 1 in training (SimSiam's affine-free BN)", () => {
    const params = new ParameterSet();
    const head = new MlpHead(params, 'head', { input: 3, hidden: 6, output: 4, batchNorm: true, outputNorm: true }, 3);
    expect(
      params.entries.filter((e) => e.name.startsWith('head/outputNorm')).map((e) => [e.name, e.trainable]),
    ).toEqual([
      ['head/outputNorm/movingMean', false],
      ['head/outputNorm/movingVariance', false],
    ]);
    const x = tf.tensor2d([
      [1, 2, 3],
      [0, -1, 2],
      [4, 0, 1],
      [2, 2, -1],
      [-3, 1, 0],
    ]);
    const y = head.apply(x, true);
    const { mean, variance } = tf.moments(y, 0);
    const raw = Array.from(variance.dataSync());
    expectClose(mean.dataSync(), [0, 0, 0, 0], 1e-5);
    // (x − μ)/√(σ² + 1e-5): variance σ²/(σ² + 1e-5), 1 up to the epsilon
    for (const v of raw) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    expect(head.pendingUpdates).toBe(4); // hidden and output moving mean + variance
    head.applyStatisticUpdates();
    tf.dispose([x, y, mean, variance]);
    params.dispose();
  });

  it('the fine-tuning preset draws the same initial weights as two dense layers (He 2, then He 1 on the output)', () => {
    const params = new ParameterSet();
    const reference = new ParameterSet();
    new MlpHead(params, 'finetune', { input: 6, hidden: 4, output: 3, ...MLP_HEAD_PRESETS.finetune }, 5);
    addDense(reference, 'finetune/hidden', 6, 4, 5);
    addDense(reference, 'finetune/output', 4, 3, 5, he(1));
    expect(params.entries.map((e) => e.name)).toEqual(reference.entries.map((e) => e.name));
    for (const e of reference.entries)
      expect(Array.from(params.get(e.name).dataSync())).toEqual(Array.from(e.variable.dataSync()));
    params.dispose();
    reference.dispose();
  });
});
