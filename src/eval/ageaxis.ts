/**
 * The brain-age axis of an LSSL run: what the learned direction τ means. LSSL (Zhao et al.,
 * MedIA 2021, §4.4) reports that the projection z·τ/‖τ‖ (`tau_proj` in embeddings.csv)
 * tracks age across subjects, that within-subject changes of it track the time between
 * visits, and that it progresses faster in disease groups. This module measures exactly that:
 *
 * - Pearson r between tau_proj and age over scans;
 * - Pearson r between Δtau_proj and Δage over consecutive visit pairs;
 * - the age MAE of a linear map tau_proj → age fitted in folds by subject (out-of-fold
 *   predictions), and the brain-age gap (predicted − chronological, no bias correction);
 * - per label: mean progression rate (Δtau_proj per year; each subject's mean over its
 *   consecutive pairs, so subjects weigh equally) and mean brain-age gap (over scans), with
 *   Welch's t-test on the rates between every two labels.
 */
import { inputError } from '../errors.js';
import { compareIds } from '../io/cohort.js';
import { columnText, type EmbeddingsTable } from './embeddings-csv.js';
import { foldsBySubject } from '../io/splits.js';
import { fitRidge, matrixFromRows, predictLinear } from '../math/linear.js';
import { brainAgeGap, mae, pearsonR } from './metrics.js';
import { consecutivePairs, scansBySubject } from './probe/design.js';
import { welchTTest } from '../math/stats.js';

export interface AgeAxisOptions {
  /** class column for the per-label summary (default `diagnosis` when present; null for none) */
  label?: string | null;
  /** folds by subject for the tau_proj → age map (default min(5, subjects)) */
  folds?: number;
  seed?: number;
}

export interface LabelSummary {
  label: string;
  n_subjects: number;
  n_scans: number;
  /** subjects with ≥ 2 visits, i.e. with a rate */
  n_rated: number;
  /** mean over subjects of Δtau_proj per year; null without rated subjects */
  rate_mean: number | null;
  rate_sd: number | null;
  /** mean brain-age gap over the label's scans, years */
  gap_mean: number;
  gap_sd: number | null;
}

export interface RateTest {
  a: string;
  b: string;
  /** Welch's t of rate(a) − rate(b); null when a group has < 2 rated subjects */
  t: number | null;
  df: number | null;
  p: number | null;
}

export interface AgeAxisResult {
  n_scans: number;
  n_subjects: number;
  n_pairs: number;
  r_tau_age: number;
  /** null with fewer than 2 pairs or no variation */
  r_dtau_dage: number | null;
  folds: number;
  /** slope and intercept of age ≈ slope·tau_proj + intercept fitted on all scans (for plots) */
  slope: number;
  intercept: number;
  age_mae: number;
  per_fold_mae: number[];
  label: string | null;
  per_label: LabelSummary[];
  rate_tests: RateTest[];
  /** out-of-fold predicted age and gap per scan, in file order */
  scans: {
    subject: string;
    session: string;
    age: number;
    tau_proj: number;
    predicted_age: number;
    gap: number;
    label: string | null;
  }[];
}

