/**
 * `lssl report RUN... --out DIR`: the comparison of pretrainings in the form the LSSL paper
 * reports it (Zhao et al., MedIA 2021, §4): downstream linear-probe metrics and their
 * convergence, the training curves, and what the learned direction τ means (the brain-age
 * axis, and the decoded direction in image space). Writes, each atomically:
 *
 *   DIR/summary.csv       one row per run × target × feature set (tables.ts), with the
 *                         comparison's CIs and paired differences vs lssl and none
 *   DIR/convergence.csv   training, probe and fine-tuning curves, long format
 *   DIR/progression.csv   per-subject Δtau_proj per year of runs with tau_proj
 *   DIR/report.html       one self-contained page that opens with the verdict table
 *                         (report-comparison.ts), then tables, SVG plots, PNG data: URIs
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError, LsslError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { brainAgeAxis, type AgeAxisResult } from '../ageaxis.js';
import { htmlPage, svgFigure, type HtmlSection } from './html.js';
import { probe, type ProbeResult } from '../probe/probe.js';
import { verdictRows } from '../compare/verdict.js';
import { PROBE_FEATURES, type ProbeFeatures } from '../probe/design.js';
import { convergenceSpec, progressionRateSpec, renderSvg, tauAgeSpec, trainingLossSpec } from './plots.js';
import { ageAxisTable, comparisonTables, labsSection, slicesSection, type SliceFigure } from './report-html.js';
import {
  comparisonColumns,
  comparisonName,
  comparisonRuns,
  compareTarget,
  estimatesTable,
  progressionCsv,
  progressionSection,
  runProgressions,
  verdictTable,
  type TargetComparison,
} from './report-comparison.js';
import { readReportRun, runLabels, type ReportRun } from './run.js';
import {
  convergenceCsv,
  finetuneCurveRows,
  probeCurveRows,
  summaryCsv,
  summaryRow,
  trainingCurveRows,
  type ConvergenceRow,
  type SummaryRow,
} from './tables.js';

export const LAB_FILES = ['identifiability', 'decoupling', 'hltm'] as const;
const DEFAULT_TARGETS = ['diagnosis', 'age'];

export interface ReportOptions {
  /** output folder (created if needed) */
  out: string;
  /** columns to probe; default `diagnosis` (when present) and `age` */
  targets?: string[];
  /** feature sets; default z and delta (delta only where subjects have ≥ 2 visits) */
  features?: ProbeFeatures[];
  folds?: number;
  seed?: number;
  /** class column colouring the brain-age axis (default `diagnosis` when present) */
  label?: string | null;
  /** folder with lab results (identifiability.json, decoupling.json, hltm.json) */
  labs?: string;
  /** file name of the embeddings inside each run (default embeddings.csv) */
  embeddingsFile?: string;
  /** slice panels of runs with a decoder (decoder.ts builds them) */
  slices?: (run: ReportRun) => Promise<SliceFigure | null>;
  title?: string;
  /** bootstrap resamples and random permutations of the comparison (default 9999) */
  resamples?: number;
  onProgress?: (message: string) => void;
}

export interface ReportResult {
  summaryCsv: string;
  convergenceCsv: string;
  /** per-subject rates of runs with tau_proj ('' when no run has tau_proj) */
  progressionCsv: string;
  /** one per probed target and feature set, in summary order */
  comparisons: TargetComparison[];
  /** the verdict lines ("lssl vs ae: +0.12 balanced accuracy [0.05, 0.19], p = 0.003"), per target and features */
  verdict: { target: string; features: string; lines: string[] }[];
  html: string;
  summary: SummaryRow[];
  convergence: ConvergenceRow[];
  /** SVG plots in the page */
  plots: string[];
  /** runs with slice panels */
  slices: string[];
}

function withRun(run: string, what: string, error: unknown): Error {
  if (error instanceof LsslError)
    return new LsslError(`run '${run}', ${what}: ${error.message}`, {
      file: error.file,
      row: error.row,
      exitCode: error.exitCode,
    });
  return error as Error;
}

function hasVisitPairs(run: ReportRun): boolean {
  const subjects = new Set<string>();
  for (const r of run.embeddings.rows) {
    if (subjects.has(r.subject)) return true;
    subjects.add(r.subject);
  }
  return false;
}

function targetsFor(run: ReportRun, requested: string[] | undefined): string[] {
  if (requested) return requested;
  return DEFAULT_TARGETS.filter((t) => t === 'age' || run.embeddings.covariateNames.includes(t));
}

function readLabs(dir: string): { name: string; file: string; result: unknown }[] {
  if (!existsSync(dir)) throw inputError('labs folder not found', dir);
  const found = LAB_FILES.map((name) => ({ name, file: join(dir, `${name}.json`) })).filter((l) => existsSync(l.file));
  if (found.length === 0)
    throw inputError(`labs folder has none of ${LAB_FILES.map((n) => `${n}.json`).join(', ')}`, dir);
  return found.map((l) => {
    try {
      return { ...l, result: JSON.parse(readFileSync(l.file, 'utf8')) };
    } catch (error) {
      throw inputError(`cannot read lab result: ${(error as Error).message.split('\n')[0]}`, l.file);
    }
  });
}

