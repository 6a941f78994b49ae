import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulateCohort } from '../../src/sim/simulate.js';
import { afterAll, describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { loadCohort, type Cohort } from '../../src/io/cohort.js';
import { SMALL_COHORT, bidsImagePath, tempFolder, writeBids, writeFile, writeManifest } from './cohort-fixtures.js';

const folders: string[] = [];
function folder(): string {
  const f = tempFolder();
  folders.push(f);
  return f;
}
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** The error a load must end with: an LsslError naming `file` (and `row` when given). */
async function expectInputError(
  load: Promise<unknown>,
  message: RegExp,
  file: string,
  row?: number,
): Promise<LsslError> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LsslError);
  const e = error as LsslError;
  expect(e.message).toMatch(message);
  expect(e.file).toBe(file);
  if (row !== undefined) expect(e.row).toBe(row);
  expect(e.exitCode).toBe(2);
  return e;
}

function manifestFile(root: string, lines: string[], name = 'cohort.csv'): string {
  return writeFile(join(root, name), `${lines.join('\n')}\n`);
}

describe('loadCohort from BIDS', () => {
  const root = writeBids(folder(), SMALL_COHORT);

  it('reads subjects, sessions sorted by age, covariates and absolute paths', async () => {
    const cohort = await loadCohort(root);
    expect(cohort.kind).toBe('bids');
    expect(cohort.subjects.map((s) => s.id)).toEqual(['01', '02', '10']);
    const s02 = cohort.subjects[1];
    expect(s02.scans.map((s) => [s.session, s.age])).toEqual([
      ['m00', 80],
      ['m12', 81],
    ]);
    expect(s02.covariates).toEqual({ sex: 'M', diagnosis: 'AD' });
    expect(s02.scans[0].path).toBe(bidsImagePath(root, '02', 'm00'));
    expect(s02.scans[0].covariates).toEqual({ sex: 'M', diagnosis: 'AD' });
  });

  it('warns about single-visit subjects, which yield no pair', async () => {
    const cohort = await loadCohort(root);
    expect(cohort.warnings).toHaveLength(1);
    expect(cohort.warnings[0].message).toMatch(/subject 10 has a single scan/);
    expect(cohort.warnings[0].file).toBe(join(root, 'sub-10', 'sub-10_sessions.tsv'));
    expect(cohort.warnings[0].row).toBe(2);
  });

  it('gives the same cohort as the equivalent manifest (sub- prefixes, quotes, NA)', async () => {
    const bids = await loadCohort(root);
    const manifest = await loadCohort(writeManifest(join(folder(), 'lists', 'cohort.csv'), root, SMALL_COHORT));
    expect(manifest.kind).toBe('manifest');
    expect(manifest.subjects).toEqual(bids.subjects);
  });

  it('keeps per-session columns on scans and only constant ones on the subject', async () => {
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: { sex: 'F' },
        scans: [
          { session: '1', age: 60, extra: { diagnosis: 'CN', mmse: '29' } },
          { session: '2', age: 62, extra: { diagnosis: 'MCI', mmse: 'n/a' } },
        ],
      },
    ]);
    const [subject] = (await loadCohort(r)).subjects;
    expect(subject.covariates).toEqual({ sex: 'F' });
    expect(subject.scans.map((s) => s.covariates)).toEqual([
      { sex: 'F', diagnosis: 'CN', mmse: 29 },
      { sex: 'F', diagnosis: 'MCI', mmse: null },
    ]);
  });

  it('picks one of several T1w runs by the documented rule and warns', async () => {
    const r = writeBids(folder(), [
      {
        id: 'x',
        covariates: {},
        scans: [
          { session: '1', age: 50 },
          { session: '2', age: 51 },
        ],
      },
    ]);
    writeFile(bidsImagePath(r, 'x', '1', '_run-2'), 'x');
    writeFile(bidsImagePath(r, 'x', '1', '_run-1'), 'x');
    const first = await loadCohort(r);
    expect(first.subjects[0].scans[0].path).toBe(bidsImagePath(r, 'x', '1'));
    expect(first.warnings[0].message).toMatch(/3 T1w images in one session/);
    expect((await loadCohort(r, { run: 'last' })).subjects[0].scans[0].path).toBe(bidsImagePath(r, 'x', '1', '_run-2'));
    expect((await loadCohort(r, { run: 1 })).subjects[0].scans[0].path).toBe(bidsImagePath(r, 'x', '1', '_run-1'));
    await expectInputError(loadCohort(r, { run: 7 }), /no T1w image with run-7/, join(r, 'sub-x', 'ses-1', 'anat'));
  });

  it('reads a single-session BIDS subject (no ses- folder) with its age from participants.tsv', async () => {
    const r = folder();
    writeFile(join(r, 'participants.tsv'), 'participant_id\tage\tsex\nsub-s1\t70.5\tF\n');
    const image = writeFile(join(r, 'sub-s1', 'anat', 'sub-s1_T1w.nii'), 'x');
    const cohort = await loadCohort(r);
    expect(cohort.subjects[0].scans).toEqual([
      { subject: 's1', session: '', age: 70.5, path: image, covariates: { age: 70.5, sex: 'F' } },
    ]);
  });

  it('skips a listed session without an image, with a warning, when images are not required', async () => {
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: {},
        scans: [
          { session: '1', age: 60 },
          { session: '2', age: 61 },
          { session: '3', age: 62 },
        ],
      },
    ]);
    rmSync(bidsImagePath(r, 'a', '3'));
    const cohort = await loadCohort(r, { requireImages: false });
    expect(cohort.subjects[0].scans.map((s) => s.session)).toEqual(['1', '2']);
    expect(cohort.warnings).toEqual([
      { message: 'no T1w image for session 3; skipped', file: join(r, 'sub-a', 'sub-a_sessions.tsv'), row: 4 },
    ]);
  });

  it('requires an age row for every session that has an image', async () => {
    const r = writeBids(folder(), [{ id: 'a', covariates: {}, scans: [{ session: '1', age: 60 }] }]);
    writeFile(bidsImagePath(r, 'a', '2'), 'x');
    await expectInputError(
      loadCohort(r),
      /session ses-2 has a T1w image but no row here, so its age is missing/,
      join(r, 'sub-a', 'sub-a_sessions.tsv'),
    );
  });

  it('reads ages from another column when asked', async () => {
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: {},
        scans: [
          { session: '1', age: 60, extra: { age_at_scan: '61' } },
          { session: '2', age: 62, extra: { age_at_scan: '63' } },
        ],
      },
    ]);
    const cohort = await loadCohort(r, { ageColumn: 'age_at_scan' });
    expect(cohort.subjects[0].scans.map((s) => s.age)).toEqual([61, 63]);
  });
});

