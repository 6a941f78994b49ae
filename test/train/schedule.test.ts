import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATEAU, initialPlateauState, stepPlateau } from '../../src/train/schedule.js';
import { runPython } from '../io/python-reference.js';

// Reference: torch.optim.lr_scheduler.ReduceLROnPlateau(factor=0.1, patience=2, threshold=1e-4).
const TORCH = `
import torch
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=1e-3)
s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.1, patience=2, threshold=1e-4, min_lr=1e-7)
out = []
for loss in inp['losses']:
    s.step(loss)
    out.append(opt.param_groups[0]['lr'])
`;

describe('stepPlateau', () => {
  it('lowers the LR exactly when PyTorch ReduceLROnPlateau does', () => {
    const losses = [
      1, 0.9, 0.89995, 0.95, 0.91, 0.92, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85,
    ];
    const expected: number[] = runPython(TORCH, { losses });
    let state = initialPlateauState(1e-3);
    const options = { ...DEFAULT_PLATEAU, patience: 2, earlyStopPatience: 100 };
    const lrs = losses.map((loss, i) => {
      state = stepPlateau(state, loss, i + 1, options).state;
      return state.learningRate;
    });
    lrs.forEach((lr, i) => expect(lr, `epoch ${i + 1}`).toBeCloseTo(expected[i], 12));
  });

  it('tracks the best epoch and stops after earlyStopPatience epochs without improvement', () => {
    let state = initialPlateauState(0.01);
    const options = { ...DEFAULT_PLATEAU, patience: 1, earlyStopPatience: 3 };
    const decisions = [2, 1, 1.5, 1.2, 1.1].map((loss, i) => {
      const d = stepPlateau(state, loss, i + 1, options);
      state = d.state;
      return d;
    });
    expect(decisions.map((d) => d.improved)).toEqual([true, true, false, false, false]);
    expect(decisions.map((d) => d.stop)).toEqual([false, false, false, false, true]);
    expect(decisions.map((d) => d.reduced)).toEqual([false, false, false, true, false]);
    expect(state.bestEpoch).toBe(2);
    expect(state.best).toBe(1);
  });
});
