import { describe, expect, it } from 'vitest';
import { modelVentricleVolume } from '../../src/sim/render.js';
import {
  BASELINE_AGE_RANGE,
  DIAGNOSES,
  RATE_MULTIPLIER,
  diagnosisOf,
  drawScans,
  drawSubject,
  visitAges,
} from '../../src/sim/subject.js';

describe('drawSubject', () => {
  it('is a pure function of (seed, index): the same subject whatever else is drawn', () => {
    const a = drawSubject(7, 3);
    drawSubject(7, 0);
    drawSubject(8, 3);
    expect(drawSubject(7, 3)).toEqual(a);
    expect(drawSubject(8, 3)).not.toEqual(a);
  });

  it('balances diagnoses: each block of three subjects is a permutation of CN, MCI, AD', () => {
    for (const seed of [0, 1, 2]) {
      for (let block = 0; block < 10; block++) {
        const labels = [0, 1, 2].map((i) => diagnosisOf(seed, 3 * block + i));
        expect([...labels].sort()).toEqual([...DIAGNOSES].sort());
      }
    }
  });

  it('draws baseline ages in 55–85 and atrophy rates ordered by diagnosis on average', () => {
    const subjects = Array.from({ length: 90 }, (_, i) => drawSubject(1, i));
    const meanRate: Record<string, number[]> = { CN: [], MCI: [], AD: [] };
    for (const s of subjects) {
      expect(s.baselineAge).toBeGreaterThanOrEqual(BASELINE_AGE_RANGE[0]);
      expect(s.baselineAge).toBeLessThanOrEqual(BASELINE_AGE_RANGE[1]);
      expect(s.rateMultiplier / RATE_MULTIPLIER[s.diagnosis]).toBeGreaterThan(Math.exp(-0.25 * 2.5) - 1e-9);
      expect(s.rateMultiplier / RATE_MULTIPLIER[s.diagnosis]).toBeLessThan(Math.exp(0.25 * 2.5) + 1e-9);
      meanRate[s.diagnosis].push(s.atrophyRate);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(meanRate.CN)).toBeLessThan(mean(meanRate.MCI));
    expect(mean(meanRate.MCI)).toBeLessThan(mean(meanRate.AD));
    expect(mean(meanRate.AD) / mean(meanRate.CN)).toBeGreaterThan(2.8);
  });
});

