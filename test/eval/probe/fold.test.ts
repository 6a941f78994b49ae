import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../../src/math/linear.js';
import {
  fitClassFold,
  fitNumericFold,
  selectAlpha,
  selectLambda,
  type FoldData,
} from '../../../src/eval/probe/fold.js';
import { createRng } from '../../../src/rng.js';

function data(n: number, seed: number, signal: number): FoldData {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  const subjects: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    rows.push([signal * (label ? 1 : -1) + rng.normal(), rng.normal(), rng.normal()]);
    y.push(label);
    subjects.push(`s${Math.floor(i / 2)}-${label}`);
  }
  return { x: matrixFromRows(rows), y, subjects };
}

const options = { innerFolds: 3, seed: 0, maxIterations: 200 };

describe('one probe fold', () => {
  it('chooses the regularisation from training subjects only: test labels do not change it', () => {
    const train = data(60, 1, 0.7);
    const test = data(20, 2, 0.7);
    const flipped = { ...test, y: test.y.map((v) => 1 - v) };
    const a = fitClassFold(train, test, 2, [10, 1, 0.1, 0.01], options);
    const b = fitClassFold(train, flipped, 2, [10, 1, 0.1, 0.01], options);
    expect(b.lambda).toBe(a.lambda);
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    // the recorded curve does see the test labels (it is the validation metric), the model does not
    expect(a.curve.at(-1)!.balanced_accuracy + b.curve.at(-1)!.balanced_accuracy).toBeCloseTo(1, 10);
  });

  it('prefers strong regularisation on pure noise and weak on a clean signal', () => {
    const lambdas = [100, 1e-4];
    expect(selectLambda(data(60, 3, 0), 2, lambdas, options)).toBe(100);
    expect(selectLambda(data(60, 4, 5), 2, lambdas, options)).toBe(1e-4);
  });

  it('ridge: strong penalty on noise, weak on a clean linear target', () => {
    const noise = data(60, 5, 0);
    const rng = createRng(6);
    expect(selectAlpha({ ...noise, y: noise.y.map(() => rng.normal()) }, [1e6, 1e-3], options)).toBe(1e6);
    const clean = {
      ...noise,
      y: Array.from({ length: 60 }, (_, i) => 3 * noise.x.data[i * 3 + 1] - noise.x.data[i * 3 + 2]),
    };
    expect(selectAlpha(clean, [1e6, 1e-3], options)).toBe(1e-3);
    const fold = fitNumericFold(clean, clean, [1e-3, 1e6], options);
    expect(fold.alpha).toBe(1e-3);
    expect(fold.curve.at(-1)!.mae).toBeLessThan(1e-3);
    fold.predictions.forEach((p, i) => expect(p).toBeCloseTo(clean.y[i], 3));
  });
});
