/**
 * `train --register subject` records the registration in config.json; `embed` registers new
 * scans the same way (it finds the training's registered entries and builds none) and refuses
 * a different registration, as it does for the other preprocessing settings.
 */
import type { CommandModule } from 'yargs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';
import { trainCommand } from '../../cli/train.js';
import { embedCommand } from '../../cli/embed.js';
import { initBackend } from '../../src/backend/select.js';
import { LsslError } from '../../src/errors.js';
import { simulateCohort } from '../../src/sim/simulate.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-train-register-'));
const source = join(root, 'phantom');
const cache = join(root, 'cache');

async function train(out: string, ...extra: string[]) {
  const argv = ['train', source, '--method', 'ae', '--out', out, '--shape', '16', '--epochs', '1', '--batch', '4'];
  await runCommand(trainCommand as CommandModule, [...argv, '--cache', cache, '--json', ...extra], 'wasm');
  return JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
}

const embed = (run: string, ...extra: string[]) =>
  runCommand(
    embedCommand as CommandModule,
    ['embed', run, source, '--out', join(root, 'z.csv'), '--cache', cache, ...extra],
    'wasm',
  );

const entries = () => readdirSync(join(cache, 'entries'), { recursive: true }).length;

beforeAll(async () => {
  await initBackend('wasm');
  // 48 voxels of 1.25 mm: enough field of view for a 2 mm registration; visits misaligned by about 1°
  await simulateCohort({ out: source, subjects: 4, visits: 2, seed: 7, shape: 48, misregistration: 3.3 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('train and embed with --register', () => {
  it('records the registration; embed reuses it and refuses another', async () => {
    const run = join(root, 'registered');
    const config = await train(run, '--register', 'subject');
    expect(config.cohort.registration).toMatchObject({ to: 'subject', transform: 'rigid', spacing: 2 });
    expect(config.cohort.registration.template).toBeUndefined();

    const before = entries();
    await embed(run);
    expect(entries()).toBe(before);
    await embed(run, '--register', 'subject');
    expect(entries()).toBe(before);

    const error = await embed(run, '--register', 'template', '--template', join(source, 'nothing.nii.gz')).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/--register subject \(rigid\), not --register template/);
  });

  it('a run trained without registration refuses --register at embed time', async () => {
    const run = join(root, 'plain');
    const config = await train(run);
    expect(config.cohort.registration).toBeUndefined();
    const error = await embed(run, '--register', 'subject').catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as Error).message).toMatch(/with no registration, not --register subject/);
  });
});
