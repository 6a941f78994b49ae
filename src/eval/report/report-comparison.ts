/**
 * The statistics that open report.html and widen summary.csv: for every probed target and
 * feature set, the runs compared as methods over seeds × subject folds (compare/, bootstrap
 * CIs over subjects with seeds pooled, paired permutation tests against `lssl` and `none`),
 * and the per-subject progression rates of runs with tau_proj (Δtau_proj per year) with
 * bootstrap CIs of each group's mean (Efron & Tibshirani 1993).
 */
import { LsslError } from '../../errors.js';
import { compareEmbeddings, type EmbeddingsRun } from '../compare/compare-embeddings.js';
import type { CompareMetric, Comparison } from '../compare/compare.js';
import { formatP, METRIC_LABELS, verdictRows } from '../compare/verdict.js';
import { progressionRates, type ProgressionRates } from '../compare/progression.js';
import type { ProbeFeatures } from '../probe/design.js';
import { escapeHtml, formatNumber, htmlTable } from './html.js';
import type { ReportRun } from './run.js';

/** the references summary.csv always has difference columns for, present or not */
export const SUMMARY_REFERENCES = ['lssl', 'none'] as const;

export interface TargetComparison {
  target: string;
  features: ProbeFeatures;
  /** null when the runs cannot be compared on this target (the reason in `note`) */
  comparison: Comparison | null;
  note?: string;
}

export interface ComparisonSettings {
  folds?: number;
  /** bootstrap resamples and random permutations (default 9999) */
  resamples?: number;
}

/** The run's training seed from config.json (0 when it recorded none). */
function runSeed(run: ReportRun): number {
  const seed = run.config.training?.seed;
  return typeof seed === 'number' && Number.isInteger(seed) ? seed : 0;
}

/**
 * Each run as a (method, seed) of the comparison: runs of one method pool as seeds when
 * every (method, seed) is distinct and every method has the same seeds; otherwise each run
 * is its own method under its label (two lssl runs with different settings, say).
 */
export function comparisonRuns(runs: readonly ReportRun[]): { runs: EmbeddingsRun[]; pooled: boolean } {
  const keys = runs.map((r) => `${r.method}\u0000${runSeed(r)}`);
  const seedsOf = (method: string) =>
    runs
      .filter((r) => r.method === method)
      .map(runSeed)
      .sort((a, b) => a - b)
      .join(',');
  const pooled = new Set(keys).size === keys.length && runs.every((r) => seedsOf(r.method) === seedsOf(runs[0].method));
  return {
    pooled,
    runs: runs.map((r) =>
      pooled
        ? { method: r.method, seed: runSeed(r), table: r.embeddings }
        : { method: r.label, seed: 0, table: r.embeddings },
    ),
  };
}

/** Compares the runs on one target and feature set; an input problem becomes a note, not a failed report. */
export function compareTarget(
  runs: readonly ReportRun[],
  target: string,
  features: ProbeFeatures,
  settings: ComparisonSettings,
): TargetComparison {
  const { runs: methods } = comparisonRuns(runs);
  try {
    const resamples = settings.resamples ?? 9999;
    const { comparison } = compareEmbeddings(
      methods,
      { target, features, folds: settings.folds },
      { bootstrap: { resamples }, permutation: { resamples } },
    );
    return { target, features, comparison };
  } catch (error) {
    if (!(error instanceof LsslError)) throw error;
    return { target, features, comparison: null, note: error.message };
  }
}

/** The method name a summary row has in the comparison. */
export function comparisonName(run: Pick<ReportRun, 'method' | 'label'>, pooled: boolean): string {
  return pooled ? run.method : run.label;
}

const cell = (v: number) => (Number.isNaN(v) ? null : v);

/**
 * summary.csv's comparison columns of one method: per metric `<m>_estimate` (the
 * comparison's estimate, seeds pooled), `<m>_ci_low`, `<m>_ci_high`, and per reference R in
 * lssl, none: `<m>_diff_vs_R` (method − R), `<m>_diff_vs_R_ci_low`, `_ci_high`, `<m>_p_vs_R`.
 */
export function comparisonColumns(comparison: Comparison, method: string): Record<string, number | null> {
  const columns: Record<string, number | null> = {};
  const metrics = [...new Set(comparison.metrics.map((m) => m.metric))];
  for (const metric of metrics) {
    const own = comparison.metrics.find((m) => m.method === method && m.metric === metric);
    columns[`${metric}_estimate`] = own ? cell(own.estimate) : null;
    columns[`${metric}_ci_low`] = own ? cell(own.low) : null;
    columns[`${metric}_ci_high`] = own ? cell(own.high) : null;
    for (const reference of SUMMARY_REFERENCES) {
      const d = comparison.differences.find(
        (x) => x.method === method && x.reference === reference && x.metric === metric,
      );
      columns[`${metric}_diff_vs_${reference}`] = d ? cell(d.difference) : null;
      columns[`${metric}_diff_vs_${reference}_ci_low`] = d ? cell(d.low) : null;
      columns[`${metric}_diff_vs_${reference}_ci_high`] = d ? cell(d.high) : null;
      columns[`${metric}_p_vs_${reference}`] = d ? cell(d.p) : null;
    }
  }
  return columns;
}

const pct = (c: Comparison) => `${Math.round(c.confidence * 100)} % CI`;