describe('loadCohort from a manifest', () => {
  it('copes with BOM, CRLF, blank lines, spaces around names, TSV and renamed columns', async () => {
    const root = writeBids(folder(), SMALL_COHORT);
    const rows = [
      '\uFEFF Subject \t visit \t years \t file \t group ',
      ...SMALL_COHORT.flatMap((s) =>
        s.scans.map(
          (scan) =>
            ` ${s.id} \t ${scan.session}\t${scan.age}\t${bidsImagePath(root, s.id, scan.session)}\t${s.covariates.diagnosis}`,
        ),
      ),
      '',
      '',
    ];
    const file = writeFile(join(folder(), 'm.tsv'), rows.join('\r\n'));
    const cohort = await loadCohort(file, {
      columns: { subject: 'subject', session: 'visit', age: 'years', path: 'file' },
    });
    expect(cohort.subjects.map((s) => [s.id, s.scans.length, s.covariates.group])).toEqual([
      ['01', 3, 'CN'],
      ['02', 2, 'AD'],
      ['10', 1, 'MCI'],
    ]);
  });

  it('parses numeric covariates as numbers and n/a, NA and blanks as missing', async () => {
    const f = folder();
    writeFile(join(f, 'a.nii'), 'x');
    writeFile(join(f, 'b.nii'), 'x');
    writeFile(join(f, 'c.nii'), 'x');
    const file = manifestFile(f, [
      'subject,session,age,path,mmse,site,apoe',
      '1,1,60,a.nii,29,A,n/a',
      '1,2,61,b.nii,NA,B,1',
      '2,1,70,c.nii,,"C, north",2',
    ]);
    const scans = (await loadCohort(file)).subjects.flatMap((s) => s.scans.map((x) => x.covariates));
    expect(scans).toEqual([
      { mmse: 29, site: 'A', apoe: null },
      { mmse: null, site: 'B', apoe: 1 },
      { mmse: null, site: 'C, north', apoe: 2 },
    ]);
  });

  it('loads the table alone when images are not required', async () => {
    const file = manifestFile(folder(), ['subject,session,age,path', 's1,1,60,missing.nii', 's1,2,61,missing2.nii']);
    const cohort = await loadCohort(file, { requireImages: false });
    expect(cohort.subjects[0].scans).toHaveLength(2);
  });
});

