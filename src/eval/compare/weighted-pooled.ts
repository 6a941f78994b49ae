/**
 * AUC and Pearson r of pooled out-of-fold rows under row weights, in O(rows · classes)
 * per evaluation: the rows are sorted by score once, and every bootstrap resample or
 * permutation only changes the weights. An integer weight w on a row is that row repeated
 * w times (a subject drawn w times by the bootstrap; 0 = left out, as when a paired
 * permutation hands the subject's row to the other method).
 *
 * Weighted AUC is the Mann–Whitney statistic with multiplicities, ties counting ½:
 *   AUC = Σ_{i pos, j neg} wᵢ wⱼ ([sᵢ > sⱼ] + ½[sᵢ = sⱼ]) / (W_pos · W_neg),
 * so it equals metrics.rocAuc on the expanded rows (binary: the score of class 1; more
 * classes: the unweighted mean of the one-vs-rest AUCs). Weighted r is Pearson's r of the
 * expanded rows from weighted sums.
 */
import type { PredictionRun } from './predictions.js';

/** One one-vs-rest AUC, prepared once: rows in ascending score order, grouped by tied score. */
export interface AucColumn {
  /** [rows] row indices, ascending by the score of the column's class */
  order: Int32Array;
  /** [groups + 1] start of each group of tied scores in `order`, then order.length */
  groupStarts: Int32Array;
  /** [rows] 1 where the row's true class is the column's class */
  positive: Uint8Array;
}

export interface PooledRows {
  kind: 'class' | 'numeric';
  /** [rows] true class index or value */
  truth: Float64Array;
  /** [rows] index into the comparison's subjects */
  subject: Int32Array;
  /** [rows] which of the given runs the row came from (0, 1, ...) */
  source: Int32Array;
  /** class runs: one per one-vs-rest AUC (binary: class 1 only) */
  columns: AucColumn[];
  /** numeric runs: [rows] predictions */
  predicted: Float64Array;
}

/** The rows of `runs` stacked (e.g. one run, or the two runs a paired permutation mixes). */
export function pooledRows(runs: readonly PredictionRun[], subjects: readonly string[]): PooledRows {
  const index = new Map(subjects.map((s, i) => [s, i]));
  const all = runs.flatMap((run, r) => run.rows.map((row) => ({ row, source: r })));
  const truth = Float64Array.from(all, (x) => x.row.truth);
  const subject = Int32Array.from(all, (x) => index.get(x.row.subject)!);
  const source = Int32Array.from(all, (x) => x.source);
  const predicted = Float64Array.from(all, (x) => x.row.predicted);
  const first = runs[0];
  const columns: PooledRows['columns'] = [];
  if (first.kind === 'class') {
    const k = first.classes.length;
    const scoreColumns = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
    for (const c of scoreColumns) {
      const scores = Float64Array.from(all, (x) => (x.row as { scores: ArrayLike<number> }).scores[c]);
      // binary: class 1 is the positive class of the single column (as metrics.rocAuc)
      const order = Int32Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
      const starts = [0];
      for (let i = 1; i < order.length; i++) if (scores[order[i]] !== scores[order[i - 1]]) starts.push(i);
      starts.push(order.length);
      columns.push({
        order,
        groupStarts: Int32Array.from(starts),
        positive: Uint8Array.from(truth, (t) => (t === c ? 1 : 0)),
      });
    }
  }
  return { kind: first.kind, truth, subject, source, columns, predicted };
}

/** One-vs-rest weighted AUC of one column; NaN without weight on both sides. */
function weightedBinaryAuc(column: AucColumn, weights: Float64Array): number {
  const { order, groupStarts, positive } = column;
  let negativeBelow = 0;
  let numerator = 0;
  let positiveTotal = 0;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    let pos = 0;
    let neg = 0;
    for (let i = groupStarts[g]; i < groupStarts[g + 1]; i++) {
      const row = order[i];
      if (positive[row] === 1) pos += weights[row];
      else neg += weights[row];
    }
    numerator += pos * (negativeBelow + 0.5 * neg);
    negativeBelow += neg;
    positiveTotal += pos;
  }
  const denominator = positiveTotal * negativeBelow;
  return denominator > 0 ? numerator / denominator : NaN;
}

/** AUC of the weighted rows (binary, or macro one-vs-rest); NaN where a class has no weight. */
export function weightedAuc(rows: PooledRows, weights: Float64Array): number {
  let sum = 0;
  for (const column of rows.columns) sum += weightedBinaryAuc(column, weights);
  return sum / rows.columns.length;
}

