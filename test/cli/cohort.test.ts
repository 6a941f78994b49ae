import type { CommandModule } from 'yargs';
import { runCommand } from './run-command.js';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNifti } from '../../src/io/nifti.js';
import { cohortCommand, parseColumns, parseRun } from '../../cli/cohort.js';
import { LsslError } from '../../src/errors.js';
import { SMALL_COHORT, bidsImagePath, tempFolder, writeBids } from '../io/cohort-fixtures.js';

// `lssl cohort` reads every image's header, so the images are small real NIfTI volumes
const images: string[] = [];
const root = writeBids(tempFolder(), SMALL_COHORT, (path) => {
  mkdirSync(dirname(path), { recursive: true });
  images.push(path);
});
beforeAll(async () => {
  const data = Float32Array.from({ length: 4 * 4 * 4 }, (_, i) => i % 7);
  const affine = [
    [2, 0, 0, 0],
    [0, 2, 0, 0],
    [0, 0, 2, 0],
    [0, 0, 0, 1],
  ];
  await Promise.all(images.map((path) => writeNifti(path, { data, shape: [4, 4, 4], affine })));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `lssl cohort ...` in this process and returns what it printed on stdout. */
const runCohort = (argv: string[]): Promise<string> =>
  runCommand(cohortCommand as CommandModule, ['cohort', ...argv], 'auto');

describe('lssl cohort', () => {
  it('--json prints one object with the summary', async () => {
    const summary = JSON.parse(await runCohort([root, '--json']));
    expect(summary).toMatchObject({
      kind: 'bids',
      subjects: 3,
      scans: 6,
      pairs: 4,
      visitsPerSubject: { min: 1, median: 2, max: 3 },
    });
    expect(summary.covariates.diagnosis.counts).toEqual({ AD: 1, CN: 1, MCI: 1 });
    expect(summary.warnings).toHaveLength(1);
  });

  it('prints a readable summary', async () => {
    const text = await runCohort([root]);
    expect(text).toContain(`cohort: ${root} (bids)`);
    expect(text).toContain('follow-up years: min 1, median 1.88, max 2.75');
  });

  it('ends with an input error naming the file and row', async () => {
    rmSync(bidsImagePath(root, '02', 'm12'));
    const error = await runCohort([root]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect((error as LsslError).describe()).toMatch(
      new RegExp(`image not found.*\\(${join(root, 'sub-02', 'sub-02_sessions.tsv')}:2\\)$`),
    );
  });

  it('parses --run', () => {
    expect(parseRun('last')).toBe('last');
    expect(parseRun('2')).toBe(2);
    expect(() => parseRun('second')).toThrow(/--run must be first, last or a run number, not 'second'/);
  });

  it('parses --columns', () => {
    expect(parseColumns('subject=RID, session = VISCODE')).toEqual({ subject: 'RID', session: 'VISCODE' });
    expect(parseColumns(undefined)).toEqual({});
    expect(() => parseColumns('diagnosis=DX')).toThrow(
      /--columns takes role=name pairs with roles subject, session, age, path, not 'diagnosis=DX'/,
    );
  });
});
