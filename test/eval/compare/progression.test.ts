import { describe, expect, it } from 'vitest';
import { progressionRates, olsSlope } from '../../../src/eval/compare/progression.js';
import { parseEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import { scipyJson } from '../../math/scipy-reference.js';
import { syntheticTable } from '../synthetic-table.js';

const HAND = `subject,session,age,diagnosis,z0,tau_proj
a,1,70,CN,0,1
a,2,71,CN,0,2
a,3,73,CN,0,4
b,1,60,AD,0,0
b,2,62,AD,0,1
c,1,65,AD,0,5
d,2,81,AD,0,3
d,1,80,AD,0,0
`;

describe('progressionRates', () => {
  it('slopes per subject by hand: a 1/yr, b ½/yr, d 3/yr; c (one visit) left out', () => {
    const rates = progressionRates(parseEmbeddingsCsv(HAND), { group: 'diagnosis', bootstrap: { resamples: 200 } });
    expect(rates.subjects.map((s) => [s.subject, s.group, s.visits, s.years])).toEqual([
      ['a', 'CN', 3, 3],
      ['b', 'AD', 2, 2],
      ['d', 'AD', 2, 1],
    ]);
    [1, 0.5, 3].forEach((rate, i) => expect(rates.subjects[i].rate).toBeCloseTo(rate, 14));
    expect(rates.singleVisit).toBe(1);
    const [ad, cn, all] = rates.groups;
    expect(ad).toMatchObject({ group: 'AD', n: 2 });
    expect(ad.mean).toBeCloseTo(1.75, 14);
    expect(ad.low!).toBeGreaterThanOrEqual(0.5);
    expect(ad.high!).toBeLessThanOrEqual(3);
    expect(cn).toMatchObject({ group: 'CN', n: 1, low: null, high: null, interval: null });
    expect(cn.mean).toBeCloseTo(1, 14);
    expect(all.group).toBe('');
    expect(all.mean).toBeCloseTo(1.5, 15);
  });

  it('refuses embeddings without tau_proj and visits at one age', () => {
    expect(() => progressionRates(parseEmbeddingsCsv('subject,session,age,z0\na,1,70,0\na,2,71,0\n'))).toThrow(
      /no tau_proj column/,
    );
    expect(() =>
      progressionRates(parseEmbeddingsCsv('subject,session,age,z0,tau_proj\na,1,70,0,1\na,2,70,0,2\n')),
    ).toThrow(/all its visits at age 70/);
  });

  it('separates AD from CN where the table plants a faster AD rate', () => {
    const table = syntheticTable({ subjects: 40, tauPerYear: 0.1, tauAdExtra: 0.3, tauNoise: 0.05, seed: 8 });
    const rates = progressionRates(table, { group: 'diagnosis', reference: 'CN', bootstrap: { resamples: 2000 } });
    const [ad, cn] = rates.groups;
    expect(ad.mean).toBeCloseTo(0.4, 1);
    expect(cn.mean).toBeCloseTo(0.1, 1);
    expect(cn.high!).toBeLessThan(ad.low!);
    expect(rates.differences).toHaveLength(1);
    const d = rates.differences[0];
    expect(d).toMatchObject({ group: 'AD', reference: 'CN', interval: 'bca' });
    expect(d.difference).toBeCloseTo(ad.mean - cn.mean, 14);
    expect(d.low).toBeGreaterThan(0.2);
    expect(d.high).toBeLessThan(0.4);
    expect(() => progressionRates(table, { group: 'diagnosis', reference: 'HC' })).toThrow(
      /reference group 'HC' has no subject/,
    );
  });

  it('slopes equal scipy.stats.linregress', () => {
    const table = syntheticTable({ subjects: 6, visits: 4, tauNoise: 0.3, seed: 9 });
    const rates = progressionRates(table);
    const points = rates.subjects.map((s) => {
      const rows = table.rows.filter((r) => r.subject === s.subject);
      return { x: rows.map((r) => r.age), y: rows.map((r) => r.tauProj!) };
    });
    const ref = scipyJson<number[]>(
      `from scipy import stats\nout = [float(stats.linregress(p['x'], p['y']).slope) for p in inp]`,
      points,
    );
    rates.subjects.forEach((s, i) => expect(s.rate).toBeCloseTo(ref[i], 12));
    expect(olsSlope([0, 1, 2], [1, 3, 5])).toBe(2);
  });
});
