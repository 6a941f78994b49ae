/**
 * Linear probe on frozen embeddings (the LSSL paper's downstream protocol, Zhao et al.,
 * MedIA 2021 §4): a class target gets an L2-regularised softmax regression, a numeric target
 * a ridge regression; k folds by subject (stratified for classes), regularisation chosen by
 * inner cross-validation on the training subjects, features standardised on the training
 * fold. The result is the `probe --json` object of docs/design.md: means over folds, per-fold
 * arrays, and the convergence curve (test-fold metric per optimiser iteration, mean over folds).
 */
import { inputError } from '../../errors.js';
import { compareIds } from '../../io/cohort.js';
import type { EmbeddingsTable } from '../embeddings-csv.js';
import { foldsBySubject } from '../../io/splits.js';
import { matrixFromRows } from '../../math/linear.js';
import { balancedAccuracy, confusionMatrix, mae, pearsonR, r2, rocAuc, sensitivity, specificity } from '../metrics.js';
import { probeDesign, type DesignRow, type ProbeFeatures } from './design.js';
import { DEFAULT_ALPHAS, DEFAULT_LAMBDAS, fitClassFold, fitNumericFold, type FoldData } from './fold.js';
import { resolveFoldCount } from './fold-count.js';

export type TargetKind = 'class' | 'numeric';

export interface ProbeOptions {
  /** column to predict: `age`, a covariate such as `diagnosis`, or `tau_proj` */
  target: string;
  /** subject folds (default: 5, or fewer when the smallest class or the subject count allows fewer; fold-count.ts) */
  folds?: number;
  features?: ProbeFeatures;
  seed?: number;
  /** 'auto' (default): numeric when every value is a number and there are more than two distinct values, else class */
  kind?: TargetKind | 'auto';
  /** the positive class of a binary target for sensitivity/specificity (default: see `choosePositive`) */
  positive?: string;
  /** inner folds for choosing the regularisation (default 3) */
  innerFolds?: number;
  /** softmax L2 strengths to choose from (a single value skips the inner search) */
  lambdas?: number[];
  /** ridge penalties to choose from */
  alphas?: number[];
  /** optimiser iterations per fit (default 200) */
  maxIterations?: number;
}

interface CommonResult {
  target: string;
  features: ProbeFeatures;
  folds: number;
  seed: number;
  n_rows: number;
  n_subjects: number;
  /** rows left out because the target is missing */
  n_missing: number;
}

export interface ClassProbeResult extends CommonResult {
  kind: 'class';
  classes: string[];
  /** the class counted as positive by sensitivity/specificity (binary targets) */
  positive: string | null;
  balanced_accuracy: number;
  /** binary ROC AUC, or one-vs-rest macro AUC for more classes */
  auc: number;
  /** binary: of `positive`; more classes: mean over classes (one vs rest) */
  sensitivity: number;
  specificity: number;
  /** summed over test folds; rows true class, columns predicted, in `classes` order */
  confusion: number[][];
  per_fold: {
    balanced_accuracy: number[];
    auc: number[];
    sensitivity: number[];
    specificity: number[];
    lambda: number[];
    iterations: number[];
    n_train: number[];
    n_test: number[];
  };
  curve: { iteration: number; balanced_accuracy: number; loss: number }[];
}

export interface NumericProbeResult extends CommonResult {
  kind: 'numeric';
  mae: number;
  /** null when undefined in every fold (constant predictions) */
  r: number | null;
  r2: number;
  /** r is null in a fold whose predictions are constant (e.g. a feature constant in training) */
  per_fold: { mae: number[]; r: (number | null)[]; r2: number[]; alpha: number[]; n_train: number[]; n_test: number[] };
  curve: { iteration: number; mae: number }[];
}

export type ProbeResult = ClassProbeResult | NumericProbeResult;

const CONTROL_NAMES = /^(cn|nc|hc|ctl|ctrl|control|controls|healthy|normal|smci|0|false|no|negative)$/i;

/**
 * The positive class of a binary target: the other one when one looks like a control
 * (CN, NC, HC, control, sMCI, 0, ...), else the second in sorted order.
 */
export function choosePositive(classes: readonly string[]): string {
  const controls = classes.filter((c) => CONTROL_NAMES.test(c));
  if (controls.length === 1) return classes.find((c) => c !== controls[0])!;
  return classes[classes.length - 1];
}

