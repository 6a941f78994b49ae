import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../src/math/lbfgs.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of a convex quadratic: A x = b', () => {
    // f = ½xᵀAx − bᵀx with A = [[3, 1], [1, 2]], b = [1, 1] → x = A⁻¹b = [1/5, 2/5]
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 3 * x[0] + x[1] - 1;
        g[1] = x[0] + 2 * x[1] - 1;
        return 0.5 * (3 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1]) - x[0] - x[1];
      },
      [5, -5],
      { gradientTolerance: 1e-12 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(0.2, 8);
    expect(result.x[1]).toBeCloseTo(0.4, 8);
  });

  it('solves the Rosenbrock function (minimum at [1, 1])', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = x;
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      [-1.2, 1],
      { maxIterations: 500, gradientTolerance: 1e-9 },
    );
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('is deterministic and reports each accepted step', () => {
    const run = () => {
      const values: number[] = [];
      minimizeLbfgs(
        (x, g) => {
          g[0] = 4 * (x[0] - 3) ** 3;
          return (x[0] - 3) ** 4;
        },
        [0],
        { maxIterations: 20, onIteration: (_x, v) => values.push(v) },
      );
      return values;
    };
    const first = run();
    expect(first.length).toBe(20);
    expect(run()).toEqual(first);
  });
});
