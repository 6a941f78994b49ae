import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { createAutoencoder, volumesToTensor } from '../../src/nn/autoencoder.js';
import { resolveAutoencoderOptions, featureSize } from '../../src/nn/options.js';
import { LsslError } from '../../src/errors.js';
import { createRng } from '../../src/rng.js';

function randomVolume(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('Autoencoder', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('has the paper sizes at 64³: 1024 features, ~1.26 M parameters counted by hand', () => {
    expect(featureSize(resolveAutoencoderOptions({ inputShape: 64 }))).toBe(1024);
    const net = createAutoencoder({ inputShape: 64 });
    const conv = (cin: number, cout: number) => 27 * cin * cout + cout;
    const expected =
      conv(1, 16) +
      conv(16, 32) +
      conv(32, 64) +
      conv(64, 16) + // encoder
      (1024 * 512 + 512) +
      (512 * 1024 + 1024) + // dense latent and its mirror
      conv(16, 64) +
      conv(64, 32) +
      conv(32, 16) +
      conv(16, 16) +
      conv(16, 1); // decoder
    expect(net.params.size()).toBe(expected);
    expect(net.params.get('encoder/conv1/kernel').shape).toEqual([3, 3, 3, 1, 16]);
    expect(net.params.get('decoder/output/kernel').shape).toEqual([3, 3, 3, 16, 1]);
    net.dispose();
  });

  it('encodes [B,16,16,16,1] to [B,L] and decodes back to the input shape, without leaks', () => {
    const net = createAutoencoder({ inputShape: 16, latentSize: 8, seed: 1 });
    const before = tf.memory().numTensors;
    const x = volumesToTensor([randomVolume(4096, 1), randomVolume(4096, 2)], [16, 16, 16]);
    const z = net.encode(x);
    expect(z.shape).toEqual([2, 8]);
    const zv = z.dataSync();
    expect(Math.max(...zv.map(Math.abs))).toBeLessThanOrEqual(1); // tanh
    const xHat = net.decode(z);
    expect(xHat.shape).toEqual([2, 16, 16, 16, 1]);
    tf.dispose([x, z, xHat]);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('without a dense latent, z is the flattened features (16 at 16³), and linear works', () => {
    const net = createAutoencoder({ inputShape: [16, 32, 16], latentSize: null });
    expect(net.latentSize).toBe(32);
    const x = tf.zeros([1, 16, 32, 16, 1]) as tf.Tensor5D;
    expect(net.decode(net.encode(x)).shape).toEqual([1, 16, 32, 16, 1]);
    net.dispose();
  });

  it('is deterministic for a seed and different across seeds', () => {
    const a = createAutoencoder({ inputShape: 16, latentSize: 4, seed: 3 });
    const b = createAutoencoder({ inputShape: 16, latentSize: 4, seed: 3 });
    const c = createAutoencoder({ inputShape: 16, latentSize: 4, seed: 4 });
    const k = (n: typeof a) => Array.from(n.params.get('encoder/conv2/kernel').dataSync());
    expect(k(a)).toEqual(k(b));
    expect(k(a)).not.toEqual(k(c));
    // PyTorch's default (the network's): U(±1/√fan_in) for kernel and bias, fan_in = 27·16 for
    // conv2, so |w| ≤ bound and the variance is bound²/3, within sampling error.
    const bound = 1 / Math.sqrt(432);
    const w = k(a);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(variance).toBeGreaterThan((bound ** 2 / 3) * 0.9);
    expect(variance).toBeLessThan((bound ** 2 / 3) * 1.1);
    const bias = Array.from(a.params.get('encoder/conv2/bias').dataSync());
    expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(new Set(bias).size).toBe(bias.length); // drawn, not zeros
    [a, b, c].forEach((n) => n.dispose());
  });

  it('starts from He normal with zero biases when asked (init: he)', () => {
    const net = createAutoencoder({ inputShape: 16, latentSize: 4, seed: 3, init: 'he' });
    const w = Array.from(net.params.get('encoder/conv2/kernel').dataSync());
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeGreaterThan((2 / 432) * 0.9);
    expect(variance).toBeLessThan((2 / 432) * 1.1);
    expect(Array.from(net.params.get('encoder/conv2/bias').dataSync()).every((b) => b === 0)).toBe(true);
    expect(() => createAutoencoder({ init: 'xavier' as never })).toThrow(/init must be pytorch or he, not "xavier"/);
    net.dispose();
  });

  it('refuses shapes the network cannot take, echoing the value', () => {
    expect(() => createAutoencoder({ inputShape: 30 })).toThrow(/multiple of 16.*not 30/);
    expect(() => createAutoencoder({ inputShape: 30 })).toThrow(LsslError);
    expect(() => createAutoencoder({ latentSize: 0 })).toThrow(/latent size must be a positive integer, not 0/);
    expect(() => createAutoencoder({ norm: 'layer' as never })).toThrow(/norm must be none or batch/);
    const net = createAutoencoder({ inputShape: 16, latentSize: 4 });
    expect(() => net.encode(tf.zeros([1, 32, 32, 32, 1]) as tf.Tensor5D)).toThrow(
      /\[B,16,16,16,1\], not \[1,32,32,32,1\]/,
    );
    expect(() => net.decode(tf.zeros([1, 5]) as tf.Tensor2D)).toThrow(/\[B,4\], not \[1,5\]/);
    net.dispose();
  });

  it('batch norm: normalises with batch moments in training, queues moving averages, and has gradients', () => {
    const net = createAutoencoder({ inputShape: 16, latentSize: 4, norm: 'batch', seed: 2 });
    const x = volumesToTensor([randomVolume(4096, 5), randomVolume(4096, 6)], [16, 16, 16]);
    const { grads, value } = tf.variableGrads(
      () =>
        tf.mean(tf.square(tf.sub(net.decode(net.encode(x, { training: true }), { training: true }), x))) as tf.Scalar,
      net.trainableVariables(),
    );
    expect(Object.keys(grads).length).toBe(net.trainableVariables().length);
    for (const g of Object.values(grads)) expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])).toBe(true);
    expect(tf.sum(tf.abs(grads[net.params.get('encoder/norm1/gamma').name])).dataSync()[0]).toBeGreaterThan(0);
    net.applyStatisticUpdates();
    // movingMean ← 0.9·0 + 0.1·batch mean of conv1's output (≠ 0 after one update).
    const mm = net.params.get('encoder/norm1/movingMean').dataSync();
    expect(mm.some((v) => v !== 0)).toBe(true);
    tf.dispose([value, ...Object.values(grads), x]);
    net.dispose();
  });

  it('volumesToTensor keeps the x-fastest order: voxel (i,j,k) lands at [k][j][i]', () => {
    const [nx, ny, nz] = [3, 4, 2];
    const v = Float32Array.from({ length: nx * ny * nz }, (_, n) => n);
    const t = volumesToTensor([v], [nx, ny, nz]);
    expect(t.shape).toEqual([1, nz, ny, nx, 1]);
    const a = t.arraySync() as number[][][][][];
    expect(a[0][1][2][0][0]).toBe(0 + nx * (2 + ny * 1));
    expect(() => volumesToTensor([new Float32Array(5)], [nx, ny, nz])).toThrow(/5 voxels, not 3×4×2 = 24/);
    t.dispose();
  });
});