describe('visits', () => {
  it('spaces visits 0.5–3 years apart, and visit v does not depend on how many visits there are', () => {
    const s = drawSubject(0, 5);
    const five = visitAges(0, s, 5);
    expect(visitAges(0, s, 2)).toEqual(five.slice(0, 2));
    for (let v = 1; v < five.length; v++) {
      expect(five[v] - five[v - 1]).toBeGreaterThanOrEqual(0.5 - 0.011);
      expect(five[v] - five[v - 1]).toBeLessThanOrEqual(3 + 0.011);
    }
    const scans5 = drawScans(0, s, 5, 20);
    const scans2 = drawScans(0, s, 2, 20);
    expect(scans2[1].pose).toEqual(scans5[1].pose);
    expect(scans2[1].bias).toEqual(scans5[1].bias);
  });

  it('scales only the per-visit nuisances with `nuisance`: 0 leaves every visit at the subject pose, gain and bias, without noise', () => {
    const s = drawSubject(1, 3);
    const usual = drawScans(1, s, 3, 20);
    expect(drawScans(1, s, 3, 20, 1)).toEqual(usual);
    const clean = drawScans(1, s, 3, 20, 0);
    for (const [v, scan] of clean.entries()) {
      expect(scan.pose.rotationDeg).toEqual(s.rotationDeg);
      expect(scan.pose.translationMm).toEqual(s.translationU.map((t) => t * 20));
      expect(scan.gain).toBe(s.gain);
      expect(scan.bias).toEqual(s.bias);
      expect(scan.noiseSd).toBe(0);
      expect(scan.atrophy).toBe(usual[v].atrophy); // anatomy untouched
      expect(scan.age).toBe(usual[v].age);
    }
    // half the nuisance: half the misregistration about the subject pose
    const half = drawScans(1, s, 3, 20, 0.5);
    expect(half[1].pose.rotationDeg[0] - s.rotationDeg[0]).toBeCloseTo(
      (usual[1].pose.rotationDeg[0] - s.rotationDeg[0]) / 2,
      12,
    );
    expect(half[1].noiseSd).toBeCloseTo(usual[1].noiseSd / 2, 15);
  });

  it('scales the per-visit misregistration alone with `misregistration`, leaving gain, bias and noise as drawn', () => {
    const s = drawSubject(1, 3);
    const usual = drawScans(1, s, 3, 20);
    const moved = drawScans(1, s, 3, 20, 1, 10);
    for (const [v, scan] of moved.entries()) {
      for (let a = 0; a < 3; a++) {
        expect(scan.pose.rotationDeg[a] - s.rotationDeg[a]).toBeCloseTo(
          10 * (usual[v].pose.rotationDeg[a] - s.rotationDeg[a]),
          10,
        );
        expect(scan.pose.translationMm[a] - s.translationU[a] * 20).toBeCloseTo(
          10 * (usual[v].pose.translationMm[a] - s.translationU[a] * 20),
          10,
        );
      }
      expect(scan.gain).toBe(usual[v].gain);
      expect(scan.bias).toEqual(usual[v].bias);
      expect(scan.noiseSd).toBe(usual[v].noiseSd);
    }
  });

  it('accumulates atrophy linearly in age at the subject rate, from the baseline atrophy', () => {
    const s = drawSubject(2, 4);
    const scans = drawScans(2, s, 4, 20);
    expect(scans[0].atrophy).toBeCloseTo(s.baselineAtrophy, 12);
    for (const scan of scans)
      expect(scan.atrophy).toBeCloseTo(s.baselineAtrophy + s.atrophyRate * (scan.age - s.baselineAge), 12);
    // baseline atrophy: normal ageing since 55 (×e^{±0.75} at most) plus 2 years of excess disease atrophy
    const excess = 0.01 * (RATE_MULTIPLIER[s.diagnosis] - 1) * 2;
    const ageing = s.baselineAtrophy - excess;
    expect(ageing / (0.01 * (s.baselineAge - 55))).toBeGreaterThan(Math.exp(-0.75) - 1e-9);
    expect(ageing / (0.01 * (s.baselineAge - 55))).toBeLessThan(Math.exp(0.75) + 1e-9);
  });
});

describe('diagnosis in one scan versus in change', () => {
  it('separates AD from CN weakly at baseline (|d| < 1) and strongly in ventricle growth per year (d > 2)', () => {
    const baseline: Record<string, number[]> = { CN: [], AD: [] };
    const growth: Record<string, number[]> = { CN: [], AD: [] };
    for (let i = 0; i < 150; i++) {
      const s = drawSubject(0, i);
      if (s.diagnosis === 'MCI') continue;
      const [first, , last] = drawScans(0, s, 3, 40);
      const v0 = modelVentricleVolume(s.anatomy, first.atrophy, 40);
      const v2 = modelVentricleVolume(s.anatomy, last.atrophy, 40);
      baseline[s.diagnosis].push(v0);
      growth[s.diagnosis].push((v2 / v0 - 1) / (last.age - first.age));
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const variance = (v: number[]) => v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1);
    const cohen = (a: number[], b: number[]) => (mean(a) - mean(b)) / Math.sqrt((variance(a) + variance(b)) / 2);
    expect(Math.abs(cohen(baseline.AD, baseline.CN))).toBeLessThan(1);
    expect(cohen(growth.AD, growth.CN)).toBeGreaterThan(2);
  });
});