const panelMetric = (r: ProbeResult) => (r.kind === 'class' ? 'balanced_accuracy' : 'mae');

/** Builds everything without writing (the CLI and tests call writeReport). */
export async function buildReport(
  runDirs: readonly string[],
  options: Omit<ReportOptions, 'out'>,
): Promise<ReportResult> {
  if (runDirs.length === 0) throw inputError('report needs at least one run folder');
  const progress = options.onProgress ?? (() => {});
  const features = options.features ?? ['z', 'delta'];
  for (const f of features)
    if (!PROBE_FEATURES.includes(f))
      throw inputError(`features must be among ${PROBE_FEATURES.join(', ')}, not '${f}'`);
  const labels = runLabels(runDirs);
  const runs: ReportRun[] = [];
  for (const [i, dir] of runDirs.entries()) runs.push(await readReportRun(dir, labels[i], options.embeddingsFile));
  const labs = options.labs === undefined ? [] : readLabs(options.labs);

  const summary: SummaryRow[] = [];
  const convergence: ConvergenceRow[] = [];
  const probePanels: { run: string; panel: string; step: number; value: number }[] = [];
  const axes: { run: string; axis: AgeAxisResult }[] = [];
  for (const run of runs) {
    let axis: AgeAxisResult | undefined;
    const tau = run.embeddings.rows.map((r) => r.tauProj);
    if (run.embeddings.hasTauProj && tau.every((t) => t === tau[0])) {
      // a collapsed direction: the axis is undefined (n/a in the report), not a reason to abort
      progress(`${run.label}: tau_proj is the same for every scan, so its brain-age axis is n/a`);
    } else if (run.embeddings.hasTauProj) {
      progress(`${run.label}: brain-age axis`);
      try {
        axis = brainAgeAxis(run.embeddings, { label: options.label, seed: options.seed });
      } catch (error) {
        throw withRun(run.label, 'brain-age axis', error);
      }
      axes.push({ run: run.label, axis });
    }
    convergence.push(...trainingCurveRows(run));
    const pairs = hasVisitPairs(run);
    for (const target of targetsFor(run, options.targets)) {
      for (const feature of features) {
        if (feature !== 'z' && !pairs && options.features === undefined) continue;
        progress(`${run.label}: probe ${target} from ${feature}`);
        let result: ProbeResult;
        try {
          result = probe(run.embeddings, { target, features: feature, folds: options.folds, seed: options.seed });
        } catch (error) {
          throw withRun(run.label, `probe of '${target}' from ${feature} features`, error);
        }
        summary.push(summaryRow(run, result, axis));
        convergence.push(...probeCurveRows(run, result));
        const metric = panelMetric(result);
        const panel = `${target} · ${feature} — ${metric.replace('_', ' ')}`;
        for (const p of result.curve as unknown as Record<string, number>[])
          probePanels.push({ run: run.label, panel, step: p.iteration, value: p[metric] });
      }
    }
    convergence.push(...finetuneCurveRows(run));
  }

  const combos = [...new Map(summary.map((r) => [`${r.target}\u0000${r.features}`, r])).values()];
  const comparisons: TargetComparison[] = [];
  for (const combo of combos) {
    progress(`comparing methods on ${combo.target} from ${combo.features}`);
    comparisons.push(
      compareTarget(runs, combo.target, combo.features as ProbeFeatures, {
        folds: options.folds,
        resamples: options.resamples,
      }),
    );
  }
  const { pooled } = comparisonRuns(runs);
  for (const row of summary) {
    const found = comparisons.find((c) => c.target === row.target && c.features === row.features)?.comparison;
    const run = runs.find((r) => r.label === row.run)!;
    if (found) row.comparison = comparisonColumns(found, comparisonName(run, pooled));
  }
  const verdict = comparisons.flatMap(({ target, features, comparison }) =>
    comparison ? [{ target, features, lines: verdictRows(comparison).map((v) => v.text) }] : [],
  );
  const progressions = runProgressions(runs, options.label ?? 'diagnosis', options.resamples);

  progress('rendering plots');
  const sections: HtmlSection[] = [
    { id: 'verdict', title: 'Verdict', body: [verdictTable(comparisons), estimatesTable(comparisons)].join('\n') },
    { id: 'comparison', title: 'Probe metrics per run', body: comparisonTables(summary) },
  ];
  const plots: string[] = [];
  const figure = async (id: string, spec: Record<string, unknown>, caption: string) => {
    const svg = await renderSvg(spec);
    plots.push(svg);
    return svgFigure(id, svg, caption);
  };
  const training = convergence
    .filter((r) => r.curve === 'training' && r.metric === 'loss')
    .map((r) => ({ run: r.run, split: r.split, epoch: r.step, loss: r.value }));
  sections.push({
    id: 'training',
    title: 'Training loss',
    body:
      training.length > 0
        ? await figure(
            'plot-training',
            trainingLossSpec(training, labels),
            "Total loss per epoch from each run's history.csv (solid: training, dashed: validation subjects). Losses of different methods have different units.",
          )
        : '<p class="note">No run has a history.csv with epochs.</p>',
  });
  if (probePanels.length > 0) {
    sections.push({
      id: 'probe-convergence',
      title: 'Probe convergence',
      body: await figure(
        'plot-probe',
        convergenceSpec(probePanels, 'optimiser iteration', labels),
        'Test-fold metric of the linear probe after each optimiser iteration, mean over folds (balanced accuracy for class targets, MAE for numeric ones).',
      ),
    });
  }
  const finetune = convergence
    .filter((r) => r.curve === 'finetune' && r.split !== 'train')
    .map((r) => ({ run: r.run, panel: `${r.target} · ${r.split} — ${r.metric}`, step: r.step, value: r.value }));
  if (finetune.length > 0) {
    sections.push({
      id: 'finetune',
      title: 'Fine-tuning convergence',
      body: await figure(
        'plot-finetune',
        convergenceSpec(finetune, 'epoch', labels),
        'Fine-tuning histories (finetune-*.csv), mean over folds per epoch.',
      ),
    });
  }
  if (axes.length > 0) {
    const points = axes.flatMap(({ run, axis }) =>
      axis.scans.map((s) => ({ run, subject: s.subject, age: s.age, tau_proj: s.tau_proj, label: s.label ?? 'all' })),
    );
    const rates = axes.flatMap(({ run, axis }) =>
      axis.per_label
        .filter((l) => l.rate_mean !== null)
        .map((l) => ({
          run,
          label: l.label,
          rate: l.rate_mean!,
          low: l.rate_mean! - (l.rate_sd ?? 0),
          high: l.rate_mean! + (l.rate_sd ?? 0),
          subjects: l.n_rated,
        })),
    );
    const body = [
      ageAxisTable(axes),
      await figure(
        'plot-tau-age',
        tauAgeSpec(points),
        "tau_proj (projection of z on the unit τ) against age; each subject's visits joined by a line, colour by label.",
      ),
      rates.length > 0
        ? await figure(
            'plot-rates',
            progressionRateSpec(rates),
            "Mean progression rate Δtau_proj per year per label (each subject's mean over its consecutive pairs), ± 1 sd over subjects.",
          )
        : '',
    ];
    sections.push({ id: 'brain-age-axis', title: 'Brain-age axis (τ)', body: body.join('\n') });
  }
  if (progressions.length > 0)
    sections.push({
      id: 'progression',
      title: 'Progression rates (Δtau_proj per year)',
      body: progressionSection(progressions),
    });
  const slices: SliceFigure[] = [];
  if (options.slices) {
    for (const run of runs) {
      progress(`${run.label}: slices`);
      let figureOfRun: SliceFigure | null;
      try {
        figureOfRun = await options.slices(run);
      } catch (error) {
        throw withRun(run.label, 'slice images', error);
      }
      if (figureOfRun) slices.push(figureOfRun);
    }
    if (slices.length > 0) sections.push({ id: 'image-space', title: 'Image space', body: slicesSection(slices) });
  }
  if (labs.length > 0) sections.push({ id: 'theory', title: 'Theory checks', body: labsSection(labs) });

  const intro = `Runs: ${runs.map((r) => `${r.label} (${r.method})`).join(', ')}. Files next to this page: summary.csv (every metric, mean and sd over folds, with the comparison's CIs and p-values) and convergence.csv (every curve)${progressions.length > 0 ? ', progression.csv (per-subject rates)' : ''}.`;
  const html = htmlPage(options.title ?? 'lssl report', intro, sections);
  return {
    summaryCsv: summaryCsv(summary),
    convergenceCsv: convergenceCsv(convergence),
    progressionCsv: progressions.length > 0 ? progressionCsv(progressions) : '',
    comparisons,
    verdict,
    html,
    summary,
    convergence,
    plots,
    slices: slices.map((s) => s.run),
  };
}

/** Builds the report and writes summary.csv, convergence.csv and report.html into `out`. */
export async function writeReport(
  runDirs: readonly string[],
  options: ReportOptions,
): Promise<ReportResult & { files: { summary: string; convergence: string; html: string; progression?: string } }> {
  const result = await buildReport(runDirs, options);
  const out = resolve(options.out);
  await fs.mkdir(out, { recursive: true });
  const files = {
    summary: join(out, 'summary.csv'),
    convergence: join(out, 'convergence.csv'),
    html: join(out, 'report.html'),
    progression: result.progressionCsv === '' ? undefined : join(out, 'progression.csv'),
  };
  await writeFileAtomic(files.summary, result.summaryCsv);
  await writeFileAtomic(files.convergence, result.convergenceCsv);
  if (files.progression) await writeFileAtomic(files.progression, result.progressionCsv);
  await writeFileAtomic(files.html, result.html);
  return { ...result, files };
}