function meanOf(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function sdOf(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = meanOf(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

function tryPearson(x: number[], y: number[]): number | null {
  try {
    return pearsonR(x, y);
  } catch {
    return null;
  }
}

export function brainAgeAxis(table: EmbeddingsTable, options: AgeAxisOptions = {}): AgeAxisResult {
  if (!table.hasTauProj)
    throw inputError('the brain-age axis needs a tau_proj column (written for LSSL runs only)', table.file, 1);
  const labelColumn =
    options.label === undefined ? (table.covariateNames.includes('diagnosis') ? 'diagnosis' : null) : options.label;
  if (labelColumn !== null) columnText(table, table.rows[0], labelColumn); // unknown column → error naming it
  const rows = table.rows;
  const tau = rows.map((r) => r.tauProj!);
  const ages = rows.map((r) => r.age);
  let rTauAge: number;
  try {
    rTauAge = pearsonR(tau, ages);
  } catch (error) {
    throw inputError(`tau_proj versus age: ${(error as Error).message}`, table.file);
  }
  const pairs = consecutivePairs(table);
  const rDelta =
    pairs.length >= 2
      ? tryPearson(
          pairs.map((p) => p.later.tauProj! - p.earlier.tauProj!),
          pairs.map((p) => p.years),
        )
      : null;

  // Out-of-fold tau_proj → age, folds by subject so no subject's own visits inform its prediction.
  const subjectIds = [...new Set(rows.map((r) => r.subject))];
  const k = options.folds ?? Math.min(5, subjectIds.length);
  if (!Number.isInteger(k) || k < 2 || k > subjectIds.length) {
    throw inputError(`the tau_proj → age map needs 2 ≤ folds ≤ ${subjectIds.length} subjects, not ${k}`, table.file);
  }
  const predicted = new Float64Array(rows.length);
  const perFoldMae: number[] = [];
  for (const fold of foldsBySubject(subjectIds, k, options.seed ?? 0)) {
    const train = new Set(fold.train);
    const trainIdx = rows.map((_, i) => i).filter((i) => train.has(rows[i].subject));
    const testIdx = rows.map((_, i) => i).filter((i) => !train.has(rows[i].subject));
    const model = fitRidge(
      matrixFromRows(trainIdx.map((i) => [tau[i]])),
      trainIdx.map((i) => ages[i]),
      0,
    );
    const out = predictLinear(model, matrixFromRows(testIdx.map((i) => [tau[i]])));
    testIdx.forEach((row, j) => (predicted[row] = out[j]));
    perFoldMae.push(
      mae(
        testIdx.map((i) => ages[i]),
        out,
      ),
    );
  }
  const full = fitRidge(matrixFromRows(tau.map((t) => [t])), ages, 0);
  const gaps = brainAgeGap(predicted, ages);

  const bySubject = scansBySubject(table);
  const subjectLabel = new Map<string, string | null>();
  for (const [subject, scans] of bySubject) {
    let value: string | undefined;
    for (let i = scans.length - 1; i >= 0 && value === undefined && labelColumn !== null; i--)
      value = columnText(table, scans[i], labelColumn);
    subjectLabel.set(subject, value ?? null);
  }
  const rateOf = new Map<string, number>();
  for (const [subject] of bySubject) {
    const own = pairs.filter((p) => p.subject === subject);
    if (own.length > 0) rateOf.set(subject, meanOf(own.map((p) => (p.later.tauProj! - p.earlier.tauProj!) / p.years)));
  }
  const perLabel: LabelSummary[] = [];
  const rateTests: RateTest[] = [];
  if (labelColumn !== null) {
    const labels = [...new Set([...subjectLabel.values()].filter((v): v is string => v !== null))].sort(compareIds);
    const ratesByLabel = new Map<string, number[]>();
    for (const label of labels) {
      const subjects = subjectIds.filter((s) => subjectLabel.get(s) === label);
      const rates = subjects.filter((s) => rateOf.has(s)).map((s) => rateOf.get(s)!);
      const labelGaps = rows.flatMap((r, i) => (subjectLabel.get(r.subject) === label ? [gaps[i]] : []));
      ratesByLabel.set(label, rates);
      perLabel.push({
        label,
        n_subjects: subjects.length,
        n_scans: labelGaps.length,
        n_rated: rates.length,
        rate_mean: rates.length > 0 ? meanOf(rates) : null,
        rate_sd: sdOf(rates),
        gap_mean: meanOf(labelGaps),
        gap_sd: sdOf(labelGaps),
      });
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        let test: RateTest = { a: labels[i], b: labels[j], t: null, df: null, p: null };
        try {
          const w = welchTTest(ratesByLabel.get(labels[i])!, ratesByLabel.get(labels[j])!);
          test = { ...test, t: w.t, df: w.df, p: w.p };
        } catch {
          // fewer than 2 rated subjects in a group, or both constant: the test is undefined
        }
        rateTests.push(test);
      }
    }
  }
  return {
    n_scans: rows.length,
    n_subjects: subjectIds.length,
    n_pairs: pairs.length,
    r_tau_age: rTauAge,
    r_dtau_dage: rDelta,
    folds: k,
    slope: full.weights[0],
    intercept: full.intercept,
    age_mae: mae(ages, predicted),
    per_fold_mae: perFoldMae,
    label: labelColumn,
    per_label: perLabel,
    rate_tests: rateTests,
    scans: rows.map((r, i) => ({
      subject: r.subject,
      session: r.session,
      age: r.age,
      tau_proj: r.tauProj!,
      predicted_age: predicted[i],
      gap: gaps[i],
      label: subjectLabel.get(r.subject) ?? null,
    })),
  };
}
