import { describe, expect, it } from 'vitest';
import { createProgressPrinter, formatDuration } from '../../src/train/progress.js';
import { historyToCsv } from '../../src/train/history.js';

const row = {
  epoch: 1,
  split: 'train' as const,
  loss: 1.5,
  parts: { recon: 1, cos: 0.5 },
  learningRate: 0.001,
  seconds: 2.25,
};
const step = {
  type: 'step' as const,
  epoch: 1,
  epochs: 2,
  step: 3,
  steps: 6,
  loss: 1.5,
  parts: { recon: 1, cos: 0.5 },
  learningRate: 1e-3,
  elapsedSeconds: 3,
  etaSeconds: 125,
};

describe('progress and history', () => {
  it('draws a bar with epoch, step, parts and ETA on a terminal', () => {
    let text = '';
    const print = createProgressPrinter({ isTTY: true, columns: 200, write: (s: string) => (text += s) });
    print(step);
    expect(text).toContain('epoch 1/2 [##########..........] 3/6 loss 1.500 recon 1.000 cos 0.5000 lr 1.0e-3 ETA 2:05');
    print({ type: 'epoch', epoch: 1, epochs: 2, rows: [row], improved: true, stop: false });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line starts with the ANSI erase-line escape
    expect(text).toMatch(/\r\x1b\[2Kepoch 1\/2 train loss 1.5000 recon 1.000 cos 0.5000 lr 1.00e-3 2.3s\n$/);
  });

  it('prints plain lines only (no bar) in a log', () => {
    let text = '';
    const print = createProgressPrinter({ isTTY: false, write: (s: string) => (text += s) });
    print(step);
    expect(text).toBe('');
    print({
      type: 'epoch',
      epoch: 2,
      epochs: 2,
      rows: [{ ...row, epoch: 2, split: 'validation' }],
      improved: true,
      stop: true,
    });
    print({ type: 'interrupted', epoch: 3, step: 1 });
    expect(text.split('\n')).toEqual([
      'epoch 2/2 validation loss 1.5000 recon 1.000 cos 0.5000 lr 1.00e-3 2.3s (best)',
      'stopping early after epoch 2: no improvement',
      "interrupted in epoch 3 at step 1; the last finished epoch's checkpoint is kept",
      '',
    ]);
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('writes history.csv with a column per part', () => {
    expect(historyToCsv([row], ['recon', 'cos'])).toBe(
      'epoch,split,loss,recon,cos,lr,seconds\n1,train,1.5,1,0.5,0.001,2.250\n',
    );
  });
});
