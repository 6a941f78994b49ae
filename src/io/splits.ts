/**
 * Every subject split in one place: cross-validation folds (`subjectFolds` with validation
 * subjects, `foldsBySubject` for the probes) and the training run's validation split
 * (`trainValidationSplit`). Splits are drawn by subject, never by scan or pair, because two
 * scans of one person are far more alike than two people: a subject seen in training and
 * tested again inflates every downstream metric (a pitfall of the public LSSL code, which
 * split pairs rather than people; docs/references.md). Stratified splits keep each label in
 * the cohort's proportions; all are deterministic for a seed.
 */
import { fraction as checkFraction } from '../checks.js';
import { inputError } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import type { Cohort, CovariateValue, Subject } from './cohort.js';
import { compareIds } from './ids.js';
import { subjectsOf } from './pairs.js';

export interface TrainTestFold {
  /** subject ids */
  train: string[];
  test: string[];
}

/**
 * k folds of the given subjects; with `labels`, stratified so each fold holds every label in
 * the cohort's proportions. Deterministic for a seed.
 */
export function foldsBySubject(
  subjectIds: readonly string[],
  k: number,
  seed: number,
  labels?: ReadonlyMap<string, string>,
): TrainTestFold[] {
  const subjects: Subject[] = subjectIds.map((id) => ({
    id,
    covariates: (labels ? { label: labels.get(id) ?? null } : {}) as Record<string, CovariateValue>,
    scans: [],
  }));
  return subjectFolds(subjects, k, { stratifyBy: labels ? 'label' : undefined, seed, validationFraction: 0 }).map(
    (fold) => ({
      train: [...fold.train, ...fold.validation],
      test: fold.test,
    }),
  );
}

export interface Fold {
  index: number;
  /** subject ids, sorted */
  train: string[];
  validation: string[];
  test: string[];
}

export interface FoldOptions {
  /** covariate whose labels each fold should hold in the cohort's proportions */
  stratifyBy?: string;
  seed?: number;
  /** share of each fold's non-test subjects held out for validation (default 0.2) */
  validationFraction?: number;
}

/**
 * k folds over subjects: each subject is in exactly one test fold; in each fold the other
 * subjects are split into train and validation (model selection must never see the test
 * subjects). Stratified by `stratifyBy` (a subject's value, or its baseline scan's when the
 * value changes over visits; missing is a label of its own). Deterministic for a seed
 * whatever the order of the input.
 */
export function subjectFolds(
  cohortOrSubjects: Cohort | readonly Subject[],
  k: number,
  options: FoldOptions = {},
): Fold[] {
  const subjects = subjectsOf(cohortOrSubjects);
  const seed = options.seed ?? 0;
  const validationFraction = options.validationFraction ?? 0.2;
  if (!Number.isInteger(k) || k < 2) throw inputError(`the number of folds must be an integer ≥ 2, not ${k}`);
  if (k > subjects.length)
    throw inputError(`cannot make ${k} folds from ${subjects.length} subjects: use at most ${subjects.length}`);
  checkFraction('validationFraction', validationFraction);
  const labels = subjectLabels(subjects, options.stratifyBy);
  const rng = createRng(seed);
  const order = stratifiedOrder(Object.keys(labels), labels, rng.fork('folds'));
  const testFold = new Map<string, number>();
  order.forEach((id, position) => testFold.set(id, position % k));
  const folds: Fold[] = [];
  for (let index = 0; index < k; index++) {
    const test = order.filter((id) => testFold.get(id) === index).sort(compareIds);
    const rest = order.filter((id) => testFold.get(id) !== index);
    const { train, validation } = splitIds(rest, validationFraction, labels, rng.fork(`validation-${index}`));
    folds.push({ index, train, validation, test });
  }
  return folds;
}

export interface SplitOptions {
  /** share held out for validation, in [0, 1) (default 0.2) */
  fraction?: number;
  seed?: number;
  /** a label per subject id, to keep each label's share equal in both parts */
  stratify?: Record<string, CovariateValue>;
}

