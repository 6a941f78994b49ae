import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { maxWeightAssignment, minCostAssignment } from '../../src/labs/hungarian.js';
import { pythonJson } from '../eval/python-reference.js';

function permutations(n: number, m: number): number[][] {
  // every injective map of n rows into m columns
  const out: number[][] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === n) return void out.push(prefix);
    for (let j = 0; j < m; j++) if (!prefix.includes(j)) walk([...prefix, j]);
  };
  walk([]);
  return out;
}

function bruteForceMin(cost: number[][]): number {
  return Math.min(...permutations(cost.length, cost[0].length).map((p) => p.reduce((s, j, i) => s + cost[i][j], 0)));
}

describe('minCostAssignment', () => {
  it('solves a 3×3 case worked out by hand', () => {
    // rows → columns 1, 0, 2 costs 1 + 2 + 2 = 5; every other matching costs more
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const result = minCostAssignment(cost);
    expect(result.columnOfRow).toEqual([1, 0, 2]);
    expect(result.total).toBe(5);
  });

  it('matches brute force on random square and rectangular matrices', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + rng.int(6);
      const m = n + rng.int(3);
      const cost = Array.from({ length: n }, () =>
        Array.from({ length: m }, () => Math.round(rng.uniform(-5, 5) * 100) / 100),
      );
      const result = minCostAssignment(cost);
      expect(new Set(result.columnOfRow).size).toBe(n);
      expect(result.total).toBeCloseTo(bruteForceMin(cost), 9);
    }
  });

  it('matches scipy.optimize.linear_sum_assignment on 10×10 weights (maximise)', () => {
    const rng = createRng(12);
    const weights = Array.from({ length: 6 }, () =>
      Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => rng.next())),
    );
    const totals = pythonJson<number[]>(
      'import json, sys\nimport numpy as np\nfrom scipy.optimize import linear_sum_assignment\n' +
        'out = []\nfor w in json.load(sys.stdin):\n  w = np.array(w)\n  r, c = linear_sum_assignment(w, maximize=True)\n  out.append(float(w[r, c].sum()))\nprint(json.dumps(out))',
      weights,
    );
    weights.forEach((w, k) => expect(maxWeightAssignment(w).total).toBeCloseTo(totals[k], 10));
  });

  it('refuses more rows than columns and non-finite costs', () => {
    expect(() => minCostAssignment([[1], [2]])).toThrow(/rows ≤ columns/);
    expect(() => minCostAssignment([[NaN]])).toThrow(/finite/);
  });
});
