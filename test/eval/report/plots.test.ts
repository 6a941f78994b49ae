import { describe, expect, test } from 'vitest';
import {
  convergenceSpec,
  progressionRateSpec,
  renderSvg,
  tauAgeSpec,
  trainingLossSpec,
} from '../../../src/eval/report/plots.js';

/** Drawn items of vega's SVG marks of one type (`mark-symbol`, `mark-line`, `mark-rect`, ...). */
function countMarks(svg: string, type: string): number {
  let count = 0;
  for (const m of svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g')))
    count += (m[1].match(/<path|<line|<rect/g) ?? []).length;
  return count;
}

describe('plots render to standalone SVG in Node', () => {
  test('tau_proj vs age: one point per scan, one line per subject', async () => {
    const rows = [
      { run: 'r', subject: 's1', age: 60, tau_proj: 1, label: 'CN' },
      { run: 'r', subject: 's1', age: 62, tau_proj: 1.5, label: 'CN' },
      { run: 'r', subject: 's2', age: 70, tau_proj: 2, label: 'AD' },
      { run: 'r', subject: 's2', age: 71, tau_proj: 3, label: 'AD' },
      { run: 'r', subject: 's2', age: 72, tau_proj: 3.5, label: 'AD' },
    ];
    const svg = await renderSvg(tauAgeSpec(rows));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(countMarks(svg, 'symbol')).toBe(5); // one per scan (legend symbols have role-legend-symbol)
    expect(countMarks(svg, 'line')).toBe(2);
    expect(svg).not.toMatch(/<image|<script|href=/);
  });

  test('training loss: one line per run × split; rates: one bar and one rule per label', async () => {
    const loss = await renderSvg(
      trainingLossSpec(
        [1, 2, 3].flatMap((epoch) =>
          ['train', 'validation'].flatMap((split) => ['a', 'b'].map((run) => ({ run, split, epoch, loss: 1 / epoch }))),
        ),
        ['a', 'b', 'c'],
      ),
    );
    expect(countMarks(loss, 'line')).toBe(4);
    const rates = await renderSvg(
      progressionRateSpec([
        { run: 'r', label: 'AD', rate: 1, low: 0.5, high: 1.5, subjects: 3 },
        { run: 'r', label: 'CN', rate: 0.2, low: 0.1, high: 0.3, subjects: 4 },
      ]),
    );
    expect(countMarks(rates, 'rect')).toBe(2);
    expect(countMarks(rates, 'rule')).toBeGreaterThanOrEqual(2);
  });

  test('convergence: one panel per target, one line per run in each', async () => {
    const rows = ['p1', 'p2'].flatMap((panel) =>
      ['a', 'b'].flatMap((run) => [0, 1, 2].map((step) => ({ run, panel, step, value: step }))),
    );
    const svg = await renderSvg(convergenceSpec(rows, 'iteration'));
    expect(countMarks(svg, 'line')).toBe(4);
    expect(svg).toContain('>p1<');
    expect(svg).toContain('>p2<');
  });
});
