import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import {
  createDenseLayers,
  disposeLayers,
  heKernel,
  layerVariables,
  mlpForward,
  trainWithAdam,
} from '../../src/labs/mlp.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lab MLPs', () => {
  it('draws He-normal kernels: variance 2/fanIn', () => {
    const k = heKernel(50, 400, createRng(1));
    const variance = k.reduce((s, v) => s + v * v, 0) / k.length;
    expect(Math.abs(variance - 2 / 50) / (2 / 50)).toBeLessThan(0.05);
  });

  it('computes x·W + b with the activation between layers only, and disposes every tensor', () => {
    const before = tf.memory().numTensors;
    const layers = createDenseLayers([2, 2, 1], createRng(2));
    tf.tidy(() => {
      layers[0].kernel.assign(
        tf.tensor2d([
          [1, -1],
          [0, 1],
        ]),
      );
      layers[0].bias.assign(tf.tensor1d([0, -3]));
      layers[1].kernel.assign(tf.tensor2d([[2], [5]]));
    });
    // x = [1, 1] → x·W₁ + b₁ = [1, 0] + [0, −3] = [1, −3] → relu [1, 0] → 2; leakyRelu [1, −0.6] → 2 − 3 = −1
    const out = tf.tidy(() => [
      mlpForward(layers, tf.tensor2d([[1, 1]]), 'relu').dataSync()[0],
      mlpForward(layers, tf.tensor2d([[1, 1]]), 'leakyRelu').dataSync()[0],
    ]);
    expect(out[0]).toBeCloseTo(2, 6);
    expect(out[1]).toBeCloseTo(-1, 6);
    disposeLayers(layers);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains with Adam: fits y = 3x − 1 and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const layers = createDenseLayers([1, 1], createRng(3));
    const x = tf.tensor2d([[-1], [0], [1], [2]]);
    const y = tf.tensor2d([[-4], [-1], [2], [5]]);
    const loss = trainWithAdam(
      layerVariables(layers),
      400,
      0.1,
      () => tf.losses.meanSquaredError(y, mlpForward(layers, x, 'relu')) as tf.Scalar,
    );
    expect(loss).toBeLessThan(1e-3);
    expect(layers[0].kernel.dataSync()[0]).toBeCloseTo(3, 1);
    disposeLayers(layers);
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
