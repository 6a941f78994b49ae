/**
 * The report's plots as vega-lite specifications, rendered to SVG strings in Node by vega's
 * headless renderer (`renderer: 'none'` + `toSVG()`), which needs no canvas and no network.
 * Each function takes plain rows (long format) and returns a vega-lite spec; `renderSvg`
 * turns one into markup.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** vega-lite's JSON, loosely typed: specs are built from data here and checked by compile(). */
export type VegaLiteSpec = Record<string, unknown>;

const CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelLimit: 240 },
};
const WIDTH = 320;
const HEIGHT = 200;

function topLevel(spec: VegaLiteSpec): VegaLiteSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, background: 'white', ...spec };
}

/** Colour by run with a fixed domain, so a run keeps its colour in every plot. */
function runColour(runs?: readonly string[]): Record<string, unknown> {
  return { field: 'run', type: 'nominal', title: 'run', ...(runs ? { scale: { domain: [...runs] } } : {}) };
}

/** Training (and validation) loss per epoch: one line per run, dashed for validation. */
export function trainingLossSpec(
  rows: { run: string; split: string; epoch: number; loss: number }[],
  runs?: readonly string[],
): VegaLiteSpec {
  return topLevel({
    data: { values: rows },
    width: WIDTH * 1.6,
    height: HEIGHT * 1.2,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'loss (total, mean per item)', scale: { zero: false } },
      color: runColour(runs),
      strokeDash: { field: 'split', type: 'nominal', title: 'split', sort: ['train', 'validation'] },
      detail: { field: 'split' },
    },
  });
}

/**
 * Convergence curves (probe iterations or fine-tuning epochs), one panel per
 * target · features · metric, one line per run; each panel has its own y scale.
 */
export function convergenceSpec(
  rows: { run: string; panel: string; step: number; value: number }[],
  stepTitle: string,
  runs?: readonly string[],
): VegaLiteSpec {
  return topLevel({
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null, header: { labelFontSize: 11, labelLimit: 400 } },
    columns: 2,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: stepTitle },
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'test-fold metric (mean over folds)',
          scale: { zero: false },
        },
        color: runColour(runs),
      },
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
  });
}

/** tau_proj against age, points coloured by label, each subject's visits joined; one panel per run. */
export function tauAgeSpec(
  rows: { run: string; subject: string; age: number; tau_proj: number; label: string }[],
): VegaLiteSpec {
  return topLevel({
    data: { values: rows },
    facet: { field: 'run', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: WIDTH,
      height: HEIGHT * 1.3,
      encoding: {
        x: { field: 'age', type: 'quantitative', title: 'age (years)', scale: { zero: false } },
        y: { field: 'tau_proj', type: 'quantitative', title: 'tau_proj (z · τ/‖τ‖)', scale: { zero: false } },
        color: { field: 'label', type: 'nominal', title: 'label' },
      },
      layer: [
        {
          mark: { type: 'line', opacity: 0.5, strokeWidth: 1 },
          encoding: { detail: { field: 'subject' }, order: { field: 'age', type: 'quantitative' } },
        },
        { mark: { type: 'point', filled: true, size: 28 } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}

/** Mean progression rate (Δtau_proj per year) per label, with ± 1 sd over subjects; one panel per run. */
export function progressionRateSpec(
  rows: { run: string; label: string; rate: number; low: number; high: number; subjects: number }[],
): VegaLiteSpec {
  return topLevel({
    data: { values: rows },
    facet: { field: 'run', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: Math.round(WIDTH * 0.6),
      height: HEIGHT,
      encoding: { x: { field: 'label', type: 'nominal', title: 'label' } },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'rate', type: 'quantitative', title: 'Δtau_proj per year (mean ± sd)' },
            color: { field: 'label', type: 'nominal', legend: null },
            tooltip: [{ field: 'subjects', type: 'quantitative', title: 'subjects' }],
          },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}

/** SVG markup of a vega-lite spec (headless; no canvas, no network). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