/**
 * One train/validation split of subject ids: round(fraction·n) subjects held out (at least
 * one when fraction > 0 and n ≥ 2, never all), shared out across labels by largest remainder.
 */
export function trainValidationSplit(
  subjectIds: readonly string[],
  options: SplitOptions = {},
): { train: string[]; validation: string[] } {
  const fraction = options.fraction ?? 0.2;
  checkFraction('fraction', fraction);
  if (new Set(subjectIds).size !== subjectIds.length) throw inputError('subject ids must be distinct to split them');
  const labels: Record<string, CovariateValue> = {};
  for (const id of subjectIds) labels[id] = options.stratify?.[id] ?? null;
  return splitIds([...subjectIds], fraction, labels, createRng(options.seed ?? 0).fork('split'));
}

function splitIds(
  ids: string[],
  fraction: number,
  labels: Record<string, CovariateValue>,
  rng: Rng,
): { train: string[]; validation: string[] } {
  const n = ids.length;
  let total = Math.round(fraction * n);
  if (fraction > 0 && n >= 2) total = Math.min(Math.max(total, 1), n - 1);
  if (n < 2) total = 0;
  const strata = groupByLabel(ids, labels, rng);
  const quotas = largestRemainder(
    strata.map((s) => s.length),
    total,
  );
  const validation: string[] = [];
  const train: string[] = [];
  strata.forEach((members, s) => {
    validation.push(...members.slice(0, quotas[s]));
    train.push(...members.slice(quotas[s]));
  });
  return { train: train.sort(compareIds), validation: validation.sort(compareIds) };
}

/** Splits `total` across groups in proportion to their sizes; the sum is exactly `total`. */
export function largestRemainder(sizes: number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n === 0) return sizes.map(() => 0);
  const exact = sizes.map((m) => (total * m) / n);
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    if (quotas[i] < sizes[i]) {
      quotas[i]++;
      left--;
    }
  }
  return quotas;
}

/** Groups ids by label (labels in sorted order), each group sorted and then shuffled. */
function groupByLabel(ids: string[], labels: Record<string, CovariateValue>, rng: Rng): string[][] {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const key = labelKey(labels[id]);
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  return [...groups.keys()].sort(compareIds).map((key) => rng.shuffle(groups.get(key)!.sort(compareIds)));
}

/** Strata one after another, each shuffled: dealing position % k then balances every label. */
function stratifiedOrder(ids: string[], labels: Record<string, CovariateValue>, rng: Rng): string[] {
  return groupByLabel(ids, labels, rng).flat();
}

function labelKey(value: CovariateValue | undefined): string {
  return value === null || value === undefined ? '\u0000missing' : `${typeof value}:${value}`;
}

function subjectLabels(subjects: readonly Subject[], stratifyBy: string | undefined): Record<string, CovariateValue> {
  const labels: Record<string, CovariateValue> = {};
  let known = stratifyBy === undefined;
  for (const subject of subjects) {
    if (subject.id in labels) throw inputError(`subject ${subject.id} appears twice; folds need distinct subjects`);
    if (stratifyBy === undefined) {
      labels[subject.id] = null;
      continue;
    }
    const baseline = subject.scans[0]?.covariates ?? {};
    const value = stratifyBy in subject.covariates ? subject.covariates[stratifyBy] : baseline[stratifyBy];
    if (stratifyBy in subject.covariates || stratifyBy in baseline) known = true;
    labels[subject.id] = value ?? null;
  }
  if (!known) {
    const names = new Set(
      subjects.flatMap((s) => [...Object.keys(s.covariates), ...Object.keys(s.scans[0]?.covariates ?? {})]),
    );
    throw inputError(
      `cannot stratify by unknown column "${stratifyBy}" (covariates: ${[...names].join(', ') || 'none'})`,
    );
  }
  return labels;
}
