import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/select.js';
import { FinetuneMethod } from '../../../src/eval/finetune/method.js';
import { createMethod } from '../../../src/methods.js';
import { inMemoryData, type ScanRef } from '../../../src/train/data.js';
import { train } from '../../../src/train/engine.js';
import { volumesToTensor } from '../../../src/nn/autoencoder.js';
import { labelledCohort, N, NETWORK } from './fixtures.js';

const { cohort, volumes } = labelledCohort(2);
const refs: ScanRef[] = cohort.subjects.flatMap((s) =>
  s.scans.map((x) => ({
    key: `${x.subject}/${x.session}`,
    subject: x.subject,
    session: x.session,
    age: x.age,
    label: x.covariates.diagnosis!,
  })),
);

describe('FinetuneMethod', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains the encoder and the head, not the decoder', () => {
    const method = new FinetuneMethod(createMethod('ae', { network: NETWORK }), {
      kind: 'class',
      classes: ['AD', 'CN'],
    });
    const names = method.variables().map((v) => v.name);
    expect(names.some((n) => n.startsWith('decoder/'))).toBe(false);
    expect(names).toContain('encoder/conv1/kernel');
    expect(names).toContain('encoder/latent/kernel');
    expect(names.filter((n) => n.startsWith('finetune/'))).toEqual([
      'finetune/hidden/kernel',
      'finetune/hidden/bias',
      'finetune/output/kernel',
      'finetune/output/bias',
    ]);
    const head = method.head.get('finetune/output/kernel');
    expect(head.shape).toEqual([64, 2]);
    method.dispose();
  });

  it('computes softmax cross-entropy and MSE as worked out from its own logits', () => {
    const classes = new FinetuneMethod(createMethod('none', { network: NETWORK }), {
      kind: 'class',
      classes: ['AD', 'CN'],
    });
    const numeric = new FinetuneMethod(createMethod('none', { network: NETWORK }), {
      kind: 'numeric',
      mean: 70,
      sd: 2,
    });
    const items = refs.slice(0, 4);
    const x = volumesToTensor(
      items.map((r) => volumes.get(r.key)!),
      [N, N, N],
    );
    const logits = classes.forward(x).arraySync();
    const ce = tf.tidy(() => classes.loss({ kind: 'scans', x, items }).total.dataSync()[0]);
    const byHand =
      logits.reduce((s, l, i) => {
        const y = items[i].label === 'AD' ? 0 : 1;
        const lse = Math.log(l.reduce((a, v) => a + Math.exp(v), 0));
        return s + lse - l[y];
      }, 0) / items.length;
    expect(ce).toBeCloseTo(byHand, 5);
    const out = numeric
      .forward(x)
      .arraySync()
      .map((r) => r[0]);
    const mse = tf.tidy(
      () => numeric.loss({ kind: 'scans', x, items: items.map((r) => ({ ...r, label: r.age! })) }).total.dataSync()[0],
    );
    expect(mse).toBeCloseTo(out.reduce((s, o, i) => s + (o - (items[i].age! - 70) / 2) ** 2, 0) / items.length, 5);
    expect(numeric.predict(x).map((p) => p[0])).toEqual(out.map((o) => expect.closeTo(o * 2 + 70, 4)));
    x.dispose();
    classes.dispose();
    numeric.dispose();
  });

  it('an engine step changes encoder weights (end to end) and leaves decoder weights alone', async () => {
    const base = createMethod('ae', { network: NETWORK });
    const decoderBefore = base
      .variables()
      .find((v) => v.name === 'decoder/output/kernel')!
      .variable.dataSync()
      .slice();
    const method = new FinetuneMethod(base, { kind: 'class', classes: ['AD', 'CN'] });
    const conv = method.variables().find((v) => v.name === 'encoder/conv1/kernel')!.variable;
    const before = conv.dataSync().slice();
    const data = inMemoryData({ volumes, volumeShape: [N, N, N], train: { scans: refs, pairs: [] } });
    const count = tf.memory().numTensors;
    await train({ method, data, options: { epochs: 2, batchSize: 4 } });
    expect(tf.memory().numTensors).toBe(count);
    const after = conv.dataSync();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    expect(
      base
        .variables()
        .find((v) => v.name === 'decoder/output/kernel')!
        .variable.dataSync(),
    ).toEqual(decoderBefore);
    method.dispose();
  });
});