function targetKind(values: string[], requested: ProbeOptions['kind']): TargetKind {
  if (requested === 'class' || requested === 'numeric') return requested;
  if (requested !== undefined && requested !== 'auto')
    throw inputError(`kind must be auto, class or numeric, not '${requested}'`);
  // Two distinct numbers are a coded class (0/1, 1/2), not a quantity to regress.
  const numeric = values.every((v) => Number.isFinite(Number(v))) && new Set(values.map(Number)).size > 2;
  return numeric ? 'numeric' : 'class';
}

function sortClasses(values: string[]): string[] {
  const unique = [...new Set(values)];
  const numeric = unique.every((v) => Number.isFinite(Number(v)));
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : compareIds);
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function meanDefined(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : mean(defined);
}

function constant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Mean over folds of per-iteration curves; a fold that stopped early keeps its last value. */
function meanCurve<T extends { iteration: number }>(curves: T[][], keys: (keyof T)[]): T[] {
  const length = Math.max(...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => {
    const point = { iteration: i } as T;
    for (const key of keys)
      point[key] = mean(curves.map((c) => c[Math.min(i, c.length - 1)][key] as number)) as T[keyof T];
    return point;
  });
}

function foldData(rows: DesignRow[], y: number[], subjects: Set<string>): FoldData {
  const picked = rows.map((_, i) => i).filter((i) => subjects.has(rows[i].subject));
  return {
    x: matrixFromRows(picked.map((i) => rows[i].x)),
    y: picked.map((i) => y[i]),
    subjects: picked.map((i) => rows[i].subject),
  };
}

/** Runs the probe; throws LsslError for bad input (unknown column, too few subjects per class, ...). */
export function probe(table: EmbeddingsTable, options: ProbeOptions): ProbeResult {
  const features = options.features ?? 'z';
  const seed = options.seed ?? 0;
  const fitOptions = { innerFolds: options.innerFolds ?? 3, seed, maxIterations: options.maxIterations ?? 200 };
  if (options.folds !== undefined) resolveFoldCount(options.folds, Infinity, undefined, options.target);
  // The kind decides how pairs get their target, so look at the per-scan values first.
  const scanValues = probeDesign(table, options.target, 'z', false).flatMap((r) =>
    r.target === undefined ? [] : [r.target],
  );
  if (scanValues.length === 0) throw inputError(`target column '${options.target}' has no values`, table.file);
  const kind = targetKind(scanValues, options.kind);
  const allRows = probeDesign(table, options.target, features, kind === 'numeric');
  const rows = allRows.filter((r) => r.target !== undefined);
  const subjectIds = [...new Set(rows.map((r) => r.subject))];
  const common: CommonResult = {
    target: options.target,
    features,
    // numeric targets: checked here; class targets: against every class in classProbe
    folds:
      kind === 'numeric'
        ? resolveFoldCount(options.folds, subjectIds.length, undefined, options.target, table.file)
        : 0,
    seed,
    n_rows: rows.length,
    n_subjects: subjectIds.length,
    n_missing: allRows.length - rows.length,
  };
  if (kind === 'numeric') {
    const y = rows.map((r) => Number(r.target));
    const bad = rows.find((_r, i) => !Number.isFinite(y[i]));
    if (bad)
      throw inputError(
        `numeric target '${options.target}' must be a number, not '${bad.target}'`,
        table.file,
        bad.line,
      );
    return numericProbe(common, rows, y, subjectIds, options, fitOptions);
  }
  return classProbe(common, rows, subjectIds, options, fitOptions);
}

