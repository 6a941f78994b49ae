/**
 * A checkpoint or best-model write that fails (no space, no permission; injected here into
 * the atomic writers every run file goes through) keeps the previous checkpoint and best
 * model loadable, and the run resumes from them once the disk is back (issue 16).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/backend/select.js';
import { LsslError, runtimeError } from '../../src/errors.js';
import { LsslMethod } from '../../src/lssl/lssl.js';
import { openRun } from '../../src/runs.js';
import { train } from '../../src/train/engine.js';
import { readLatestCheckpoint } from '../../src/train/run.js';
import { tinyCohort } from './fixtures.js';

/** Paths matching this fail as a full disk would; null: every write succeeds. */
const failing: { pattern: RegExp | null } = { pattern: null };

vi.mock('../../src/io/atomic.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/io/atomic.js')>();
  const refuse = (path: string) => {
    if (failing.pattern?.test(path)) throw runtimeError('cannot write (ENOSPC)', path);
  };
  return {
    ...original,
    writeFileAtomic: async (path: string, data: string | Uint8Array) => {
      refuse(path);
      return original.writeFileAtomic(path, data);
    },
    // the set is staged file by file: a failure on the second leaves the first staged, never renamed
    writeFilesAtomic: async (files: { path: string; data: string | Uint8Array }[]) => {
      for (const f of files) refuse(f.path);
      return original.writeFilesAtomic(files);
    },
  };
});

let root: string;
const network = { inputShape: 16, latentSize: 6, seed: 3 };
const options = { batchSize: 2, seed: 1 };

beforeAll(async () => {
  await initBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'lssl-ckpt-fail-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a failed checkpoint write', () => {
  it.each([
    ['the checkpoint weights', /checkpoints\/.*weights\.bin$/],
    ['the checkpoint state', /checkpoints\/.*state\.json$/],
    ['the best model manifest', /run-[^/]+\/model\.json$/],
  ])('in %s keeps epoch 1 loadable, and the run resumes once writing works', async (_what, pattern) => {
    const dir = join(root, `run-${pattern.source.length}-${Math.random().toString(36).slice(2)}`);
    const method = new LsslMethod({ network });
    await train({ method, data: tinyCohort(), runDir: dir, options: { ...options, epochs: 1 } });
    const before = await openRun(dir);
    const bestBefore = before.embedVolumes([new Float32Array(16 ** 3).fill(0.5)], [16, 16, 16])[0];
    before.dispose();

    failing.pattern = pattern;
    const resumed = new LsslMethod({ network });
    const error = await train({
      method: resumed,
      data: tinyCohort(),
      runDir: dir,
      resume: true,
      options: { ...options, epochs: 2 },
    }).catch((e: unknown) => e as LsslError);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).describe()).toMatch(/^cannot write \(ENOSPC\)/);
    expect((error as LsslError).file).toMatch(pattern); // the injected write was reached
    failing.pattern = null;

    // the previous checkpoint is whole: epoch 1, and nothing half-written beside it
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['epoch-0001']);
    const checkpoint = await readLatestCheckpoint(dir);
    expect(checkpoint?.state.epoch).toBe(1);
    tf.dispose([...(checkpoint?.tensors.values() ?? [])]);
    expect(readdirSync(dir).filter((e) => e.includes('.tmp-'))).toEqual([]);
    // the best model still loads; when the failure was in the best model, it is epoch 1's
    const after = await openRun(dir);
    const bestAfter = after.embedVolumes([new Float32Array(16 ** 3).fill(0.5)], [16, 16, 16])[0];
    after.dispose();
    if (pattern.source.includes('model')) expect(Array.from(bestAfter)).toEqual(Array.from(bestBefore));

    const again = new LsslMethod({ network });
    const result = await train({
      method: again,
      data: tinyCohort(),
      runDir: dir,
      resume: true,
      options: { ...options, epochs: 2 },
    });
    expect(result.epochsFinished).toBe(2);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['epoch-0002']);
    for (const m of [method, resumed, again]) m.dispose();
  });
});
