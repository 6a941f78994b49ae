import type { CommandModule } from 'yargs';
import { runCommand } from './run-command.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commaList, reportCommand } from '../../cli/report.js';
import { makeFakeRun } from '../eval/report/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'lssl-cli-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lssl = makeFakeRun(join(dir, 'lssl'), {
  method: 'lssl',
  tau: true,
  embeddings: { subjects: 15, visits: 2, dim: 3, seed: 1, adRate: 2 },
});
const ae = makeFakeRun(join(dir, 'ae'), { method: 'ae', embeddings: { subjects: 15, visits: 2, dim: 3, seed: 2 } });

/** Runs `lssl report ...` in this process and returns what it printed on stdout. */
const runReport = (argv: string[]): Promise<string> =>
  runCommand(reportCommand as CommandModule, ['report', ...argv], 'auto');

describe('lssl report', () => {
  it('writes the three files for several runs and says where they are', async () => {
    const out = join(dir, 'out');
    const text = await runReport([
      lssl,
      ae,
      '--out',
      out,
      '--targets',
      'diagnosis',
      '--features',
      'delta',
      '--folds',
      '3',
    ]);
    expect(text).toContain('2 probe rows for 2 run(s); 4 plots');
    expect(text).toContain(`wrote ${join(out, 'report.html')}`);
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      'lssl,lssl,diagnosis,delta',
      'ae,ae,diagnosis,delta',
    ]);
  });

  it('--json prints the files and the summary rows', async () => {
    const result = JSON.parse(
      await runReport([
        ae,
        '--out',
        join(dir, 'json'),
        '--targets',
        'age',
        '--features',
        'z',
        '--folds',
        '3',
        '--json',
      ]),
    );
    expect(result.files.html).toBe(join(dir, 'json', 'report.html'));
    expect(result.summary).toHaveLength(1);
    expect(result.summary[0]).toMatchObject({ run: 'ae', target: 'age', features: 'z', kind: 'numeric' });
  });

  it('refuses bad feature names and slice options without --source', async () => {
    await expect(runReport([ae, '--out', join(dir, 'x'), '--features', 'z,deltas'])).rejects.toThrow(
      "--features takes a comma list of z, delta, both, not 'deltas'",
    );
    await expect(runReport([ae, '--out', join(dir, 'x'), '--alpha', '2'])).rejects.toThrow('go with --source');
    expect(commaList(' a, ,b ')).toEqual(['a', 'b']);
  });
});