describe('validation errors name the file and the row', () => {
  const f = folder();
  writeFile(join(f, 'a.nii'), 'x');
  writeFile(join(f, 'b.nii'), 'x');

  it('missing image (manifest)', async () => {
    const file = manifestFile(f, ['subject,session,age,path', '1,1,60,a.nii', '1,2,61,gone.nii'], 'missing.csv');
    await expectInputError(loadCohort(file), /image not found: .*gone\.nii/, file, 3);
  });

  it('missing image (BIDS sessions.tsv row without a T1w)', async () => {
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: {},
        scans: [
          { session: '1', age: 60 },
          { session: '2', age: 61 },
        ],
      },
    ]);
    rmSync(bidsImagePath(r, 'a', '2'));
    await expectInputError(loadCohort(r), /image not found/, join(r, 'sub-a', 'sub-a_sessions.tsv'), 3);
  });

  it('duplicate subject/session', async () => {
    const file = manifestFile(f, ['subject,session,age,path', 'sub-1,1,60,a.nii', '1,ses-1,61,b.nii'], 'dup.csv');
    const e = await expectInputError(
      loadCohort(file),
      /duplicate scan for subject 1 session 1 \(first at .*dup\.csv:2\)/,
      file,
      3,
    );
    expect(e.describe()).toBe(`${e.message} (${file}:3)`);
  });

  it('duplicate session rows in a BIDS sessions.tsv', async () => {
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: {},
        scans: [
          { session: '1', age: 60 },
          { session: '1', age: 61 },
        ],
      },
    ]);
    await expectInputError(
      loadCohort(r),
      /duplicate scan for subject a session 1/,
      join(r, 'sub-a', 'sub-a_sessions.tsv'),
      3,
    );
  });

  it('age missing', async () => {
    const file = manifestFile(f, ['subject,session,age,path', '1,1,60,a.nii', '1,2,n/a,b.nii'], 'noage.csv');
    await expectInputError(loadCohort(file), /age is missing/, file, 3);
    const r = writeBids(folder(), [
      {
        id: 'a',
        covariates: {},
        scans: [
          { session: '1', age: 'n/a' },
          { session: '2', age: 61 },
        ],
      },
    ]);
    await expectInputError(loadCohort(r), /age is missing/, join(r, 'sub-a', 'sub-a_sessions.tsv'), 2);
  });

  it('age not a number', async () => {
    const file = manifestFile(f, ['subject,session,age,path', '1,1,60,a.nii', '1,2,sixty-one,b.nii'], 'textage.csv');
    await expectInputError(loadCohort(file), /age must be a number of years, not "sixty-one"/, file, 3);
  });

  it('two scans of one subject at the same age', async () => {
    const file = manifestFile(f, ['subject,session,age,path', '1,1,60.5,a.nii', '', '1,2,60.5,b.nii'], 'sameage.csv');
    await expectInputError(loadCohort(file), /subject 1 has two scans at the same age 60\.5/, file, 4);
  });

  it('unknown column requested', async () => {
    const file = manifestFile(f, ['subject,session,age,path', '1,1,60,a.nii'], 'cols.csv');
    await expectInputError(
      loadCohort(file, { columns: { age: 'age_years' } }),
      /age column "age_years" is not in the header \(columns: subject, session, age, path\)/,
      file,
      1,
    );
    const r = writeBids(folder(), SMALL_COHORT.slice(0, 1));
    await expectInputError(
      loadCohort(r, { ageColumn: 'scan_age' }),
      /age column "scan_age" is not in the header/,
      join(r, 'sub-01', 'sub-01_sessions.tsv'),
      1,
    );
  });

  it('a source that does not exist, and a folder that is not BIDS', async () => {
    await expectInputError(loadCohort(join(f, 'nope.csv')), /does not exist/, join(f, 'nope.csv'));
    await expectInputError(loadCohort(folder()), /not a BIDS folder/, folders[folders.length - 1]);
  });
});

describe('a simulated cohort', () => {
  it('loads the same as BIDS and as a TSV manifest built from its files by hand', async () => {
    const out = join(folder(), 'phantom');
    const sim = await simulateCohort({ out, subjects: 4, visits: 2, shape: 16, seed: 5 });
    const rowsOf = (file: string) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('\t'));
    const [, ...participants] = rowsOf(join(out, 'participants.tsv'));
    const lines = ['subject\tsession\tage\tpath\tsex\tdiagnosis'];
    for (const file of sim.files) {
      const [sub, ses] = file.split('/');
      const age = rowsOf(join(out, sub, `${sub}_sessions.tsv`)).find((r) => r[0] === ses)![1];
      const [, sex, diagnosis] = participants.find((p) => p[0] === sub)!;
      lines.push([sub, ses, age, join('phantom', file), sex, diagnosis].join('\t'));
    }
    const manifest = writeFile(join(out, '..', 'phantom.tsv'), `${lines.join('\n')}\n`);
    const bids = await loadCohort(out);
    expect(bids.subjects).toHaveLength(4);
    expect(bids.subjects.every((s) => s.scans.length === 2)).toBe(true);
    expect((await loadCohort(manifest)).subjects).toEqual(bids.subjects);
  });
});

describe('loadCohort output is plain data', () => {
  it('survives a JSON round trip unchanged', async () => {
    const cohort: Cohort = await loadCohort(writeBids(folder(), SMALL_COHORT));
    expect(JSON.parse(JSON.stringify(cohort))).toEqual(cohort);
  });
});
