import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRASTIVE_METHOD_FACTORIES, createMethod, METHOD_NAMES, METHOD_OPTION_KEYS } from '../src/methods.js';
import { DEFAULT_VIEW_AUGMENTATION } from '../src/train/augment.js';
import { LSSL_PAIR_AUGMENTATION } from '../src/train/augmenter.js';
import { LsslError } from '../src/errors.js';
import { contrastiveNetwork, checkPositives, viewsOf } from '../src/contrastive/view-method.js';
import { train } from '../src/train/engine.js';
import { inMemoryData, type PairRef, type ScanRef, type SplitData, type TrainingData } from '../src/train/data.js';
import { tinyCohort } from './train/fixtures.js';
import { testAugmenter, tinyHeads, tinyNetwork } from './contrastive/method-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** tinyCohort with a diagnosis-like label on every scan (SupCon needs one). */
async function labelledCohort(): Promise<TrainingData> {
  const base = tinyCohort({ subjects: 4, visits: 2 });
  const label = (s: ScanRef): ScanRef => ({ ...s, label: Number(s.subject.split('-')[1]) % 2 === 0 ? 'CN' : 'AD' });
  const split = (d: SplitData): SplitData => ({
    scans: d.scans.map(label),
    pairs: d.pairs.map((p): PairRef => ({ earlier: label(p.earlier), later: label(p.later) })),
  });
  const all = [...base.train.scans, ...(base.validation?.scans ?? [])];
  const volumes = new Map(await Promise.all(all.map(async (s) => [s.key, await base.loadVolume(s)] as const)));
  return inMemoryData({
    volumes,
    volumeShape: base.volumeShape,
    train: split(base.train),
    validation: base.validation ? split(base.validation) : undefined,
  });
}

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
    expect(() => viewsOf({ kind: 'scans', x: a, items: [] }, 'simclr')).toThrow(
      /simclr trains on two views or two visits, not on scans/,
    );
    expect(checkPositives(undefined)).toBe('views');
    tf.dispose([a, b]);
  });

  it('use a linear latent, and encoder batch norm for the non-contrastive methods, unless the network says otherwise', () => {
    expect(contrastiveNetwork(undefined)).toEqual({ latentActivation: 'linear', norm: 'none' });
    expect(contrastiveNetwork({ inputShape: 16, latentActivation: undefined }, 'batch')).toEqual({
      inputShape: 16,
      latentActivation: 'linear',
      norm: 'batch',
    });
    expect(contrastiveNetwork({ inputShape: 16, latentActivation: 'tanh', norm: 'none' }, 'batch')).toEqual({
      inputShape: 16,
      latentActivation: 'tanh',
      norm: 'none',
    });
    const encoderNorm: Record<string, string> = {
      simclr: 'none',
      supcon: 'none',
      simsiam: 'batch',
      byol: 'batch',
      directpred: 'batch',
    };
    for (const [name, factory] of Object.entries(CONTRASTIVE_METHOD_FACTORIES)) {
      const method = factory({ network: tinyNetwork, ...tinyHeads });
      const options = method.options() as { network: { latentActivation: string; norm: string } };
      expect(options.network.latentActivation, name).toBe('linear');
      expect(options.network.norm, name).toBe(encoderNorm[name]);
      expect(
        method.variables().some((v) => v.name === 'encoder/norm1/movingMean'),
        name,
      ).toBe(encoderNorm[name] === 'batch');
      method.dispose();
    }
  });

  it('write every loss part and the collapse monitor to history.csv, from view and from visit batches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lssl-contrastive-history-'));
    const expectedParts: Record<string, string[]> = {
      simclr: ['nce', 'zstd'],
      supcon: ['supcon', 'zstd'],
      simsiam: ['cos', 'zstd'],
      byol: ['byol', 'zstd'],
      directpred: ['byol', 'zstd'],
    };
    const data = await labelledCohort();
    try {
      // one run per method, positives alternating so both batch kinds reach history.csv
      for (const [i, [name, factory]] of Object.entries(CONTRASTIVE_METHOD_FACTORIES).entries()) {
        for (const positives of [i % 2 === 0 ? 'views' : 'visits']) {
          const method = factory({ network: tinyNetwork, ...tinyHeads, positives });
          const runDir = join(dir, `${name}-${positives}`);
          await train({ method, data, augment: testAugmenter, options: { epochs: 1, batchSize: 4 }, runDir });
          method.dispose();
          const lines = (await readFile(join(runDir, 'history.csv'), 'utf8')).trim().split('\n');
          expect(lines[0], `${name} ${positives}`).toBe(
            ['epoch', 'split', 'loss', ...expectedParts[name], 'lr', 'seconds'].join(','),
          );
          const rows = lines.slice(1).map((l) => l.split(','));
          expect(rows.map((r) => r[1])).toEqual(['train', 'validation']);
          for (const r of rows)
            for (const v of r.slice(2, 5))
              expect(Number.isFinite(Number(v)), `${name} ${positives} ${r.join(',')}`).toBe(true);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('createMethod', () => {
  it('refuses an option the method does not take, naming the ones it takes', () => {
    const error = (() => {
      try {
        createMethod('simclr', { network: tinyNetwork, lambdaDir: 2 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LsslError);
    expect((error as Error).message).toBe(
      `simclr does not take lambdaDir; it takes ${METHOD_OPTION_KEYS.simclr.join(', ')}`,
    );
    expect(METHOD_OPTION_KEYS.simclr).toEqual([
      'network',
      'positives',
      'projectionHidden',
      'projectionSize',
      'projectorOutputNorm',
      'temperature',
    ]);
    expect(() => createMethod('lssl', { network: tinyNetwork, beta: 0.1, positives: 'views' })).toThrow(
      'lssl does not take beta, positives; it takes network, lambdaDir, lambdaRecon',
    );
  });

  it('accepts every option a method writes to its run config, and undefined for an option not given', () => {
    for (const name of METHOD_NAMES) {
      const method = createMethod(name, {
        network: tinyNetwork,
        ...(name in CONTRASTIVE_METHOD_FACTORIES ? tinyHeads : {}),
        lambdaDir: name === 'lssl' ? 1 : undefined,
      });
      try {
        const again = createMethod(name, method.options());
        again.dispose();
        for (const key of Object.keys(method.options())) expect(METHOD_OPTION_KEYS[name]).toContain(key);
      } finally {
        method.dispose();
      }
    }
  });

  it('each method declares its default augmentation: views for the contrastive methods, none for the autoencoders', () => {
    for (const name of METHOD_NAMES) {
      const contrastive = name in CONTRASTIVE_METHOD_FACTORIES;
      const views = createMethod(name, { network: tinyNetwork, ...(contrastive ? tinyHeads : {}) });
      expect(views.augmentation).toEqual({
        options: contrastive ? DEFAULT_VIEW_AUGMENTATION : LSSL_PAIR_AUGMENTATION,
        byDefault: contrastive,
      });
      views.dispose();
      if (!contrastive) continue;
      const visits = createMethod(name, { network: tinyNetwork, ...tinyHeads, positives: 'visits' });
      expect(visits.augmentation).toEqual({ options: LSSL_PAIR_AUGMENTATION, byDefault: true });
      visits.dispose();
    }
  });
});
