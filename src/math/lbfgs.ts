/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4 two-loop
 * recursion and Alg. 3.1 backtracking line search) for smooth convex objectives such as the
 * L2-regularised logistic loss. Full batch and deterministic: the same input gives the same
 * iterates, so a probe's convergence curve is reproducible.
 */
import { type DataValues, valuesOf } from './data-input.js';

/** Returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** upper bound on iterations (each iteration is one accepted step) */
  maxIterations?: number;
  /** stop when max |∇f| ≤ this */
  gradientTolerance?: number;
  /** stop when the relative decrease of f in one step is below this */
  functionTolerance?: number;
  /** number of stored (s, y) pairs */
  memory?: number;
  /** called after every accepted step with the new point, f and the iteration number (1-based) */
  onIteration?: (x: Float64Array, value: number, iteration: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Minimises `objective` from x0 [n] (an array or a 1D tensor) by limited-memory BFGS; the objective returns f(x) and
 * its gradient [n] for x [n].
 */
export function minimizeLbfgs(
  objective: ObjectiveWithGradient,
  start: DataValues,
  options: LbfgsOptions = {},
): LbfgsResult {
  const x0 = valuesOf(start, 'x0');
  const maxIterations = options.maxIterations ?? 200;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const functionTolerance = options.functionTolerance ?? 1e-12;
  const memory = options.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let grad = new Float64Array(n);
  let value = objective(x, grad);
  if (!Number.isFinite(value)) throw new Error(`L-BFGS: the objective is not finite at the start (${value})`);
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const alphas = new Array<number>(memory);
  let iteration = 0;
  let converged = maxAbs(grad) <= gradientTolerance;
  while (!converged && iteration < maxIterations) {
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let k = sHistory.length - 1; k >= 0; k--) {
      alphas[k] = rhoHistory[k] * dot(sHistory[k], direction);
      const yk = yHistory[k];
      for (let i = 0; i < n; i++) direction[i] -= alphas[k] * yk[i];
    }
    if (sHistory.length > 0) {
      const last = sHistory.length - 1;
      const gamma = dot(sHistory[last], yHistory[last]) / dot(yHistory[last], yHistory[last]);
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    }
    for (let k = 0; k < sHistory.length; k++) {
      const beta = rhoHistory[k] * dot(yHistory[k], direction);
      const sk = sHistory[k];
      for (let i = 0; i < n; i++) direction[i] += sk[i] * (alphas[k] - beta);
    }
    for (let i = 0; i < n; i++) direction[i] = -direction[i];
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -grad[i];
      slope = -dot(grad, grad);
    }
    // The first step has no curvature information yet: keep it to unit length.
    let step = sHistory.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const xNew = new Float64Array(n);
    const gradNew = new Float64Array(n);
    let valueNew = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
      valueNew = objective(xNew, gradNew);
      if (Number.isFinite(valueNew) && valueNew <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    iteration += 1;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gradNew[i] - grad[i];
    }
    const sy = dot(s, y);
    // Keep only pairs with positive curvature so the implicit Hessian stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    const decrease = value - valueNew;
    x = xNew;
    grad = gradNew;
    value = valueNew;
    options.onIteration?.(x, value, iteration);
    converged = maxAbs(grad) <= gradientTolerance || decrease <= functionTolerance * Math.max(1, Math.abs(value));
  }
  return { x, value, iterations: iteration, converged };
}
