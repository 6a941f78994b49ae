import type { CommandModule } from 'yargs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';
import { tuneCommand } from '../../cli/tune.js';
import { initBackend } from '../../src/backend/select.js';
import { LsslError } from '../../src/errors.js';
import { simulateCohort } from '../../src/sim/simulate.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-cli-tune-'));
const source = join(root, 'phantom');
const cache = join(root, 'cache');
const tuneArgs = (out: string, ...extra: string[]) => [
  'tune',
  source,
  '--out',
  join(root, out),
  '--shape',
  '16',
  '--epochs',
  '1',
  '--batch',
  '4',
  '--cache',
  cache,
  ...extra,
];

beforeAll(async () => {
  await initBackend('wasm');
  await simulateCohort({ out: source, subjects: 10, visits: 2, seed: 3, shape: 16 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lssl tune', () => {
  it('trains each setting on the training subjects and chooses the lowest validation 1 − cos', async () => {
    await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('lssl', '--method', 'lssl', '--lr', '1e-3,1e-2', '--json'),
      'wasm',
    );
    const lines = readFileSync(join(root, 'lssl', 'tune.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(lines).toHaveLength(2);
    const rows = lines.map((l) => l.split(','));
    // columns after the quoted label: normalize, mask, lr, latent, lambda_recon, criterion, value, best_epoch, chosen, run
    const values = rows.map((r) => Number(r[r.length - 4]));
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    const chosen = rows.findIndex((r) => r[r.length - 2] === 'yes');
    expect(values[chosen]).toBe(Math.min(...values));
    expect(rows.filter((r) => r[r.length - 2] === 'yes')).toHaveLength(1);
    expect(rows.map((r) => r[r.length - 5])).toEqual(['validation cos', 'validation cos']);
  });

  it('refuses a reconstruction weight for a method without one, and a grid value that is not a number', async () => {
    const noRecon = await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('simclr', '--method', 'simclr', '--lambda-recon', '0.1'),
      'wasm',
    ).catch((e) => e);
    expect(noRecon).toBeInstanceOf(LsslError);
    expect((noRecon as LsslError).exitCode).toBe(2);
    expect((noRecon as Error).message).toMatch(/simclr has no reconstruction term/);
    const bad = await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('x', '--method', 'ae', '--lr', '1e-3,fast'),
      'wasm',
    ).catch((e) => e);
    expect((bad as Error).message).toBe('--lr takes a comma list of numbers, not "fast"');
  });

  it('lssl may tune the normalisation: each setting trains on its own preprocessing and records it; others refuse it', async () => {
    const out = await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('norm', '--method', 'lssl', '--mask', 'otsu,none'),
      'wasm',
    );
    const rows = readFileSync(join(root, 'norm', 'tune.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.map((r) => r.split(',').slice(1, 3))).toEqual([
      ['', 'otsu'],
      ['', 'none'],
    ]);
    for (const [i, mask] of ['otsu', 'none'].entries()) {
      const config = JSON.parse(readFileSync(join(root, 'norm', `setting-${i + 1}`, 'config.json'), 'utf8'));
      expect(config.cohort.preprocessing.mask).toBe(mask);
    }
    expect(out).toMatch(/chosen on validation subjects: lssl train SOURCE --method lssl --mask (otsu|none) --seed 0/);
    const ae = await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('ae-norm', '--method', 'ae', '--mask', 'otsu,none'),
      'wasm',
    ).catch((e) => e);
    expect(ae).toBeInstanceOf(LsslError);
    expect((ae as Error).message).toMatch(/tuned for lssl only/);
    const bad = await runCommand(
      tuneCommand as CommandModule,
      tuneArgs('bad', '--method', 'lssl', '--mask', 'otsu,brain'),
      'wasm',
    ).catch((e) => e);
    expect((bad as Error).message).toBe('--mask takes a comma list of otsu, mean, none, not "brain"');
  });
});
