/**
 * The sections of report.html: the comparison table, the brain-age axis table, the theory
 * checks, and the slice images. Plots arrive as SVG strings (plots.ts); everything taken
 * from data is escaped (html.ts).
 */
import type { AgeAxisResult } from '../ageaxis.js';
import { dataImage, escapeHtml, formatMeanSd, formatNumber, htmlTable } from './html.js';
import type { SummaryRow } from './tables.js';

/** One run's slice panel: rows (scan, reconstruction, direction) × the three planes. */
export interface SliceFigure {
  run: string;
  method: string;
  /** which scan, e.g. "sub-01 ses-1, age 71.2" */
  scan: string;
  rows: {
    name: string;
    description: string;
    images: { plane: string; dataUri: string; width: number; height: number }[];
  }[];
  /** how to read it (windows, α, colour limits) */
  note: string;
}

/** Comparison tables: one for class targets, one for numeric targets (mean ± sd over folds). */
export function comparisonTables(rows: readonly SummaryRow[]): string {
  const parts: string[] = [];
  const classRows = rows.filter((r) => r.kind === 'class');
  const numericRows = rows.filter((r) => r.kind === 'numeric');
  const ms = (r: SummaryRow, m: string) => formatMeanSd(r.metrics[m]?.mean, r.metrics[m]?.sd);
  if (classRows.length > 0) {
    parts.push(
      htmlTable(
        [
          'run',
          'method',
          'target',
          'features',
          'rows',
          'subjects',
          'balanced accuracy',
          'ROC AUC',
          'sensitivity',
          'specificity',
        ],
        classRows.map((r) => [
          r.run,
          r.method,
          r.target,
          r.features,
          r.n_rows,
          r.n_subjects,
          ms(r, 'balanced_accuracy'),
          ms(r, 'auc'),
          ms(r, 'sensitivity'),
          ms(r, 'specificity'),
        ]),
        'data comparison',
      ),
    );
  }
  if (numericRows.length > 0) {
    parts.push(
      htmlTable(
        ['run', 'method', 'target', 'features', 'rows', 'subjects', 'MAE', 'Pearson r', 'R²'],
        numericRows.map((r) => [
          r.run,
          r.method,
          r.target,
          r.features,
          r.n_rows,
          r.n_subjects,
          ms(r, 'mae'),
          ms(r, 'r'),
          ms(r, 'r2'),
        ]),
        'data comparison',
      ),
    );
  }
  const folds = [...new Set(rows.map((r) => r.folds))].join(', ');
  parts.push(
    `<p class="note">Linear probes on frozen embeddings, ${escapeHtml(folds)} folds by subject (mean ± sd over folds). ` +
      'Features z: one row per scan; delta: (z_later − z_earlier)/Δt per consecutive pair of visits.</p>',
  );
  return parts.join('\n');
}

/** Per run with tau_proj: correlations, age MAE, and per-label progression rates and gaps. */
export function ageAxisTable(axes: readonly { run: string; axis: AgeAxisResult }[]): string {
  const summary = htmlTable(
    ['run', 'scans', 'subjects', 'pairs', 'r(tau_proj, age)', 'r(Δtau_proj, Δage)', 'age MAE from tau_proj (years)'],
    axes.map(({ run, axis }) => [
      run,
      axis.n_scans,
      axis.n_subjects,
      axis.n_pairs,
      formatNumber(axis.r_tau_age),
      formatNumber(axis.r_dtau_dage),
      formatNumber(axis.age_mae, 2),
    ]),
  );
  const perLabel = htmlTable(
    ['run', 'label', 'subjects', 'rated subjects', 'Δtau_proj per year', 'brain-age gap (years)'],
    axes.flatMap(({ run, axis }) =>
      axis.per_label.map((l) => [
        run,
        l.label,
        l.n_subjects,
        l.n_rated,
        formatMeanSd(l.rate_mean, l.rate_sd),
        formatMeanSd(l.gap_mean, l.gap_sd, 2),
      ]),
    ),
  );
  const tests = htmlTable(
    ['run', 'labels', 'Welch t', 'df', 'p'],
    axes.flatMap(({ run, axis }) =>
      axis.rate_tests.map((t) => [
        run,
        `${t.a} vs ${t.b}`,
        formatNumber(t.t),
        formatNumber(t.df, 1),
        formatNumber(t.p, 4),
      ]),
    ),
  );
  return [summary, perLabel, axes.some((a) => a.axis.rate_tests.length > 0) ? tests : ''].join('\n');
}

/** Scalar leaves of a JSON value as (dotted path, value) pairs; long arrays are summarised. */
export function flattenJson(value: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (value === null || typeof value !== 'object') {
    out.push([prefix || '(value)', typeof value === 'number' ? formatNumber(value, 4) : String(value)]);
  } else if (Array.isArray(value)) {
    if (value.length > 8 && value.every((v) => typeof v === 'number')) out.push([prefix, `[${value.length} numbers]`]);
    else value.slice(0, 20).forEach((v, i) => flattenJson(v, `${prefix}[${i}]`, out));
  } else {
    for (const [k, v] of Object.entries(value)) flattenJson(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Theory checks: one small table per lab result file. */
export function labsSection(labs: readonly { name: string; file: string; result: unknown }[]): string {
  return labs
    .map(
      (lab) =>
        `<h3>${escapeHtml(lab.name)}</h3>\n<p class="note">${escapeHtml(lab.file)}</p>\n${htmlTable(['quantity', 'value'], flattenJson(lab.result))}`,
    )
    .join('\n');
}

/** The slice panels: a grid per run, rows scan / reconstruction / direction, columns the planes. */
export function slicesSection(figures: readonly SliceFigure[]): string {
  return figures
    .map((f) => {
      const planes = f.rows[0]?.images.map((i) => i.plane) ?? [];
      const head = `<div></div>${planes.map((p) => `<div class="note">${escapeHtml(p)}</div>`).join('')}`;
      const rows = f.rows
        .map(
          (r) =>
            `<div title="${escapeHtml(r.description)}">${escapeHtml(r.name)}</div>${r.images.map((i) => dataImage(i.dataUri, `${f.run} ${r.name} ${i.plane}`, i.width)).join('')}`,
        )
        .join('\n');
      return `<h3>${escapeHtml(f.run)} (${escapeHtml(f.method)})</h3>\n<p class="note">${escapeHtml(f.scan)}</p>\n<div class="slices">\n${head}\n${rows}\n</div>\n<p class="note">${escapeHtml(f.note)}</p>`;
    })
    .join('\n');
}
