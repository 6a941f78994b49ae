/**
 * Per-subject statistics whose mean over subjects IS the metric the probe reports, so a
 * bootstrap over subjects and a paired test over subjects both speak about that metric.
 *
 * Balanced accuracy, averaged over F folds, is linear in the rows' correctness:
 *   mean_f BA_f = Σ_r w_r·[ŷ_r = y_r],   w_r = 1 / (F · K_f · n_{f,y_r}),
 * with K_f the classes present in fold f and n_{f,c} the rows of class c in fold f. A
 * subject's score is N·Σ_{r ∈ subject} w_r·[ŷ_r = y_r] (N subjects): class-weighted
 * correctness, its mean over subjects the fold-mean balanced accuracy exactly, and a
 * subject of a rare class weighs more, as it does in the metric. MAE likewise, with
 * w_r = 1 / (F · n_f). Scores of several seeds are averaged per subject.
 *
 * AUC and r are not sums over subjects (every subject's rank or deviation depends on the
 * others), so they are recomputed on each resample of subjects instead (weighted-pooled.ts):
 * the metric of the pooled out-of-fold predictions of a seed, averaged over seeds. (A test
 * fold holds a handful of subjects, too few to define AUC or r on most of its resamples.)
 */
import type { ClassRun, NumericRun, PredictionRun } from './predictions.js';

/** per-row weights w_r that turn the rows' correctness (or absolute error) into the fold-mean metric */
function foldWeights(run: PredictionRun): Float64Array {
  const folds = new Set(run.rows.map((r) => r.fold));
  const counts = new Map<string, number>();
  const classesInFold = new Map<number, Set<number>>();
  const key = (fold: number, truth: number) => (run.kind === 'class' ? `${fold}:${truth}` : `${fold}`);
  for (const row of run.rows) {
    counts.set(key(row.fold, row.truth), (counts.get(key(row.fold, row.truth)) ?? 0) + 1);
    classesInFold.set(row.fold, (classesInFold.get(row.fold) ?? new Set()).add(row.truth));
  }
  return Float64Array.from(run.rows, (row) => {
    const classes = run.kind === 'class' ? classesInFold.get(row.fold)!.size : 1;
    return 1 / (folds.size * classes * counts.get(key(row.fold, row.truth))!);
  });
}

/** Σ_r w_r·loss_r per subject, times N, in `subjects` order: [subjects] */
function subjectSums(run: PredictionRun, subjects: readonly string[], perRow: (i: number) => number): Float64Array {
  const index = new Map(subjects.map((s, i) => [s, i]));
  const weights = foldWeights(run);
  const scores = new Float64Array(subjects.length);
  run.rows.forEach((row, i) => (scores[index.get(row.subject)!] += subjects.length * weights[i] * perRow(i)));
  return scores;
}

/** Class-weighted correctness per subject [subjects]; its mean is the fold-mean balanced accuracy. */
export function balancedAccuracyScores(run: ClassRun, subjects: readonly string[]): Float64Array {
  return subjectSums(run, subjects, (i) => (run.rows[i].predicted === run.rows[i].truth ? 1 : 0));
}

/** Fold-weighted absolute error per subject [subjects]; its mean is the fold-mean MAE. */
export function absoluteErrorScores(run: NumericRun, subjects: readonly string[]): Float64Array {
  return subjectSums(run, subjects, (i) => Math.abs(run.rows[i].predicted - run.rows[i].truth));
}

/** Per-subject scores averaged over the runs (seeds) of one method: [subjects] */
export function meanOverSeeds(perSeed: Float64Array[]): Float64Array {
  const out = new Float64Array(perSeed[0].length);
  for (const scores of perSeed) scores.forEach((v, i) => (out[i] += v / perSeed.length));
  return out;
}
