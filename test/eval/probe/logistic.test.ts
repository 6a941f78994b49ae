import { describe, expect, it } from 'vitest';
import { argmaxRows, fitLogistic, logisticObjective, predictProba } from '../../../src/eval/probe/logistic.js';
import { matrixFromRows, rowSpaceProjector } from '../../../src/math/linear.js';
import { createRng } from '../../../src/rng.js';
import { pythonJson } from '../python-reference.js';

describe('softmax logistic regression', () => {
  it('separates a separable toy set', () => {
    const rng = createRng(4);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 40; i++) {
      const label = i % 2;
      rows.push([label === 1 ? 1 + rng.uniform(0, 1) : -1 - rng.uniform(0, 1), rng.normal()]);
      y.push(label);
    }
    const x = matrixFromRows(rows);
    const model = fitLogistic(x, y, 2, { lambda: 1e-3 });
    expect(argmaxRows(predictProba(model, x), 2)).toEqual(y);
  });

  it('matches the stationarity condition worked out by hand (binary, one feature)', () => {
    // x = +1: 3 of class 1, 1 of class 0; x = −1: 1 of class 1, 3 of class 0.
    // By symmetry w₁ = −w₀ = a and b = 0; the gradient in a is (4σ(2a) − 3)/4 + λa = 0.
    // Without penalty σ(2a) = 3/4, i.e. a = ln(3)/2.
    const x = matrixFromRows([[1], [1], [1], [1], [-1], [-1], [-1], [-1]]);
    const y = [1, 1, 1, 0, 0, 0, 0, 1];
    const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
    for (const lambda of [0, 0.1, 1]) {
      let lo = 0;
      let hi = 5;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if ((4 * sigmoid(2 * mid) - 3) / 4 + lambda * mid > 0) hi = mid;
        else lo = mid;
      }
      const model = fitLogistic(x, y, 2, { lambda, gradientTolerance: 1e-10, maxIterations: 500 });
      const diff = model.weights[1] - model.weights[0];
      expect(diff / 2).toBeCloseTo(lo, 6);
      expect(model.intercepts[1] - model.intercepts[0]).toBeCloseTo(0, 6);
      if (lambda === 0) expect(diff).toBeCloseTo(Math.log(3), 6);
    }
  });

  it('gradient agrees with finite differences', () => {
    const x = matrixFromRows([
      [0.5, -1],
      [1.5, 2],
      [-0.3, 0.7],
      [2, -2],
    ]);
    const f = logisticObjective(x, [0, 2, 1, 2], 3, 0.3);
    const params = Float64Array.from({ length: 9 }, (_, i) => Math.sin(i + 1));
    const grad = new Float64Array(9);
    f(params, grad);
    const scratch = new Float64Array(9);
    for (let k = 0; k < 9; k++) {
      const plus = Float64Array.from(params);
      const minus = Float64Array.from(params);
      plus[k] += 1e-6;
      minus[k] -= 1e-6;
      expect(grad[k]).toBeCloseTo((f(plus, scratch) - f(minus, scratch)) / 2e-6, 6);
    }
  });

  it('three classes: same probabilities as scipy minimising the same objective', () => {
    const rng = createRng(11);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 15; i++) {
      const label = i % 3;
      rows.push([label + rng.normal(), (label === 2 ? 1 : 0) + rng.normal()]);
      y.push(label);
    }
    const x = matrixFromRows(rows);
    const lambda = 0.05;
    const model = fitLogistic(x, y, 3, { lambda, gradientTolerance: 1e-10, maxIterations: 1000 });
    const reference = pythonJson<{ p: number[]; f: number }>(
      `import json, sys, numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
d = json.load(sys.stdin)
X = np.array(d['x']); y = np.array(d['y']); K = 3; n, p = X.shape; lam = d['lam']
def f(theta):
    W = theta[:p*K].reshape(p, K); b = theta[p*K:]
    L = X @ W + b
    return np.mean(logsumexp(L, axis=1) - L[np.arange(n), y]) + 0.5 * lam * np.sum(W**2)
r = minimize(f, np.zeros((p+1)*K), method='BFGS', options={'gtol': 1e-10})
W = r.x[:p*K].reshape(p, K); b = r.x[p*K:]; L = X @ W + b
P = np.exp(L - logsumexp(L, axis=1, keepdims=True))
print(json.dumps({'p': P.ravel().tolist(), 'f': float(r.fun)}))`,
      { x: rows, y, lam: lambda },
    );
    expect(model.loss).toBeCloseTo(reference.f, 8);
    const probs = predictProba(model, x);
    reference.p.forEach((p, i) => expect(probs[i]).toBeCloseTo(p, 5));
  });

  it('reports every iteration with a non-increasing loss', () => {
    const x = matrixFromRows([[0], [1], [2], [3], [4], [5]]);
    const losses: number[] = [];
    fitLogistic(x, [0, 0, 1, 0, 1, 1], 2, { lambda: 0.01, onIteration: (_m, loss) => losses.push(loss) });
    expect(losses.length).toBeGreaterThan(2);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
  });

  it('with more features than rows, fitting in the row space gives the same predictions', () => {
    const rng = createRng(31);
    const x = matrixFromRows(Array.from({ length: 12 }, () => Array.from({ length: 40 }, () => rng.normal())));
    const xTest = matrixFromRows(Array.from({ length: 5 }, () => Array.from({ length: 40 }, () => rng.normal())));
    const y = Array.from({ length: 12 }, (_, i) => i % 3);
    const full = fitLogistic(x, y, 3, { lambda: 0.2, gradientTolerance: 1e-10, maxIterations: 1000 });
    const projector = rowSpaceProjector(x);
    const reduced = fitLogistic(projector.train, y, 3, { lambda: 0.2, gradientTolerance: 1e-10, maxIterations: 1000 });
    expect(reduced.loss).toBeCloseTo(full.loss, 9);
    const pFull = predictProba(full, xTest);
    const pReduced = predictProba(reduced, projector.project(xTest));
    pFull.forEach((p, i) => expect(pReduced[i]).toBeCloseTo(p, 6));
  });

  it('rejects labels outside the classes', () => {
    expect(() => fitLogistic(matrixFromRows([[0], [1]]), [0, 2], 2, { lambda: 1 })).toThrow(
      /integers in \[0, 2\), not 2/,
    );
  });
});
