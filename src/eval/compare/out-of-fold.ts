/**
 * The linear probe of probe.ts, keeping what it throws away: every test row's out-of-fold
 * prediction, with its subject and fold, as a `PredictionRun` for `compareMethods`.
 * Same design rows, same subject folds (stratified by each subject's last label), same
 * inner-CV choice of the regularisation and the same fits (probe-fold.ts), so the fold
 * metrics computed from these rows equal `probe()`'s per-fold numbers (tested).
 *
 * The fold seed defaults to the run's seed: with seeds 0, 1, 2 per method, seed i of every
 * method is probed on the same folds, so methods pair fold by fold as well as by subject.
 */
import { inputError } from '../../errors.js';
import { compareIds } from '../../io/ids.js';
import type { EmbeddingsTable } from '../embeddings-csv.js';
import { foldsBySubject } from '../../io/splits.js';
import { resolveFoldCount } from '../probe/fold-count.js';
import { matrixFromRows } from '../../math/linear.js';
import type { ProbeOptions } from '../probe/probe.js';
import { probeDesign, type DesignRow } from '../probe/design.js';
import { DEFAULT_ALPHAS, DEFAULT_LAMBDAS, fitClassFold, fitNumericFold, type FoldData } from '../probe/fold.js';
import type { ClassPredictionRow, NumericPredictionRow, PredictionRun } from './predictions.js';

/** probe.ts's rule: numeric when every value is a number and there are more than two distinct ones */
function isNumericTarget(values: string[], requested: ProbeOptions['kind']): boolean {
  if (requested === 'class' || requested === 'numeric') return requested === 'numeric';
  if (requested !== undefined && requested !== 'auto')
    throw inputError(`kind must be auto, class or numeric, not '${requested}'`);
  return values.every((v) => Number.isFinite(Number(v))) && new Set(values.map(Number)).size > 2;
}

function sortClasses(values: string[]): string[] {
  const unique = [...new Set(values)];
  return unique.sort(unique.every((v) => Number.isFinite(Number(v))) ? (a, b) => Number(a) - Number(b) : compareIds);
}

function foldData(rows: DesignRow[], y: number[], picked: number[]): FoldData {
  return {
    x: matrixFromRows(picked.map((i) => rows[i].x)),
    y: picked.map((i) => y[i]),
    subjects: picked.map((i) => rows[i].subject),
  };
}

/** Each subject's label at its last visit (by age), as probe.ts stratifies. */
function lastLabels(rows: DesignRow[]): Map<string, string> {
  const label = new Map<string, string>();
  const lastAge = new Map<string, number>();
  for (const r of rows) {
    if (!(r.age < (lastAge.get(r.subject) ?? -Infinity))) {
      label.set(r.subject, r.target!);
      lastAge.set(r.subject, r.age);
    }
  }
  return label;
}

/**
 * Runs the probe on `table` (the embeddings of one method and seed) and returns its
 * out-of-fold predictions. `options` as for `probe()`; `options.seed` (the folds) defaults
 * to `seed`.
 */
export function outOfFoldPredictions(
  table: EmbeddingsTable,
  method: string,
  seed: number,
  options: ProbeOptions,
): PredictionRun {
  const foldSeed = options.seed ?? seed;
  const fit = { innerFolds: options.innerFolds ?? 3, seed: foldSeed, maxIterations: options.maxIterations ?? 200 };
  if (options.folds !== undefined) resolveFoldCount(options.folds, Infinity, undefined, options.target);
  const scanValues = probeDesign(table, options.target, 'z', false).flatMap((r) =>
    r.target === undefined ? [] : [r.target],
  );
  if (scanValues.length === 0) throw inputError(`target column '${options.target}' has no values`, table.file);
  const numeric = isNumericTarget(scanValues, options.kind);
  const rows = probeDesign(table, options.target, options.features ?? 'z', numeric).filter(
    (r) => r.target !== undefined,
  );
  const subjectIds = [...new Set(rows.map((r) => r.subject))];
  const rowsOfSubjects = (ids: string[]) => {
    const set = new Set(ids);
    return rows.flatMap((r, i) => (set.has(r.subject) ? [i] : []));
  };
  if (numeric) {
    const k = resolveFoldCount(options.folds, subjectIds.length, undefined, options.target, table.file);
    const y = rows.map((r) => Number(r.target));
    const bad = rows.find((_, i) => !Number.isFinite(y[i]));
    if (bad)
      throw inputError(
        `numeric target '${options.target}' must be a number, not '${bad.target}'`,
        table.file,
        bad.line,
      );
    const out: NumericPredictionRow[] = [];
    foldsBySubject(subjectIds, k, foldSeed).forEach((fold, f) => {
      const testRows = rowsOfSubjects(fold.test);
      const result = fitNumericFold(
        foldData(rows, y, rowsOfSubjects(fold.train)),
        foldData(rows, y, testRows),
        options.alphas ?? DEFAULT_ALPHAS,
        fit,
      );
      testRows.forEach((r, i) =>
        out.push({ subject: rows[r].subject, fold: f, truth: y[r], predicted: result.predictions[i] }),
      );
    });
    return { kind: 'numeric', method, seed, rows: out };
  }
  const classes = sortClasses(rows.map((r) => r.target!));
  if (classes.length < 2)
    throw inputError(
      `class target '${options.target}' needs at least 2 classes, not ${classes.length} (${classes.join(', ')})`,
    );
  const y = rows.map((r) => classes.indexOf(r.target!));
  const labels = lastLabels(rows);
  const counts = new Map(classes.map((c) => [c, [...labels.values()].filter((v) => v === c).length]));
  const k = resolveFoldCount(options.folds, subjectIds.length, counts, options.target, table.file);
  const out: ClassPredictionRow[] = [];
  foldsBySubject(subjectIds, k, foldSeed, labels).forEach((fold, f) => {
    const testRows = rowsOfSubjects(fold.test);
    const result = fitClassFold(
      foldData(rows, y, rowsOfSubjects(fold.train)),
      foldData(rows, y, testRows),
      classes.length,
      options.lambdas ?? DEFAULT_LAMBDAS,
      fit,
    );
    testRows.forEach((r, i) => {
      const scores = result.probabilities.slice(i * classes.length, (i + 1) * classes.length);
      out.push({ subject: rows[r].subject, fold: f, truth: y[r], predicted: result.predictions[i], scores });
    });
  });
  return { kind: 'class', method, seed, classes, rows: out };
}
