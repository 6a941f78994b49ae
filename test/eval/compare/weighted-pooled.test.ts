import { describe, expect, it } from 'vitest';
import type { ClassRun, NumericRun } from '../../../src/eval/compare/predictions.js';
import {
  pooledRows,
  splitDifference,
  weightedAuc,
  weightedR,
  weightsFromPicks,
} from '../../../src/eval/compare/weighted-pooled.js';
import { pearsonR, rocAuc } from '../../../src/eval/metrics.js';
import { createRng } from '../../../src/rng.js';

function randomClassRun(k: number, subjects: number, seed: number): ClassRun {
  const rng = createRng(seed);
  const rows = Array.from({ length: subjects * 2 }, (_, i) => {
    const truth = Math.floor(i / 2) % k;
    // rounded scores: plenty of ties
    const raw = Array.from({ length: k }, (_, c) => Math.round((rng.next() + (c === truth ? 0.4 : 0)) * 10) / 10);
    const total = raw.reduce((s, v) => s + v, 0) || 1;
    return { subject: `s${Math.floor(i / 2)}`, fold: 0, truth, predicted: 0, scores: raw.map((v) => v / total) };
  });
  return { kind: 'class', method: 'm', seed: 0, classes: Array.from({ length: k }, (_, c) => `c${c}`), rows };
}

/** the rows of the subjects in `picks`, repeats included, for metrics.ts */
function expand<T extends { subject: string }>(rows: T[], picks: number[]): T[] {
  return picks.flatMap((p) => rows.filter((r) => r.subject === `s${p}`));
}

describe('weighted pooled metrics', () => {
  for (const k of [2, 3]) {
    it(`AUC with subject multiplicities equals metrics.rocAuc on the repeated rows (${k} classes, ties)`, () => {
      const run = randomClassRun(k, 15, k);
      const subjects = Array.from({ length: 15 }, (_, i) => `s${i}`);
      const rows = pooledRows([run], subjects);
      const rng = createRng(10 + k);
      for (let trial = 0; trial < 20; trial++) {
        const picks = Array.from({ length: 15 }, () => rng.int(15));
        const expanded = expand(run.rows, picks);
        let expected: number;
        try {
          expected =
            k === 2
              ? rocAuc(
                  expanded.map((r) => r.truth),
                  expanded.map((r) => r.scores[1]),
                )
              : rocAuc(
                  expanded.map((r) => r.truth),
                  expanded.map((r) => r.scores),
                );
        } catch {
          expected = NaN; // a class drawn by no subject
        }
        const got = weightedAuc(rows, weightsFromPicks(rows, picks, 15));
        if (Number.isNaN(expected)) expect(got).toBeNaN();
        else expect(got).toBeCloseTo(expected, 13);
      }
    });
  }

  it('r with subject multiplicities equals metrics.pearsonR on the repeated rows', () => {
    const rng = createRng(5);
    const run: NumericRun = {
      kind: 'numeric',
      method: 'm',
      seed: 0,
      rows: Array.from({ length: 24 }, (_, i) => {
        const truth = 60 + rng.uniform(0, 20);
        return { subject: `s${i % 12}`, fold: 0, truth, predicted: truth + 4 * rng.normal() };
      }),
    };
    const subjects = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const rows = pooledRows([run], subjects);
    for (let trial = 0; trial < 20; trial++) {
      const picks = Array.from({ length: 12 }, () => rng.int(12));
      const expanded = expand(run.rows, picks);
      expect(weightedR(rows, weightsFromPicks(rows, picks, 12))).toBeCloseTo(
        pearsonR(
          expanded.map((r) => r.predicted),
          expanded.map((r) => r.truth),
        ),
        13,
      );
    }
    expect(weightedR(rows, new Float64Array(24))).toBeNaN();
  });

  it('splitDifference equals the difference of the two sides’ metrics computed apart', () => {
    const subjects = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const a = randomClassRun(3, 10, 1);
    const b = randomClassRun(3, 10, 2);
    const rows = pooledRows([a, b], subjects);
    const rng = createRng(3);
    for (let trial = 0; trial < 10; trial++) {
      const side = Uint8Array.from(rows.subject, () => (rng.next() < 0.5 ? 1 : 0));
      const weightsOf = (k: number) => Float64Array.from(side, (s) => (s === k ? 1 : 0));
      const expected = weightedAuc(rows, weightsOf(1)) - weightedAuc(rows, weightsOf(0));
      expect(splitDifference(rows, side, 'auc')).toBeCloseTo(expected, 14);
    }
  });

  it('splitDifference of r equals the difference of the two sides’ r computed apart', () => {
    const rng = createRng(7);
    const numeric = (method: string): NumericRun => ({
      kind: 'numeric',
      method,
      seed: 0,
      rows: Array.from({ length: 20 }, (_, i) => {
        const truth = 60 + rng.uniform(0, 20);
        return { subject: `s${i % 10}`, fold: 0, truth, predicted: truth + 5 * rng.normal() };
      }),
    });
    const rows = pooledRows(
      [numeric('a'), numeric('b')],
      Array.from({ length: 10 }, (_, i) => `s${i}`),
    );
    for (let trial = 0; trial < 10; trial++) {
      const side = Uint8Array.from(rows.subject, () => (rng.next() < 0.5 ? 1 : 0));
      const weightsOf = (k: number) => Float64Array.from(side, (s) => (s === k ? 1 : 0));
      expect(splitDifference(rows, side, 'r')).toBeCloseTo(
        weightedR(rows, weightsOf(1)) - weightedR(rows, weightsOf(0)),
        13,
      );
    }
  });
});
