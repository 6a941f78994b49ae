import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { CommandModule } from 'yargs';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCommand } from '../../cli/compare.js';
import { LsslError } from '../../src/errors.js';
import { runCommand } from './run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'lssl-cli-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUBJECTS = 20;
const diagnosis = (s: number) => (s % 2 === 0 ? 'AD' : 'CN');

/**
 * Two visits per subject, AD on even subjects. `separates`: z0 = ±3 by diagnosis (a linear
 * probe is right on every scan); otherwise z0 follows (s >> 1) % 2, a pattern that carries
 * no information on diagnosis (as many AD as CN on each side), so the probe is at chance.
 */
function embeddingsCsv(separates: boolean, subjects = SUBJECTS): string {
  const lines = ['subject,session,age,diagnosis,z0,z1'];
  for (let s = 0; s < subjects; s++) {
    for (let v = 0; v < 2; v++) {
      const wobble = ((s * 7 + v * 3) % 5) / 50;
      const z0 = separates ? (diagnosis(s) === 'AD' ? 3 : -3) + wobble : ((s >> 1) % 2) * 2 - 1 + wobble;
      lines.push([`sub-${s}`, `ses-${v + 1}`, 70 + s / 4 + v, diagnosis(s), z0, (s % 3) - 1 + wobble].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

function runFolder(name: string, method: string, seed: number, csv: string): string {
  const run = join(dir, name);
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'config.json'), JSON.stringify({ format: 'lssl-run', method, training: { seed } }));
  writeFileSync(join(run, 'embeddings.csv'), csv);
  return run;
}

const good = join(dir, 'good.csv');
const chance = join(dir, 'chance.csv');
writeFileSync(good, embeddingsCsv(true));
writeFileSync(chance, embeddingsCsv(false));

const runCompare = (argv: string[]) => runCommand(compareCommand as CommandModule, ['compare', ...argv]);
const FAST = ['--resamples', '999'];

async function expectInputError(argv: string[], message: RegExp): Promise<void> {
  const error = await runCompare(argv).catch((e) => e);
  expect(error).toBeInstanceOf(LsslError);
  expect((error as LsslError).exitCode).toBe(2);
  expect((error as Error).message).toMatch(message);
}

describe('lssl compare', () => {
  it('a method that separates the classes against one at chance: positive difference, small p', async () => {
    const out = join(dir, 'out');
    const text = await runCompare([
      good,
      chance,
      '--labels',
      'lssl,ae',
      '--target',
      'diagnosis',
      '--folds',
      '4',
      '--out',
      out,
      ...FAST,
    ]);
    const line = text.split('\n').find((l) => l.startsWith('lssl vs ae: ') && l.includes('balanced accuracy'));
    expect(line).toBeDefined();
    // lssl is right on every scan (balanced accuracy 1); ae is at chance, so lssl − ae is about ½
    const [, diff, low, high, p] = /: \+(\d\.\d\d) balanced accuracy \[(-?\d\.\d\d), (\d\.\d\d)\], p [=<] (\S+)/.exec(
      line!,
    )!;
    expect(Number(diff)).toBeGreaterThan(0.3);
    expect(Number(low)).toBeGreaterThan(0);
    expect(Number(high)).toBeLessThanOrEqual(1);
    expect(Number(p)).toBeLessThan(0.01);
    expect(readFileSync(join(out, 'verdict.txt'), 'utf8')).toContain(line!);
    const rows = Papa.parse<Record<string, string>>(readFileSync(join(out, 'compare.csv'), 'utf8').trim(), {
      header: true,
    }).data;
    const lssl = rows.find((r) => r.method === 'lssl' && r.metric === 'balanced_accuracy')!;
    expect(Number(lssl.mean)).toBeCloseTo(1, 12);
    expect(Number(lssl.n_subjects)).toBe(SUBJECTS);
    const ae = rows.find((r) => r.method === 'ae' && r.metric === 'balanced_accuracy' && r.reference === 'lssl')!;
    expect(Number(ae.diff)).toBeCloseTo(Number(ae.mean) - 1, 12);
    expect(Number(ae.p_value)).toBeLessThan(0.01);
    expect(Number(ae.ci_low)).toBeLessThanOrEqual(Number(ae.mean));
    expect(Number(ae.ci_high)).toBeGreaterThanOrEqual(Number(ae.mean));
  });

  it('run folders: method and seed from config.json, seeds pooled; --json prints one object', async () => {
    const runs = [
      runFolder('lssl-0', 'lssl', 0, embeddingsCsv(true)),
      runFolder('lssl-1', 'lssl', 1, embeddingsCsv(true)),
      runFolder('none-0', 'none', 0, embeddingsCsv(false)),
      runFolder('none-1', 'none', 1, embeddingsCsv(false)),
    ];
    const result = JSON.parse(await runCompare([...runs, '--target', 'diagnosis', '--folds', '4', '--json', ...FAST]));
    expect(result.methods).toEqual(['lssl', 'none']);
    expect(result.seeds).toEqual([0, 1]);
    expect(result.references).toEqual(['lssl', 'none']);
    const ba = result.metrics.find((m: { method: string; metric: string }) => m.method === 'lssl')!;
    expect(ba).toMatchObject({ metric: 'balanced_accuracy', nSeeds: 2, nSubjects: SUBJECTS });
    expect(ba.estimate).toBeCloseTo(1, 12);
    expect(result.verdict[0]).toMatch(/^lssl vs none: \+0\.\d\d balanced accuracy/);
  });

  it('clear exit-2 errors for runs that cannot be paired', async () => {
    const fewer = join(dir, 'fewer.csv');
    writeFileSync(fewer, embeddingsCsv(true, SUBJECTS - 2));
    await expectInputError(
      [good, fewer, '--labels', 'lssl,ae', '--target', 'diagnosis'],
      /other subjects.*missing: sub-18, sub-19/,
    );
    await expectInputError(
      [good, chance, good, '--labels', 'lssl:0,ae:0,lssl:1', '--target', 'diagnosis'],
      /method ae has seeds 0 but lssl has 0, 1/,
    );
    await expectInputError([good, chance, '--labels', 'lssl,lssl', '--target', 'diagnosis'], /both method lssl seed 0/);
    await expectInputError([good, chance, '--labels', 'lssl,ae', '--target', 'grade'], /no column 'grade'/);
    await expectInputError([good, chance, '--target', 'diagnosis'], /--labels METHOD/);
    await expectInputError([good, chance, '--labels', 'lssl', '--target', 'diagnosis'], /1 label\(s\) for 2 input/);
    await expectInputError([good, join(dir, 'nope'), '--labels', 'a,b', '--target', 'diagnosis'], /no such/);
    await expectInputError([good, '--labels', 'lssl', '--target', 'diagnosis'], /at least two/);
    await expectInputError(
      [good, chance, '--labels', 'lssl,ae', '--target', 'diagnosis', '--reference', 'vae'],
      /reference method vae has no runs/,
    );
  });
});
