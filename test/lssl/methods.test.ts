import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { LsslMethod } from '../../src/lssl/lssl.js';
import { AeMethod } from '../../src/lssl/ae.js';
import { VaeMethod } from '../../src/lssl/vae.js';
import { NoneMethod } from '../../src/lssl/none.js';
import { cosineDirectionLoss } from '../../src/lssl/losses/direction.js';
import { gaussianKl } from '../../src/lssl/losses/kl.js';
import { meanSquaredError } from '../../src/lssl/losses/reconstruction.js';
import { createRng } from '../../src/rng.js';
import type { StepContext } from '../../src/train/method.js';

const network = { inputShape: 16, latentSize: 4, seed: 3 } as const;
const ctx = (seed = 0): StepContext => ({
  training: false,
  epoch: 0,
  step: 0,
  stepsPerEpoch: 1,
  globalStep: 0,
  totalSteps: 1,
  rng: createRng(seed),
});
const volumes = (b: number, seed: number) => {
  const rng = createRng(seed);
  return tf.tensor5d(
    Float32Array.from({ length: b * 4096 }, () => rng.normal()),
    [b, 16, 16, 16, 1],
  );
};
const scalar = (t: tf.Tensor) => t.dataSync()[0];

describe('LSSL, AE, VAE, none as engine methods', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('lssl: total = λ_recon·(MSE_s + MSE_t) + λ_dir·(1 − cos(z_t − z_s, τ)), parts named', () => {
    const method = new LsslMethod({ network, lambdaDir: 2, lambdaRecon: 0.5 });
    const earlier = volumes(2, 1);
    const later = volumes(2, 2);
    const r = method.loss({ kind: 'pairs', earlier, later, items: [] }, ctx());
    const zs = method.net.encode(earlier);
    const zt = method.net.encode(later);
    const reconS = scalar(meanSquaredError(earlier, method.net.decode(zs)));
    const reconT = scalar(meanSquaredError(later, method.net.decode(zt)));
    const cos = scalar(cosineDirectionLoss(tf.sub(zt, zs), method.tau as tf.Tensor1D));
    expect(scalar(r.parts.recon)).toBeCloseTo(reconS + reconT, 5);
    expect(scalar(r.parts.cos)).toBeCloseTo(cos, 5);
    expect(scalar(r.total)).toBeCloseTo(0.5 * (reconS + reconT) + 2 * cos, 5);
    expect(method.variables().map((v) => v.name)).toContain('lssl/tau');
    expect(Math.hypot(...method.direction())).toBeCloseTo(1, 6);
    expect(method.options()).toMatchObject({ lambdaDir: 2, lambdaRecon: 0.5 });
    expect(() => new LsslMethod({ lambdaDir: -1 })).toThrow(/lambda-dir must be a finite number ≥ 0, not -1/);
    method.dispose();
  });

  it('lssl: τ and the encoder both receive gradients from the direction term', () => {
    const method = new LsslMethod({ network, lambdaRecon: 0 });
    const earlier = volumes(2, 4);
    const later = volumes(2, 5);
    const { grads } = tf.variableGrads(
      () => method.loss({ kind: 'pairs', earlier, later, items: [] }, { ...ctx(), training: true }).total,
      method.trainableVariables(),
    );
    const norm = (name: string) => scalar(tf.sum(tf.abs(grads[method.net.params.get(name).name])));
    expect(norm('lssl/tau')).toBeGreaterThan(0);
    expect(norm('encoder/conv1/kernel')).toBeGreaterThan(0);
    expect(
      grads[method.net.params.get('decoder/output/kernel').name] === undefined || norm('decoder/output/kernel') === 0,
    ).toBe(true);
    method.dispose();
  });

  it('vae: recon + β·KL/L (KL per latent dimension) with noise from the step generator (same seed, same loss)', () => {
    const method = new VaeMethod({ network, beta: 0.5 });
    expect(method.net.config.latentActivation).toBe('linear');
    const x = volumes(2, 6);
    const a = method.loss({ kind: 'scans', x, items: [] }, ctx(7));
    const b = method.loss({ kind: 'scans', x, items: [] }, ctx(7));
    const c = method.loss({ kind: 'scans', x, items: [] }, ctx(8));
    expect(scalar(a.total)).toBe(scalar(b.total));
    expect(scalar(a.parts.recon)).not.toBe(scalar(c.parts.recon));
    // logVar head is zero at init: σ = 1, so KL = ½ Σ μ² (closed form with log σ² = 0).
    const mu = method.net.encode(x);
    expect(scalar(a.parts.kl)).toBeCloseTo(scalar(gaussianKl(mu, tf.zerosLike(mu))), 5);
    expect(scalar(a.parts.kl)).toBeCloseTo(scalar(tf.mean(tf.mul(0.5, tf.sum(tf.square(mu), 1)))), 5);
    const latentSize = method.net.latentSize;
    expect(scalar(a.total)).toBeCloseTo(scalar(a.parts.recon) + (0.5 / latentSize) * scalar(a.parts.kl), 5);
    method.dispose();
  });

  it('ae reconstructs single scans; none has nothing to train; methods refuse the wrong batch', () => {
    const ae = new AeMethod({ network });
    const x = volumes(1, 9);
    expect(scalar(ae.loss({ kind: 'scans', x, items: [] }, ctx()).total)).toBeCloseTo(
      scalar(meanSquaredError(x, ae.net.decode(ae.net.encode(x)))),
      6,
    );
    expect(() => ae.loss({ kind: 'pairs', earlier: x, later: x, items: [] }, ctx())).toThrow(
      /ae trains on scans, not pairs/,
    );
    const none = new NoneMethod({ network });
    expect(none.trains).toBe(false);
    expect(none.trainableVariables()).toEqual([]);
    expect(none.encode(x).shape).toEqual([1, 4]);
    [ae, none].forEach((m) => m.dispose());
  });
});
