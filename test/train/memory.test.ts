/**
 * A long run's memory stays flat (issue 16): over 100 tiny epochs (16³, written to a run
 * folder every epoch, with validation), the tfjs tensor count does not move and the
 * process's resident memory grows by less than 5 % between epoch 10 (after warm-up: the
 * wasm heap and kernel caches have grown to size) and epoch 100.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { LsslMethod } from '../../src/lssl/lssl.js';
import { train } from '../../src/train/engine.js';
import { tinyCohort } from './fixtures.js';

let root: string;
beforeAll(async () => {
  await initBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'lssl-memory-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('memory over 100 epochs', () => {
  it('tensor count constant, RSS growth < 5 % from epoch 10 to 100', async () => {
    const before = tf.memory().numTensors;
    const method = new LsslMethod({ network: { inputShape: 16, latentSize: 8, seed: 4 } });
    const samples: { epoch: number; rss: number; tensors: number }[] = [];
    await train({
      method,
      data: tinyCohort({ subjects: 4, visits: 2, validationSubjects: 1 }),
      runDir: join(root, 'run'),
      // patience high: every one of the 100 epochs runs
      options: { epochs: 100, batchSize: 2, plateau: { patience: 1000, earlyStopPatience: 1000 } },
      onProgress: (e) => {
        if (e.type !== 'epoch') return;
        globalThis.gc?.();
        samples.push({ epoch: e.epoch, rss: process.memoryUsage().rss, tensors: tf.memory().numTensors });
      },
    });
    expect(samples).toHaveLength(100);
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `RSS at epochs 1/10/25/50/75/100: ${[1, 10, 25, 50, 75, 100].map((e) => mib(samples[e - 1].rss)).join(' / ')} MiB`,
    );
    const at = (epoch: number) => samples[epoch - 1];
    const growth = at(100).rss / at(10).rss - 1;
    console.log(
      `RSS epoch 10 ${(at(10).rss / 2 ** 20).toFixed(1)} MiB, epoch 100 ${(at(100).rss / 2 ** 20).toFixed(1)} MiB (${(100 * growth).toFixed(2)} %); tensors ${at(1).tensors} → ${at(100).tensors}`,
    );
    expect(new Set(samples.map((s) => s.tensors)).size).toBe(1);
    expect(growth).toBeLessThan(0.05);
    method.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
