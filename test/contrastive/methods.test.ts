import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRASTIVE_METHOD_FACTORIES } from '../../src/contrastive/methods.js';
import { checkPositives, viewsOf } from '../../src/contrastive/view-method.js';
import { tinyHeads, tinyNetwork } from './method-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('contrastive method factories', () => {
  it('build each method under its registry name, recreatable from its options', () => {
    for (const [name, factory] of Object.entries(CONTRASTIVE_METHOD_FACTORIES)) {
      const method = factory({ network: tinyNetwork, ...tinyHeads });
      expect(method.name).toBe(name);
      expect(method.embeddingSize).toBe(8);
      expect(method.inputShape).toEqual([16, 16, 16]);
      const again = factory(method.options());
      expect(again.variables().map((v) => v.name)).toEqual(method.variables().map((v) => v.name));
      again.dispose();
      method.dispose();
    }
  });

  it('take views from view batches and visits from pair batches, and nothing else', () => {
    const a = tf.zeros([1, 16, 16, 16, 1]) as tf.Tensor5D;
    const b = tf.ones([1, 16, 16, 16, 1]) as tf.Tensor5D;
    expect(viewsOf({ kind: 'views', view1: a, view2: b, items: [] }, 'm')).toEqual([a, b]);
    expect(viewsOf({ kind: 'pairs', earlier: a, later: b, items: [] }, 'm')).toEqual([a, b]);
    expect(() => viewsOf({ kind: 'scans', x: a, items: [] }, 'simclr')).toThrow(/simclr trains on two views or two visits, not on scans/);
    expect(checkPositives(undefined)).toBe('views');
    tf.dispose([a, b]);
  });
});
