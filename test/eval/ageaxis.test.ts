import { describe, expect, it } from 'vitest';
import { brainAgeAxis } from '../../src/eval/ageaxis.js';
import { parseEmbeddingsCsv } from '../../src/eval/embeddings-csv.js';
import { welchTTest } from '../../src/math/stats.js';
import { syntheticTable } from './synthetic-table.js';

describe('brainAgeAxis', () => {
  it('hand-worked: tau_proj = age/10 exactly, AD progressing twice as fast in tau', () => {
    // CN subjects: tau = age/10 → rate 0.1/yr. AD subjects: tau at the second visit is
    // 0.2/yr above the first, so their rates are 0.2 and 0.25.
    const csv = `subject,session,age,diagnosis,z0,tau_proj
c1,1,60,CN,0,6
c1,2,62,CN,0,6.2
c2,1,70,CN,0,7
c2,2,71,CN,0,7.1
c3,1,65,CN,0,6.5
c3,2,69,CN,0,6.9
a1,1,72,AD,0,7.2
a1,2,74,AD,0,7.6
a2,1,66,AD,0,6.6
a2,2,68,AD,0,7.1
`;
    const result = brainAgeAxis(parseEmbeddingsCsv(csv, 'axis.csv'), { folds: 5 });
    expect(result.n_pairs).toBe(5);
    expect(result.label).toBe('diagnosis');
    const ad = result.per_label.find((l) => l.label === 'AD')!;
    const cn = result.per_label.find((l) => l.label === 'CN')!;
    expect(ad.rate_mean).toBeCloseTo(0.225, 12);
    expect(cn.rate_mean).toBeCloseTo(0.1, 12);
    expect(cn.rate_sd).toBeCloseTo(0, 12);
    expect(ad.n_scans).toBe(4);
    expect(result.rate_tests).toHaveLength(1);
    const expected = welchTTest([0.2, 0.25], [0.1, 0.1, 0.1]);
    expect(result.rate_tests[0]).toMatchObject({ a: 'AD', b: 'CN' });
    expect(result.rate_tests[0].t).toBeCloseTo(expected.t, 10);
    expect(result.rate_tests[0].p).toBeCloseTo(expected.p, 10);
    // Δtau vs Δage: (0.2,2) (0.1,1) (0.4,4) (0.4,2) (0.5,2)
    const dTau = [0.2, 0.1, 0.4, 0.4, 0.5];
    const dAge = [2, 1, 4, 2, 2];
    const mx = dTau.reduce((a, b) => a + b) / 5;
    const my = dAge.reduce((a, b) => a + b) / 5;
    const sxy = dTau.reduce((s, x, i) => s + (x - mx) * (dAge[i] - my), 0);
    const sxx = dTau.reduce((s, x) => s + (x - mx) ** 2, 0);
    const syy = dAge.reduce((s, y) => s + (y - my) ** 2, 0);
    expect(result.r_dtau_dage).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 10);
    // every scan appears once with an out-of-fold prediction and gap = predicted − age
    expect(result.scans).toHaveLength(10);
    result.scans.forEach((s) => expect(s.gap).toBeCloseTo(s.predicted_age - s.age, 12));
  });

  it('a noiseless tau_proj = age/10 gives r = 1, a slope of 10 and zero MAE', () => {
    const lines = ['subject,session,age,z0,tau_proj'];
    for (let s = 0; s < 6; s++)
      for (let v = 0; v < 2; v++) lines.push(`s${s},${v},${60 + 3 * s + v},0,${(60 + 3 * s + v) / 10}`);
    const result = brainAgeAxis(parseEmbeddingsCsv(lines.join('\n'), 'exact.csv'));
    expect(result.label).toBeNull();
    expect(result.r_tau_age).toBeCloseTo(1, 12);
    expect(result.slope).toBeCloseTo(10, 9);
    expect(result.age_mae).toBeLessThan(1e-9);
    expect(result.per_label).toEqual([]);
  });

  it('on a synthetic cohort: tracks age and separates the faster-progressing label', () => {
    const table = syntheticTable({
      subjects: 40,
      visits: 3,
      tauPerYear: 0.1,
      tauAdExtra: 0.1,
      tauNoise: 0.02,
      seed: 9,
    });
    const result = brainAgeAxis(table);
    expect(result.r_tau_age).toBeGreaterThan(0.95);
    // Δage spans only 1–1.5 years per pair and AD's rate differs, so this r is moderate
    expect(result.r_dtau_dage).toBeGreaterThan(0.3);
    expect(result.age_mae).toBeLessThan(2);
    const ad = result.per_label.find((l) => l.label === 'AD')!;
    const cn = result.per_label.find((l) => l.label === 'CN')!;
    expect(ad.rate_mean!).toBeGreaterThan(cn.rate_mean! + 0.05);
    expect(result.rate_tests[0].p!).toBeLessThan(1e-6);
    expect(result.per_fold_mae).toHaveLength(5);
  });

  it('needs tau_proj', () => {
    const table = parseEmbeddingsCsv('subject,session,age,z0\na,1,60,0\n', 'no-tau.csv');
    expect(() => brainAgeAxis(table)).toThrow(/needs a tau_proj column/);
  });
});
