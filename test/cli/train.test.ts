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

const root = mkdtempSync(join(tmpdir(), 'lssl-cli-train-'));
const source = join(root, 'phantom');
const cache = join(root, 'cache');
let runs = 0;

/** Runs `lssl train SOURCE --method M ...` for one tiny epoch; returns the run's config.json. */
async function trainRun(
  method: string,
  ...extra: string[]
  // biome-ignore lint/suspicious/noExplicitAny: config.json read back, fields checked by the assertions
): Promise<{ methodOptions: Record<string, any>; training: Record<string, any>; cohort: Record<string, any> }> {
  const out = join(root, `run-${runs++}`);
  const argv = [
    'train',
    source,
    '--method',
    method,
    '--out',
    out,
    '--shape',
    '16',
    '--epochs',
    '1',
    '--batch',
    '4',
    '--cache',
    cache,
    '--json',
    ...extra,
  ];
  await runCommand(trainCommand as CommandModule, argv, 'wasm');
  return JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
}

beforeAll(async () => {
  await initBackend('wasm');
  await simulateCohort({ out: source, subjects: 6, visits: 2, seed: 5, shape: 16 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lssl train', () => {
  it('lssl keeps its own defaults: tanh latent, no norm, PyTorch init, no augmentation', async () => {
    const config = await trainRun('lssl');
    expect(config.methodOptions.network).toMatchObject({ latentActivation: 'tanh', norm: 'none', init: 'pytorch' });
    // λ_recon 0.05, not the paper's 1 (src/lssl/lssl.ts says why); the paper preset restores 1
    expect(config.methodOptions).toMatchObject({ lambdaDir: 1, lambdaRecon: 0.05 });
    expect(config.training.augment).toBe(false);
  });

  it('contrastive methods augment by default and keep their encoder defaults (linear latent; batch norm for byol)', async () => {
    const simclr = await trainRun('simclr');
    expect(simclr.training.augment).toBe(true);
    expect(simclr.methodOptions.network).toMatchObject({ latentActivation: 'linear', norm: 'none' });
    const byol = await trainRun('byol', '--momentum-base', '0.99');
    expect(byol.methodOptions.network).toMatchObject({ latentActivation: 'linear', norm: 'batch' });
    expect(byol.methodOptions.momentumBase).toBe(0.99);
  });

  it('passes --positives visits, --temperature and explicit network options through', async () => {
    const config = await trainRun(
      'simclr',
      '--positives',
      'visits',
      '--temperature',
      '0.2',
      '--latent-activation',
      'tanh',
    );
    expect(config.methodOptions).toMatchObject({ positives: 'visits', temperature: 0.2 });
    expect(config.methodOptions.network.latentActivation).toBe('tanh');
  });

  it('supcon --drop-unlabelled with a column nobody has is a usage error naming the column', async () => {
    const error = await trainRun('supcon', '--label', 'handedness', '--drop-unlabelled').catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/'handedness' label/);
  });

  it('an option the method does not take is a usage error naming what it takes; the defaults do not trip it', async () => {
    const error = await trainRun('simclr', '--lambda-dir', '2').catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(
      /^simclr does not take lambdaDir; it takes network, positives, .*temperature$/,
    );
    const vae = await trainRun('vae');
    expect(vae.methodOptions).toMatchObject({ beta: 0.01, lambdaRecon: 1 });
  });

  it('--preset paper fills what was not given with the published setup; options given beside it win', async () => {
    const config = await trainRun('lssl', '--preset', 'paper', '--lambda-dir', '2');
    expect(config.training).toMatchObject({ learningRate: 1e-4, weightDecay: 1e-5, epochs: 1, batchSize: 4 });
    expect(config.methodOptions).toMatchObject({ lambdaDir: 2, lambdaRecon: 1 });
    expect(config.methodOptions.network).toMatchObject({ latentSize: 512, latentActivation: 'tanh' });
    const error = await trainRun('simclr', '--preset', 'paper').catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as Error).message).toBe('preset paper describes lssl, ae, vae, not simclr');
  });

  it('records the preprocessing it trained on; embed prepares scans the same way and refuses another', async () => {
    const config = await trainRun('ae', '--mask', 'otsu', '--normalize', 'zscore');
    expect(config.cohort.preprocessing).toEqual({
      spacing: null,
      normalize: 'zscore',
      mask: 'otsu',
      percentiles: [0.5, 99.5],
    });
    const run = join(root, `run-${runs - 1}`);
    const embed = (...extra: string[]) =>
      runCommand(
        embedCommand as CommandModule,
        ['embed', run, source, '--out', join(root, 'z.csv'), '--cache', cache, ...extra],
        'wasm',
      );
    // embed without options takes the run's settings: it finds the training's cache entries and builds none
    const entries = () => readdirSync(join(cache, 'entries'), { recursive: true }).length;
    const before = entries();
    await embed();
    expect(entries()).toBe(before);
    await embed('--mask', 'otsu');
    expect(readFileSync(join(root, 'z.csv'), 'utf8').split('\n')[0]).toMatch(/^subject,session,age,/);
    const error = await embed('--mask', 'none').catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/mask otsu, not none/);
    // the defaults are recorded too, so a later change of default cannot silently alter a run
    expect((await trainRun('ae')).cohort.preprocessing).toMatchObject({ normalize: 'zscore', mask: 'none' });
  });
});
