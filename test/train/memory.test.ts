/**
 * A long run's memory stays flat (issue 16): over 100 tiny epochs (16³, written to a run
 * folder every epoch, with validation), the tfjs tensor count does not move and the
 * process's resident memory grows by less than 5 % from after warm-up (epochs 21–30) to the
 * end (epochs 91–100).
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
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

let root: string;
beforeAll(async () => {
  await initBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'lssl-memory-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('memory over 100 epochs', () => {
  it('tensor count constant, RSS growth < 5 % from epochs 21–30 to 91–100', async () => {
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
        collectGarbage(); // so the samples measure what is kept, not when V8 last collected
        samples.push({ epoch: e.epoch, rss: process.memoryUsage().rss, tensors: tf.memory().numTensors });
      },
    });
    expect(samples).toHaveLength(100);
    // medians of epochs 21–30 (after warm-up: the wasm heap, kernel caches and V8's tiering
    // settle later on a loaded machine) and of epochs 91–100
    const median = (from: number, to: number) => {
      const v = samples
        .slice(from - 1, to)
        .map((x) => x.rss)
        .sort((a, b) => a - b);
      return (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2;
    };
    const growth = median(91, 100) / median(21, 30) - 1;
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `RSS at epochs 1/10/25/50/75/100: ${[1, 10, 25, 50, 75, 100].map((e) => mib(samples[e - 1].rss)).join(' / ')} MiB; ` +
        `median 21–30 ${mib(median(21, 30))} → 91–100 ${mib(median(91, 100))} MiB (${(100 * growth).toFixed(2)} %); ` +
        `tensors ${samples[0].tensors} → ${samples[99].tensors}`,
    );
    expect(new Set(samples.map((s) => s.tensors)).size).toBe(1);
    expect(growth).toBeLessThan(0.05);
    method.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
