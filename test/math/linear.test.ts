import { describe, expect, it } from 'vitest';
import {
  applyStandardizer,
  choleskyInPlace,
  choleskySolve,
  fitRidge,
  fitRidgePath,
  fitStandardizer,
  rowSpaceProjector,
  matrixFromRows,
  predictLinear,
  ridgeConjugateGradient,
  selectRows,
} from '../../src/math/linear.js';
import { createRng } from '../../src/rng.js';
import { pythonJson } from '../eval/python-reference.js';

function randomMatrix(rows: number, cols: number, seed: number) {
  const rng = createRng(seed);
  return matrixFromRows(Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal())));
}

describe('standardisation', () => {
  it('uses the population sd and maps constant features to 0', () => {
    const x = matrixFromRows([
      [1, 5],
      [3, 5],
    ]);
    const s = fitStandardizer(x);
    expect(Array.from(s.mean)).toEqual([2, 5]);
    expect(Array.from(s.scale)).toEqual([1, 1]);
    expect(Array.from(applyStandardizer(s, x).data)).toEqual([-1, 0, 1, 0]);
    // applied to other rows with the training fold's statistics
    expect(Array.from(applyStandardizer(s, matrixFromRows([[4, 7]])).data)).toEqual([2, 2]);
  });

  it('selectRows picks rows in order', () => {
    const x = matrixFromRows([[1], [2], [3]]);
    expect(Array.from(selectRows(x, [2, 0]).data)).toEqual([3, 1]);
  });
});

describe('Cholesky', () => {
  it('solves a hand-worked 2×2 system', () => {
    // A = [[4, 2], [2, 3]], b = [2, 1] → x = A⁻¹b = [1/2, 0]
    const a = Float64Array.from([4, 2, 2, 3]);
    choleskyInPlace(a, 2);
    expect(a[0]).toBeCloseTo(2, 12);
    expect(a[2]).toBeCloseTo(1, 12);
    expect(a[3]).toBeCloseTo(Math.SQRT2, 12);
    const x = choleskySolve(a, 2, [2, 1]);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
    expect(() => choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('ridge regression', () => {
  it('with alpha 0 is ordinary least squares (hand-worked line)', () => {
    // y = 1 + 2x exactly
    const model = fitRidge(matrixFromRows([[0], [1], [2], [3]]), [1, 3, 5, 7], 0);
    expect(model.weights[0]).toBeCloseTo(2, 12);
    expect(model.intercept).toBeCloseTo(1, 12);
  });

  it('hand-worked one-feature ridge: w = Sxy / (Sxx + alpha)', () => {
    // x = [0,1,2,3]: Sxx = 5; y = [1,3,5,7]: Sxy = 10; alpha = 5 → w = 1, b = 4 − 1.5 = 2.5
    const model = fitRidge(matrixFromRows([[0], [1], [2], [3]]), [1, 3, 5, 7], 5);
    expect(model.weights[0]).toBeCloseTo(1, 12);
    expect(model.intercept).toBeCloseTo(2.5, 12);
  });

  it('primal and dual forms equal numpy’s normal-equation solution', () => {
    const cases = [
      { x: randomMatrix(30, 5, 1), alpha: 0.7 },
      { x: randomMatrix(8, 20, 2), alpha: 2.5 }, // more features than rows → dual form
    ];
    for (const { x, alpha } of cases) {
      const rng = createRng(9);
      const y = Array.from({ length: x.rows }, () => rng.normal() * 3 + 1);
      const model = fitRidge(x, y, alpha);
      const reference = pythonJson<{ w: number[]; b: number }>(
        `import json, sys, numpy as np
d = json.load(sys.stdin)
X = np.array(d['x']).reshape(d['rows'], d['cols']); y = np.array(d['y'])
Xc = X - X.mean(0); yc = y - y.mean()
w = np.linalg.solve(Xc.T @ Xc + d['alpha'] * np.eye(d['cols']), Xc.T @ yc)
print(json.dumps({'w': w.tolist(), 'b': float(y.mean() - X.mean(0) @ w)}))`,
        { x: Array.from(x.data), rows: x.rows, cols: x.cols, y, alpha },
      );
      reference.w.forEach((w, j) => expect(model.weights[j]).toBeCloseTo(w, 9));
      expect(model.intercept).toBeCloseTo(reference.b, 9);
      const cg = ridgeConjugateGradient(x, y, alpha);
      reference.w.forEach((w, j) => expect(cg.weights[j]).toBeCloseTo(w, 7));
      expect(Array.from(predictLinear(cg, x)).map((v) => v.toFixed(5))).toEqual(
        Array.from(predictLinear(model, x)).map((v) => v.toFixed(5)),
      );
    }
  });

  it('conjugate gradients report each iteration', () => {
    const x = randomMatrix(20, 4, 3);
    const y = Array.from({ length: 20 }, (_, i) => i);
    const seen: number[] = [];
    ridgeConjugateGradient(x, y, 1, { onIteration: (_m, k) => seen.push(k) });
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('ridge path and row-space basis', () => {
  it('fitRidgePath equals one fit per alpha (primal and dual)', () => {
    for (const x of [randomMatrix(25, 4, 12), randomMatrix(6, 15, 13)]) {
      const y = Array.from({ length: x.rows }, (_, i) => Math.sin(i));
      const alphas = [0.1, 3, 50];
      fitRidgePath(x, y, alphas).forEach((model, a) => {
        const single = fitRidge(x, y, alphas[a]);
        single.weights.forEach((w, j) => expect(model.weights[j]).toBeCloseTo(w, 12));
        expect(model.intercept).toBeCloseTo(single.intercept, 12);
      });
    }
  });

  it('rowSpaceProjector keeps inner products within the span and drops dependent rows', () => {
    const x = randomMatrix(5, 12, 14);
    // a sixth row = row0 − 2·row3 is dependent
    const rows = Array.from({ length: 5 }, (_, i) => Array.from(x.data.subarray(i * 12, (i + 1) * 12)));
    rows.push(rows[0].map((v, j) => v - 2 * rows[3][j]));
    const withDependent = matrixFromRows(rows);
    const projector = rowSpaceProjector(withDependent);
    expect(projector.rank).toBe(5);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, j) => s + v * b[j], 0);
    const coords = projector.train;
    const again = projector.project(withDependent);
    for (let i = 0; i < 6; i++) {
      for (let k = 0; k < 6; k++) {
        // coordinates in an orthonormal basis preserve the Gram matrix
        expect(dot(coords.data.subarray(i * 5, i * 5 + 5), coords.data.subarray(k * 5, k * 5 + 5))).toBeCloseTo(
          dot(rows[i], rows[k]),
          9,
        );
      }
      for (let r = 0; r < 5; r++) expect(again.data[i * 5 + r]).toBeCloseTo(coords.data[i * 5 + r], 9);
    }
    // a row outside the span keeps only its component inside, so its norm cannot grow
    const e = Array.from({ length: 12 }, (_, j) => (j === 0 ? 1 : 0));
    const probe = matrixFromRows([rows[1].map((v, j) => v + 1e-3 * e[j])]);
    const inside = projector.project(probe).data;
    const norm2 = dot(inside, inside);
    expect(norm2).toBeLessThanOrEqual(dot(probe.data, probe.data) + 1e-9);
  });
});