/** The verdict table: one row per pair of methods, target, feature set and metric. */
export function verdictTable(comparisons: readonly TargetComparison[], focus = 'lssl'): string {
  const done = comparisons.filter((c) => c.comparison !== null && c.comparison.differences.length > 0);
  const rows = done.flatMap(({ target, features, comparison }) =>
    verdictRows(comparison!, { focus }).map((v) => [
      target,
      features,
      `${v.first} vs ${v.second}`,
      METRIC_LABELS[v.metric as CompareMetric],
      Number.isNaN(v.difference) ? 'undefined' : `${v.difference > 0 ? '+' : ''}${v.difference.toFixed(3)}`,
      Number.isNaN(v.difference) ? '' : `[${v.low.toFixed(3)}, ${v.high.toFixed(3)}]`,
      Number.isNaN(v.p) ? '' : formatP(v.p).replace('p = ', '').replace('p < ', '< '),
      v.text,
    ]),
  );
  const notes = comparisons
    .filter((c) => c.comparison === null)
    .map((c) => `<p class="note">${escapeHtml(`${c.target} from ${c.features}: not compared (${c.note})`)}</p>`);
  if (rows.length === 0)
    return [
      '<p class="note">No verdict: a paired comparison needs at least two methods probed on the same subjects.</p>',
      ...notes,
    ].join('\n');
  const first = done[0].comparison!;
  const header = ['target', 'features', 'comparison', 'metric', 'difference', pct(first), 'p', 'verdict'];
  return [
    htmlTable(header, rows, 'data verdict'),
    `<p class="note">"X vs Y" is X − Y (for MAE lower is better). ${escapeHtml(pct(first))}: bootstrap over subjects (BCa), ` +
      `seeds pooled (${first.seeds.length} seed(s), ${first.nSubjects} subjects); p: two-sided paired permutation test over subjects ` +
      '(each subject’s predictions swapped between the two methods). See docs/compare.md.</p>',
    ...notes,
  ].join('\n');
}

/** Each method's estimate with its CI, per target, feature set and metric. */
export function estimatesTable(comparisons: readonly TargetComparison[]): string {
  const rows = comparisons.flatMap(({ target, features, comparison }) =>
    (comparison?.metrics ?? []).map((m) => [
      target,
      features,
      m.method,
      METRIC_LABELS[m.metric],
      formatNumber(m.estimate),
      Number.isNaN(m.estimate) ? 'n/a' : `[${m.low.toFixed(3)}, ${m.high.toFixed(3)}]`,
      m.nSeeds,
      m.nSubjects,
    ]),
  );
  if (rows.length === 0) return '';
  return htmlTable(['target', 'features', 'method', 'metric', 'estimate', '95 % CI', 'seeds', 'subjects'], rows);
}

export interface RunProgression {
  run: string;
  rates: ProgressionRates;
}

/** Rates of every run with tau_proj, grouped by `group` (reference group CN where there is one). */
export function runProgressions(
  runs: readonly ReportRun[],
  group: string | undefined,
  resamples?: number,
): RunProgression[] {
  return runs
    .filter((r) => r.embeddings.hasTauProj)
    .map((r) => {
      const hasGroup = group !== undefined && r.embeddings.covariateNames.includes(group);
      const hasCn = hasGroup && r.embeddings.rows.some((row) => row.covariates[group!] === 'CN');
      return {
        run: r.label,
        rates: progressionRates(r.embeddings, {
          group: hasGroup ? group : undefined,
          reference: hasCn ? 'CN' : undefined,
          bootstrap: { resamples },
        }),
      };
    });
}

export const PROGRESSION_COLUMNS = ['run', 'subject', 'group', 'rate_per_year', 'visits'] as const;

/** progression.csv: one row per run and subject with two or more visits. */
export function progressionCsv(progressions: readonly RunProgression[]): string {
  const quote = (t: string) => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const lines = [PROGRESSION_COLUMNS.join(',')];
  for (const { run, rates } of progressions)
    for (const s of rates.subjects)
      lines.push([quote(run), quote(s.subject), quote(s.group ?? ''), String(s.rate), String(s.visits)].join(','));
  return `${lines.join('\n')}\n`;
}

/** The progression section: group mean rates with CIs, and each group's difference from CN. */
export function progressionSection(progressions: readonly RunProgression[]): string {
  const ci = (low: number | null, high: number | null) =>
    low === null || high === null ? 'n/a' : `[${formatNumber(low, 4)}, ${formatNumber(high, 4)}]`;
  const means = htmlTable(
    ['run', 'group', 'subjects', 'mean Δtau_proj per year', '95 % CI'],
    progressions.flatMap(({ run, rates }) =>
      rates.groups.map((g) => [run, g.group === '' ? 'all' : g.group, g.n, formatNumber(g.mean, 4), ci(g.low, g.high)]),
    ),
  );
  const differences = progressions.flatMap(({ run, rates }) =>
    rates.differences.map((d) => [
      run,
      `${d.group} − ${d.reference}`,
      formatNumber(d.difference, 4),
      ci(d.low, d.high),
    ]),
  );
  return [
    means,
    differences.length > 0
      ? htmlTable(['run', 'groups', 'difference of mean rates per year', '95 % CI'], differences)
      : '',
    '<p class="note">Per subject: the least-squares slope of tau_proj over age across its visits (Δtau_proj/Δage for two visits); ' +
      'CIs: bootstrap of the mean over the group’s subjects (BCa; two-sample for differences). Every rate is in progression.csv.</p>',
  ].join('\n');
}