/** Pearson r of (prediction, truth) over the weighted rows; NaN when either is constant. */
export function weightedR(rows: PooledRows, weights: Float64Array): number {
  let w = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < weights.length; i++) {
    w += weights[i];
    mx += weights[i] * rows.predicted[i];
    my += weights[i] * rows.truth[i];
  }
  if (!(w > 0)) return NaN;
  mx /= w;
  my /= w;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < weights.length; i++) {
    const dx = rows.predicted[i] - mx;
    const dy = rows.truth[i] - my;
    sxy += weights[i] * dx * dy;
    sxx += weights[i] * dx * dx;
    syy += weights[i] * dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** The metric of the weighted rows. */
export function weightedMetric(rows: PooledRows, weights: Float64Array, metric: 'auc' | 'r'): number {
  return metric === 'auc' ? weightedAuc(rows, weights) : weightedR(rows, weights);
}

/** Row weights from subject multiplicities: `picks` [m] subject indices (repeats allowed); `out` [rows] is filled and returned. */
export function weightsFromPicks(
  rows: PooledRows,
  picks: ArrayLike<number>,
  subjectCount: number,
  out = new Float64Array(rows.subject.length),
): Float64Array {
  const multiplicity = new Float64Array(subjectCount);
  for (let p = 0; p < picks.length; p++) multiplicity[picks[p]] += 1;
  for (let i = 0; i < out.length; i++) out[i] = multiplicity[rows.subject[i]];
  return out;
}

/** AUC(side 1) − AUC(side 0) in one pass, each row on the side `side` [rows] (0/1) gives it. */
function aucSplitDifference(rows: PooledRows, side: Uint8Array): number {
  let sum = 0;
  for (const { order, groupStarts, positive } of rows.columns) {
    // scalars, not arrays: this loop runs for every permutation of every comparison
    let below0 = 0;
    let below1 = 0;
    let numerator0 = 0;
    let numerator1 = 0;
    let positives0 = 0;
    let positives1 = 0;
    for (let g = 0; g + 1 < groupStarts.length; g++) {
      let pos0 = 0;
      let pos1 = 0;
      let neg0 = 0;
      let neg1 = 0;
      for (let i = groupStarts[g]; i < groupStarts[g + 1]; i++) {
        const row = order[i];
        const one = side[row];
        if (positive[row] === 1) {
          pos1 += one;
          pos0 += 1 - one;
        } else {
          neg1 += one;
          neg0 += 1 - one;
        }
      }
      numerator0 += pos0 * (below0 + 0.5 * neg0);
      numerator1 += pos1 * (below1 + 0.5 * neg1);
      below0 += neg0;
      below1 += neg1;
      positives0 += pos0;
      positives1 += pos1;
    }
    const auc0 = positives0 * below0 > 0 ? numerator0 / (positives0 * below0) : NaN;
    const auc1 = positives1 * below1 > 0 ? numerator1 / (positives1 * below1) : NaN;
    sum += auc1 - auc0;
  }
  return sum / rows.columns.length;
}

/** r(side 1) − r(side 0), each row counted once on its side (two passes, no allocation). */
function rSplitDifference(rows: PooledRows, side: Uint8Array): number {
  const { predicted: x, truth: y } = rows;
  let n1 = 0;
  let mx1 = 0;
  let my1 = 0;
  let mx0 = 0;
  let my0 = 0;
  for (let i = 0; i < side.length; i++) {
    if (side[i] === 1) {
      n1 += 1;
      mx1 += x[i];
      my1 += y[i];
    } else {
      mx0 += x[i];
      my0 += y[i];
    }
  }
  const n0 = side.length - n1;
  if (n0 === 0 || n1 === 0) return NaN;
  mx1 /= n1;
  my1 /= n1;
  mx0 /= n0;
  my0 /= n0;
  let sxy1 = 0;
  let sxx1 = 0;
  let syy1 = 0;
  let sxy0 = 0;
  let sxx0 = 0;
  let syy0 = 0;
  for (let i = 0; i < side.length; i++) {
    if (side[i] === 1) {
      const dx = x[i] - mx1;
      const dy = y[i] - my1;
      sxy1 += dx * dy;
      sxx1 += dx * dx;
      syy1 += dy * dy;
    } else {
      const dx = x[i] - mx0;
      const dy = y[i] - my0;
      sxy0 += dx * dy;
      sxx0 += dx * dx;
      syy0 += dy * dy;
    }
  }
  const r = (sxy: number, sxx: number, syy: number) =>
    sxx === 0 || syy === 0 ? NaN : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return r(sxy1, sxx1, syy1) - r(sxy0, sxx0, syy0);
}

/**
 * metric(rows with side 1) − metric(rows with side 0), `side` [rows] in {0, 1}: the
 * difference a paired permutation needs after it has dealt each subject's rows to a method.
 */
export function splitDifference(rows: PooledRows, side: Uint8Array, metric: 'auc' | 'r'): number {
  return metric === 'auc' ? aucSplitDifference(rows, side) : rSplitDifference(rows, side);
}
