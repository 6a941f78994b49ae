import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCohort } from '../../src/io/cohort.js';
import { formatCohortSummary, spread, summarizeCohort } from '../../src/io/cohort-summary.js';
import { SMALL_COHORT, tempFolder, writeBids } from './cohort-fixtures.js';

const root = writeBids(tempFolder(), [
  ...SMALL_COHORT,
  {
    id: '11',
    covariates: { sex: 'n/a', diagnosis: 'CN' },
    scans: [
      { session: 'a', age: 60, extra: { mmse: '30' } },
      { session: 'b', age: 62, extra: { mmse: '27' } },
    ],
  },
]);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('summarizeCohort', () => {
  it('matches the hand count of the fixture', async () => {
    const s = summarizeCohort(await loadCohort(root));
    expect(s).toMatchObject({ subjects: 4, scans: 8, singleVisitSubjects: 1, age: { min: 60, max: 81 } });
    // visits 3, 2, 1, 2 → sorted 1 2 2 3; follow-up 2.75, 1, 2 → median 2.
    expect(s.visitsPerSubject).toEqual({ min: 1, median: 2, max: 3 });
    expect(s.followUpYears).toEqual({ min: 1, median: 2, max: 2.75 });
    // pairs: 3·2/2 + 1 + 0 + 1 = 5
    expect(s.pairs).toBe(5);
    expect(s.covariates.sex).toEqual({ kind: 'categorical', per: 'subject', counts: { F: 1, M: 2 }, missing: 1 });
    expect(s.covariates.diagnosis).toEqual({
      kind: 'categorical',
      per: 'subject',
      counts: { AD: 1, CN: 2, MCI: 1 },
      missing: 0,
    });
    // mmse only exists in sub-11's sessions: counted per scan, absent elsewhere = missing.
    expect(s.covariates.mmse).toEqual({ kind: 'numeric', per: 'scan', min: 27, max: 30, mean: 28.5, missing: 6 });
    expect(s.warnings.map((w) => w.message)).toEqual(['subject 10 has a single scan, so it yields no pair']);
    const text = formatCohortSummary(s).join('\n');
    expect(text).toContain('subjects: 4   scans: 8   pairs (every earlier/later visit): 5');
    expect(text).toContain('diagnosis (per subject): AD 1, CN 2, MCI 1');
    expect(text).toContain('mmse (per scan): 27 to 30, mean 28.5, 6 missing');
    expect(text).toMatch(/warnings \(1\):\n {2}subject 10 has a single scan.*sub-10_sessions\.tsv:2\)/);
  });

  it('takes medians of even and odd counts', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ min: 1, median: 2.5, max: 4 });
  });
});
