/**
 * SupCon's labelled data (issue 7): SupCon needs a class label on every scan it trains on
 * (ScanRef.label, which cohort-data.ts fills from the `stratifyBy` column, `diagnosis` by
 * default). A scan without one is an error in the loss (supcon.ts); a caller that
 * prefers to train on the labelled part (`--drop-unlabelled`) filters the data here first.
 */
import { inputError } from '../errors.js';
import type { PairRef, ScanRef, SplitData, TrainingData } from '../train/data.js';

export function hasLabel(scan: ScanRef): boolean {
  return scan.label !== undefined && scan.label !== null && scan.label !== '';
}

export interface DroppedScans {
  data: TrainingData;
  /** keys of the scans left out, train and validation */
  dropped: string[];
}

function labelledSplit(split: SplitData, dropped: string[]): SplitData {
  const scans = split.scans.filter((s) => {
    if (!hasLabel(s)) dropped.push(s.key);
    return hasLabel(s);
  });
  const pairs = split.pairs.filter((p: PairRef) => hasLabel(p.earlier) && hasLabel(p.later));
  return { scans, pairs };
}

/**
 * The same data without the scans (and the pairs touching them) that have no label.
 * Refuses to leave no labelled training scan; says which column is missing.
 */
export function dropUnlabelled(data: TrainingData, labelColumn = 'diagnosis'): DroppedScans {
  const dropped: string[] = [];
  const train = labelledSplit(data.train, dropped);
  const validation = labelledSplit(data.validation, dropped);
  if (train.scans.length === 0) {
    throw inputError(
      `no training scan has a '${labelColumn}' label (all ${data.train.scans.length} are missing it), so supcon has nothing to train on`,
    );
  }
  return { data: { ...data, train, validation, loadVolume: (scan) => data.loadVolume(scan) }, dropped };
}
