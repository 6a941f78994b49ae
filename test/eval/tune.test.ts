import { describe, expect, it } from 'vitest';
import { criterionOf, gridSettings, tuneCriterion, tuneCsv, type TuneRow } from '../../src/eval/tune.js';
import type { HistoryRow } from '../../src/train/history.js';

describe('gridSettings', () => {
  it('is the cartesian product, learning rate outermost; an empty grid is the defaults alone', () => {
    expect(gridSettings({ learningRate: [1e-3, 3e-4], latentSize: [512, null] })).toEqual([
      { learningRate: 1e-3, latentSize: 512 },
      { learningRate: 1e-3, latentSize: null },
      { learningRate: 3e-4, latentSize: 512 },
      { learningRate: 3e-4, latentSize: null },
    ]);
    expect(gridSettings({})).toEqual([{}]);
    expect(gridSettings({ lambdaRecon: [0.05] })).toEqual([{ lambdaRecon: 0.05 }]);
    // the normalisation is outermost: settings that share a preprocessing are neighbours
    expect(gridSettings({ learningRate: [1e-3, 3e-4], mask: ['otsu', 'none'] })).toEqual([
      { mask: 'otsu', learningRate: 1e-3 },
      { mask: 'otsu', learningRate: 3e-4 },
      { mask: 'none', learningRate: 1e-3 },
      { mask: 'none', learningRate: 3e-4 },
    ]);
  });
});

describe('tuneCriterion and criterionOf', () => {
  const row = (
    epoch: number,
    split: 'train' | 'validation',
    loss: number,
    parts: Record<string, number>,
  ): HistoryRow => ({
    epoch,
    split,
    loss,
    parts,
    learningRate: 1e-3,
    seconds: 1,
  });
  const history = [
    row(1, 'train', 3, { recon: 2, cos: 1 }),
    row(1, 'validation', 2.5, { recon: 1.8, cos: 0.7 }),
    row(2, 'train', 2, { recon: 1.5, cos: 0.5 }),
    row(2, 'validation', 2.2, { recon: 1.7, cos: 0.5 }),
  ];

  it('reads the validation row of the kept epoch: cos for lssl, recon for ae/vae, the loss otherwise', () => {
    expect(criterionOf(history, 2, tuneCriterion('lssl'))).toBe(0.5);
    expect(criterionOf(history, 1, tuneCriterion('ae'))).toBe(1.8);
    expect(criterionOf(history, 2, tuneCriterion('simclr'))).toBe(2.2);
  });

  it('refuses none (nothing to tune) and a run without validation rows', () => {
    expect(() => tuneCriterion('none')).toThrow('none has nothing to tune');
    expect(() =>
      criterionOf(
        history.filter((r) => r.split === 'train'),
        2,
        'cos',
      ),
    ).toThrow(/validation share/);
  });
});

describe('tuneCsv', () => {
  it('writes one row per setting and marks the chosen one', () => {
    const rows: TuneRow[] = [
      {
        setting: { learningRate: 1e-3, latentSize: null },
        criterion: 0.4,
        criterionName: 'cos',
        bestEpoch: 3,
        runDir: 'a',
      },
      {
        setting: { learningRate: 3e-4, latentSize: 512 },
        criterion: 0.2,
        criterionName: 'cos',
        bestEpoch: 5,
        runDir: 'b',
      },
    ];
    const lines = tuneCsv(rows, rows[1]).trim().split('\n');
    expect(lines[0]).toBe('setting,normalize,mask,lr,latent,lambda_recon,criterion,value,best_epoch,chosen,run');
    expect(lines[1]).toBe('"lr 0.001, latent none",,,0.001,none,,validation cos,0.4,3,,a');
    expect(lines[2]).toBe('"lr 0.0003, latent 512",,,0.0003,512,,validation cos,0.2,5,yes,b');
  });
});
