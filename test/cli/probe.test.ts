import type { CommandModule } from 'yargs';
import { runCommand } from './run-command.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProbe, probeCommand } from '../../cli/probe.js';
import { LsslError } from '../../src/errors.js';
import { syntheticCsv } from '../eval/synthetic-table.js';

const dir = mkdtempSync(join(tmpdir(), 'lssl-cli-probe-'));
const embeddings = join(dir, 'embeddings.csv');
writeFileSync(embeddings, syntheticCsv({ labelShift: 2, ageWeight: 2, seed: 12, subjects: 30 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `lssl probe ...` in this process and returns what it printed on stdout. */
const runProbe = (argv: string[]): Promise<string> =>
  runCommand(probeCommand as CommandModule, ['probe', ...argv], 'auto');

describe('lssl probe', () => {
  it('--json prints the docs/design.md object for a class target and --out writes per-fold rows', async () => {
    const out = join(dir, 'probe.csv');
    const result = JSON.parse(await runProbe([embeddings, '--target', 'diagnosis', '--json', '--out', out]));
    expect(result).toMatchObject({ target: 'diagnosis', folds: 5, kind: 'class', classes: ['AD', 'CN'] });
    for (const key of ['balanced_accuracy', 'auc', 'sensitivity', 'specificity']) {
      expect(typeof result[key]).toBe('number');
      expect(result.per_fold[key]).toHaveLength(5);
    }
    expect(result.balanced_accuracy).toBeGreaterThan(0.85);
    expect(Array.isArray(result.curve)).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(8);
    expect(lines[6].startsWith('diagnosis,z,mean,')).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('prints a readable summary for a numeric target', async () => {
    const text = await runProbe([embeddings, '--target', 'age', '--folds', '3']);
    expect(text).toMatch(/probe of 'age' from z features: 90 rows, 30 subjects, 3 folds by subject/);
    expect(text).toMatch(/ridge regression\n {2}mae {2}\d+\.\d{3} ± \d+\.\d{3}/);
  });

  it('formatProbe shows the confusion matrix with class names', async () => {
    const result = JSON.parse(await runProbe([embeddings, '--target', 'diagnosis', '--features', 'both', '--json']));
    expect(result.features).toBe('both');
    const text = formatProbe(result);
    expect(text).toMatch(/confusion \(rows true, columns predicted\)/);
    expect(text).toMatch(/\n {2}AD +\d+ +\d+\n {2}CN +\d+ +\d+\n/);
  });

  it('bad input is an exit-code-2 error naming the file', async () => {
    await expect(runProbe([embeddings, '--target', 'nothing'])).rejects.toThrow(/no column 'nothing'/);
    const error = await runProbe([join(dir, 'absent.csv'), '--target', 'age']).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect(error.exitCode).toBe(2);
    expect(error.file).toBe(join(dir, 'absent.csv'));
    await expect(runProbe([embeddings])).rejects.toThrow(/target/);
  });
});
