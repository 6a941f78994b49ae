import type { CommandModule } from 'yargs';
import { runCommand } from './run-command.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finetuneCommand } from '../../cli/finetune.js';
import { initBackend } from '../../src/backend/select.js';
import { LsslError } from '../../src/errors.js';
import { readFinetuneCsv } from '../../src/eval/report/run.js';
import { simulateCohort } from '../../src/sim/simulate.js';
import { writeNoneRun } from '../eval/finetune/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-cli-finetune-'));
const source = join(root, 'phantom');
const runDir = join(root, 'none');
const cache = join(root, 'cache');

/** Runs `lssl finetune ...` in this process and returns what it printed on stdout. */
const runFinetune = (argv: string[]): Promise<string> =>
  runCommand(finetuneCommand as CommandModule, ['finetune', ...argv], 'wasm');

beforeAll(async () => {
  await initBackend('wasm');
  await simulateCohort({ out: source, subjects: 8, visits: 2, seed: 3, shape: 28 });
  await writeNoneRun(runDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lssl finetune', () => {
  it('--json prints the result and writes RUN/finetune-<target>.csv from the preprocessed cache', async () => {
    const printed = await runFinetune([
      runDir,
      source,
      '--target',
      'sex',
      '--folds',
      '2',
      '--epochs',
      '2',
      '--batch',
      '4',
      '--cache',
      cache,
      '--json',
    ]);
    const result = JSON.parse(printed);
    const out = join(runDir, 'finetune-sex.csv');
    expect(result).toMatchObject({
      target: 'sex',
      kind: 'class',
      method: 'none',
      folds: 2,
      epochs: 2,
      out,
      n_scans: 16,
      n_subjects: 8,
    });
    expect(result.history).toBeUndefined();
    expect(result.per_fold.balanced_accuracy).toHaveLength(2);
    expect(result.convergence.test.curve).toHaveLength(2);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1 + 2 * 2 * 3);
    const curve = readFinetuneCsv(out);
    expect(new Set(curve.points.map((p) => p.split))).toEqual(new Set(['train', 'validation', 'test']));
  });

  it('a target that is not a column is a usage error (exit code 2)', async () => {
    const error = await runFinetune([
      runDir,
      source,
      '--target',
      'nope',
      '--folds',
      '2',
      '--epochs',
      '1',
      '--cache',
      cache,
    ]).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/no column 'nope'/);
  });
});