function classProbe(
  common: CommonResult,
  rows: DesignRow[],
  subjectIds: string[],
  options: ProbeOptions,
  fitOptions: { innerFolds: number; seed: number; maxIterations: number },
): ClassProbeResult {
  const classes = sortClasses(rows.map((r) => r.target!));
  if (classes.length < 2)
    throw inputError(
      `class target '${options.target}' needs at least 2 classes, not ${classes.length} (${classes.join(', ')})`,
    );
  const y = rows.map((r) => classes.indexOf(r.target!));
  // Stratify by each subject's label at its last visit (as the delta rows are labelled).
  const subjectLabel = new Map<string, string>();
  const lastAge = new Map<string, number>();
  for (const r of rows) {
    if (!(r.age < (lastAge.get(r.subject) ?? -Infinity))) {
      subjectLabel.set(r.subject, r.target!);
      lastAge.set(r.subject, r.age);
    }
  }
  const counts = new Map(classes.map((c) => [c, [...subjectLabel.values()].filter((v) => v === c).length]));
  common.folds = resolveFoldCount(options.folds, subjectIds.length, counts, options.target);
  const binary = classes.length === 2;
  let positive: string | null = null;
  if (binary) {
    positive = options.positive ?? choosePositive(classes);
    if (!classes.includes(positive))
      throw inputError(`positive class '${positive}' is not one of ${classes.join(', ')}`);
  }
  const positiveIndex = positive === null ? -1 : classes.indexOf(positive);
  const folds = foldsBySubject(subjectIds, common.folds, common.seed, subjectLabel);
  const perFold: ClassProbeResult['per_fold'] = {
    balanced_accuracy: [],
    auc: [],
    sensitivity: [],
    specificity: [],
    lambda: [],
    iterations: [],
    n_train: [],
    n_test: [],
  };
  const confusion = classes.map(() => classes.map(() => 0));
  const curves: ClassProbeResult['curve'][] = [];
  folds.forEach((fold, f) => {
    const train = foldData(rows, y, new Set(fold.train));
    const test = foldData(rows, y, new Set(fold.test));
    const result = fitClassFold(train, test, classes.length, options.lambdas ?? DEFAULT_LAMBDAS, fitOptions);
    try {
      const probabilityRows = Array.from({ length: test.y.length }, (_, i) =>
        result.probabilities.subarray(i * classes.length, (i + 1) * classes.length),
      );
      const oneVsRest = (c: number) => [
        sensitivity(test.y, result.predictions, c),
        specificity(test.y, result.predictions, c),
      ];
      const [sens, spec] = binary
        ? oneVsRest(positiveIndex)
        : classes
            .map((_, c) => oneVsRest(c))
            .reduce((acc, v) => [acc[0] + v[0] / classes.length, acc[1] + v[1] / classes.length], [0, 0]);
      perFold.balanced_accuracy.push(balancedAccuracy(test.y, result.predictions, classes.length));
      perFold.auc.push(
        binary
          ? rocAuc(
              test.y.map((v) => (v === positiveIndex ? 1 : 0)),
              probabilityRows.map((p) => p[positiveIndex]),
            )
          : rocAuc(test.y, probabilityRows),
      );
      perFold.sensitivity.push(sens);
      perFold.specificity.push(spec);
    } catch (error) {
      throw inputError(
        `fold ${f + 1} of ${common.folds}: ${(error as Error).message}; classes: ${classes.map((c, i) => `${i}=${c}`).join(', ')}`,
      );
    }
    confusionMatrix(test.y, result.predictions, classes.length).forEach((row, t) =>
      row.forEach((v, p) => (confusion[t][p] += v)),
    );
    perFold.lambda.push(result.lambda);
    perFold.iterations.push(result.iterations);
    perFold.n_train.push(train.y.length);
    perFold.n_test.push(test.y.length);
    curves.push(result.curve);
  });
  return {
    ...common,
    kind: 'class',
    classes,
    positive,
    balanced_accuracy: mean(perFold.balanced_accuracy),
    auc: mean(perFold.auc),
    sensitivity: mean(perFold.sensitivity),
    specificity: mean(perFold.specificity),
    confusion,
    per_fold: perFold,
    curve: meanCurve(curves, ['balanced_accuracy', 'loss']),
  };
}

function numericProbe(
  common: CommonResult,
  rows: DesignRow[],
  y: number[],
  subjectIds: string[],
  options: ProbeOptions,
  fitOptions: { innerFolds: number; seed: number; maxIterations: number },
): NumericProbeResult {
  const folds = foldsBySubject(subjectIds, common.folds, common.seed);
  const perFold: NumericProbeResult['per_fold'] = { mae: [], r: [], r2: [], alpha: [], n_train: [], n_test: [] };
  const curves: NumericProbeResult['curve'][] = [];
  folds.forEach((fold, f) => {
    const train = foldData(rows, y, new Set(fold.train));
    const test = foldData(rows, y, new Set(fold.test));
    const result = fitNumericFold(train, test, options.alphas ?? DEFAULT_ALPHAS, fitOptions);
    try {
      perFold.mae.push(mae(test.y, result.predictions));
      perFold.r.push(constant(result.predictions) ? null : pearsonR(result.predictions, test.y));
      perFold.r2.push(r2(test.y, result.predictions));
    } catch (error) {
      throw inputError(`fold ${f + 1} of ${common.folds}: ${(error as Error).message}`);
    }
    perFold.alpha.push(result.alpha);
    perFold.n_train.push(train.y.length);
    perFold.n_test.push(test.y.length);
    curves.push(result.curve);
  });
  return {
    ...common,
    kind: 'numeric',
    mae: mean(perFold.mae),
    r: meanDefined(perFold.r),
    r2: mean(perFold.r2),
    per_fold: perFold,
    curve: meanCurve(curves, ['mae']),
  };
}
