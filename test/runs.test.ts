import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/backend/select.js';
import { LsslMethod } from '../src/lssl/lssl.js';
import { train } from '../src/train/engine.js';
import { openRun, methodForRun, resumePlan } from '../src/runs.js';
import { ballVolume, tinyCohort } from './train/fixtures.js';

let root: string;

describe('openRun', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'lssl-open-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores the best weights and τ, and embeds in batches like method.encode, without leaks', async () => {
    const dir = join(root, 'run');
    const network = { inputShape: 16, latentSize: 6, seed: 2 };
    const method = new LsslMethod({ network });
    // patience large, one epoch: the best is the last, so the method's weights are the best ones.
    await train({ method, data: tinyCohort(), runDir: dir, options: { epochs: 1, batchSize: 2 } });
    const volumes = [0, 1, 2].map((s) => ballVolume(16, 4 + s, 0.1, s));
    const expected = tf.tidy(() =>
      method
        .encode(tf.tensor5d(Float32Array.from(volumes.flatMap((v) => Array.from(v))), [3, 16, 16, 16, 1]))
        .arraySync(),
    );
    const before = tf.memory().numTensors;
    const run = await openRun(dir);
    expect(run.config.method).toBe('lssl');
    const rows = run.embedVolumes(volumes, [16, 16, 16], 2);
    expect(rows.map((r) => Array.from(r))).toEqual(expected);
    // the same scans as [nz, ny, nx] tensors embed the same, and stay the caller's
    const tensors = volumes.map((v) => tf.tensor3d(v, [16, 16, 16]));
    expect(run.embedVolumes(tensors, [16, 16, 16], 2).map((r) => Array.from(r))).toEqual(expected);
    expect(tensors.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(tensors);
    const tau = JSON.parse(readFileSync(join(dir, 'tau.json'), 'utf8'));
    expect(Array.from(run.direction!)).toEqual(Array.from(method.direction()));
    expect(tau.unit.map(Math.fround)).toEqual(Array.from(run.direction!));
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const again = await methodForRun(dir);
    expect(again.name).toBe('lssl');
    expect(again.options()).toEqual(method.options());
    again.dispose();
    method.dispose();
  });

  it('refuses a folder that is not a run, and a run with no model yet', async () => {
    await expect(openRun(join(root, 'nope'))).rejects.toThrow(/not an lssl run folder: it has no config.json/);
  });

  it('plans a resumption from config.json: the method, its engine options with new epochs, its augmentation switch', async () => {
    const dir = join(root, 'to-resume');
    const method = new LsslMethod({ network: { inputShape: 16, latentSize: 6, seed: 4 }, lambdaDir: 2 });
    await train({ method, data: tinyCohort(), runDir: dir, options: { epochs: 1, batchSize: 2, learningRate: 0.002 } });
    const plan = await resumePlan(dir, { method: 'lssl', epochs: 3 });
    expect(plan.method.name).toBe('lssl');
    expect(plan.method.options()).toEqual(method.options());
    expect(plan.options).toMatchObject({ epochs: 3, batchSize: 2, learningRate: 0.002 });
    expect(plan.options).not.toHaveProperty('augment');
    expect(plan.augment).toBe(false);
    plan.method.dispose();
    const same = await resumePlan(dir);
    expect(same.options.epochs).toBe(1);
    same.method.dispose();
    await expect(resumePlan(dir, { method: 'ae' })).rejects.toThrow("--method ae differs from the run's method lssl");
    method.dispose();
  });
});
