import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/select.js';
import {
  prepareRunDirectory,
  readLatestCheckpoint,
  writeCheckpoint,
  lsslVersion,
  readRunConfig,
} from '../../src/train/run.js';
import { initialPlateauState } from '../../src/train/schedule.js';

let root: string;

describe('run directory', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    root = mkdtempSync(join(tmpdir(), 'lssl-run-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prepares new runs, refuses existing ones, and --force removes only lssl files', async () => {
    const dir = join(root, 'a');
    expect(await prepareRunDirectory(dir)).toBe('new');
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(prepareRunDirectory(dir)).rejects.toThrow(/holds a run already/);
    expect(await prepareRunDirectory(dir, { resume: true })).toBe('resume');
    expect(await prepareRunDirectory(dir, { force: true })).toBe('new');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    await expect(readRunConfig(dir)).rejects.toThrow(/not an lssl run folder: it has no config.json/);
    expect(lsslVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('keeps only the newest whole checkpoint and ignores a half-written one', async () => {
    const dir = join(root, 'b');
    const t = tf.tensor1d([1, 2, 3]);
    const state = (epoch: number) => ({
      epoch,
      plateau: initialPlateauState(1e-3),
      optimizerStep: epoch * 2,
      history: [],
      stoppedEarly: false,
    });
    await writeCheckpoint(dir, [{ name: 'w', tensor: t }], state(1));
    await writeCheckpoint(dir, [{ name: 'w', tensor: t }], state(2));
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['epoch-0002']);
    // A crash mid-write leaves a temporary folder and, at worst, a folder without state.json.
    mkdirSync(join(dir, 'checkpoints', '.tmp-epoch-0003-1'));
    mkdirSync(join(dir, 'checkpoints', 'epoch-0004'));
    const latest = await readLatestCheckpoint(dir);
    expect(latest!.state.epoch).toBe(2);
    expect(Array.from(latest!.tensors.get('w')!.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([t, ...latest!.tensors.values()]);
    expect(await readLatestCheckpoint(join(root, 'none'))).toBeNull();
    expect(existsSync(join(dir, 'checkpoints', 'epoch-0002', 'state.json'))).toBe(true);
  });
});
