import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';
import { AdamW } from '../../src/train/adamw.js';
import { runPython, expectClose } from '../io/python-reference.js';

// Reference: torch.optim.AdamW (decoupled decay scaled by lr), the same updates on the same gradients.
const TORCH = `
import torch
p = torch.tensor(inp['theta'], dtype=torch.float64, requires_grad=True)
opt = torch.optim.AdamW([p], lr=inp['lr'], weight_decay=inp['wd'], betas=(0.9, 0.999), eps=1e-8)
rows = []
for k in range(inp['steps']):
    lr = inp['lr'] * (0.1 if k >= 3 else 1.0)
    for g in opt.param_groups: g['lr'] = lr
    opt.zero_grad()
    loss = ((p - torch.tensor(inp['target'], dtype=torch.float64)) ** 2 * torch.arange(1, len(inp['theta']) + 1)).sum()
    loss.backward()
    opt.step()
    rows.append(p.detach().tolist())
out = rows
`;

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('matches torch.optim.AdamW step by step, including an LR change', () => {
    const input = { theta: [0.5, -1, 2, 0.25], target: [1, 1, -1, 0], lr: 0.1, wd: 0.05, steps: 6 };
    const expected: number[][] = runPython(TORCH, input);
    const theta = tf.variable(tf.tensor1d(input.theta));
    const adam = new AdamW([{ name: 'theta', variable: theta, trainable: true }], { weightDecay: input.wd });
    const target = tf.tensor1d(input.target);
    const weights = tf.tensor1d([1, 2, 3, 4]);
    for (let k = 0; k < input.steps; k++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(tf.square(tf.sub(theta, target)), weights)) as tf.Scalar,
        [theta],
      );
      adam.apply(grads, input.lr * (k >= 3 ? 0.1 : 1));
      tf.dispose([value, ...Object.values(grads)]);
      expectClose(theta.dataSync(), expected[k], 2e-6);
    }
    expect(adam.step).toBe(6);
    tf.dispose([theta, target, weights]);
    adam.dispose();
  });

  it('saves and restores its moments by logical name', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const adam = new AdamW([{ name: 'w', variable: a, trainable: true }]);
    const g = { [a.name]: tf.tensor1d([0.5, -0.5]) };
    adam.apply(g, 0.01);
    const saved = new Map(adam.stateTensors().map((t) => [t.name, t.tensor.clone()]));
    expect([...saved.keys()]).toEqual(['optimizer/w/m', 'optimizer/w/v']);
    const other = new AdamW([{ name: 'w', variable: a, trainable: true }]);
    other.loadState(saved, adam.step);
    expect(Array.from(other.stateTensors()[1].tensor.dataSync())).toEqual(
      Array.from(adam.stateTensors()[1].tensor.dataSync()),
    );
    expect(() => other.loadState(new Map(), 1)).toThrow(/optimizer\/w\/m/);
    tf.dispose([a, g[a.name], ...saved.values()]);
    adam.dispose();
    other.dispose();
  });
});
