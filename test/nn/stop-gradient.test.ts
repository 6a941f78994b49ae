import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stopGradient } from '../../src/nn/stop-gradient.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stopGradient', () => {
  it('passes the value and blocks the gradient: d/dx [x² + sg(x)²] = 2x', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.square(v), tf.square(stopGradient(v)))))(x);
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
    const y = stopGradient(x);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
    expect(y.shape).toEqual([3]);
    tf.dispose([x, g, y]);
  });
});
