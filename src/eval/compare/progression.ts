/**
 * Per-subject progression rates of an LSSL run: the slope of tau_proj (the projection of z
 * on LSSL's direction τ, Zhao et al., MedIA 2021) over the subject's visits, in units per
 * year (ordinary least squares over all its visits, so two visits give Δtau_proj/Δage),
 * and each group's mean rate with a bootstrap CI over its subjects (Efron & Tibshirani
 * 1993; BCa by default), and each group's difference from a reference group (e.g. AD − CN)
 * with a two-sample bootstrap CI. A subject with one visit has no rate and is counted, not guessed.
 */
import { inputError } from '../../errors.js';
import {
  bootstrapMean,
  bootstrapMeanDifference,
  type BootstrapMethod,
  type BootstrapOptions,
} from '../../math/bootstrap.js';
import { columnText, type EmbeddingsTable } from '../embeddings-csv.js';
import { scansBySubject } from '../probe/design.js';

export interface SubjectRate {
  subject: string;
  /** the subject's value of the group column at its last visit where known (undefined without one) */
  group: string | undefined;
  visits: number;
  /** last age − first age, years */
  years: number;
  /** d tau_proj / d age, per year */
  rate: number;
}

export interface GroupRate {
  /** the group's label; '' for all subjects together */
  group: string;
  n: number;
  mean: number;
  /** CI of the mean over subjects; null for fewer than 2 subjects */
  low: number | null;
  high: number | null;
  interval: BootstrapMethod | null;
}

export interface GroupDifference {
  group: string;
  reference: string;
  /** mean rate of `group` − mean rate of `reference`, per year */
  difference: number;
  low: number;
  high: number;
  interval: BootstrapMethod;
}

export interface ProgressionRates {
  subjects: SubjectRate[];
  /** one per group in sorted order, then all subjects (group '') */
  groups: GroupRate[];
  /** with `reference`: every other group's mean rate minus the reference group's, with a two-sample bootstrap CI */
  differences: GroupDifference[];
  /** subjects left out for having fewer than two visits with tau_proj */
  singleVisit: number;
}

/** OLS slope of y on x: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)². */
export function olsSlope(x: readonly number[], y: readonly number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i] - my);
    sxx += (v - mx) ** 2;
  });
  return sxy / sxx;
}

function groupRate(group: string, rates: number[], options: BootstrapOptions): GroupRate {
  const mean = rates.reduce((s, v) => s + v, 0) / rates.length;
  if (rates.length < 2) return { group, n: rates.length, mean, low: null, high: null, interval: null };
  const ci = bootstrapMean(rates, options);
  return { group, n: rates.length, mean: ci.estimate, low: ci.low, high: ci.high, interval: ci.method };
}

function groupDifferences(
  subjects: SubjectRate[],
  labels: string[],
  reference: string | undefined,
  bootstrap: Omit<BootstrapOptions, 'indices'>,
): GroupDifference[] {
  if (reference === undefined) return [];
  if (!labels.includes(reference))
    throw inputError(
      `reference group '${reference}' has no subject with a rate (groups: ${labels.join(', ') || 'none'})`,
    );
  const ratesOf = (label: string) => subjects.filter((s) => s.group === label).map((s) => s.rate);
  return labels
    .filter((label) => label !== reference && ratesOf(label).length >= 2 && ratesOf(reference).length >= 2)
    .map((label) => {
      const ci = bootstrapMeanDifference(ratesOf(label), ratesOf(reference), bootstrap);
      return { group: label, reference, difference: ci.estimate, low: ci.low, high: ci.high, interval: ci.method };
    });
}

/**
 * Rates per subject and per group of `group` (e.g. 'diagnosis'); with `reference` (e.g.
 * 'CN'), each other group's difference from it. Needs tau_proj in `table`.
 */
export function progressionRates(
  table: EmbeddingsTable,
  options: { group?: string; reference?: string; bootstrap?: Omit<BootstrapOptions, 'indices'> } = {},
): ProgressionRates {
  if (!table.hasTauProj)
    throw inputError('no tau_proj column: progression rates need the embeddings of an LSSL run', table.file);
  const subjects: SubjectRate[] = [];
  let singleVisit = 0;
  for (const [subject, scans] of scansBySubject(table)) {
    const visits = scans.filter((s) => s.tauProj !== undefined && Number.isFinite(s.tauProj));
    if (visits.length < 2) {
      singleVisit += 1;
      continue;
    }
    const ages = visits.map((s) => s.age);
    const years = ages[ages.length - 1] - ages[0];
    if (!(years > 0))
      throw inputError(
        `subject ${subject} has all its visits at age ${ages[0]}; a rate per year needs increasing ages`,
        table.file,
        visits[1].line,
      );
    let group: string | undefined;
    if (options.group !== undefined) {
      for (let i = scans.length - 1; i >= 0 && group === undefined; i--)
        group = columnText(table, scans[i], options.group);
    }
    subjects.push({
      subject,
      group,
      visits: visits.length,
      years,
      rate: olsSlope(
        ages,
        visits.map((s) => s.tauProj!),
      ),
    });
  }
  if (subjects.length === 0)
    throw inputError('no subject has two visits with tau_proj: no progression rate to compute', table.file);
  const labels = [...new Set(subjects.flatMap((s) => (s.group === undefined ? [] : [s.group])))].sort();
  const bootstrap = options.bootstrap ?? {};
  const groups = labels.map((label) =>
    groupRate(
      label,
      subjects.filter((s) => s.group === label).map((s) => s.rate),
      bootstrap,
    ),
  );
  groups.push(
    groupRate(
      '',
      subjects.map((s) => s.rate),
      bootstrap,
    ),
  );
  return {
    subjects,
    groups,
    differences: groupDifferences(subjects, labels, options.reference, bootstrap),
    singleVisit,
  };
}
