/**
 * The data side of fine-tuning: which scans carry the target, its kind (classes or a
 * number), subject folds (io/pairs.ts subjectFolds: stratified by class, every subject in
 * exactly one test fold, a validation split carved out of each fold's training subjects),
 * and each fold as the engine's TrainingData (train + validation subjects; the test
 * subjects are kept apart and only ever predicted).
 */
import { inputError } from '../../errors.js';
import type { Cohort, CovariateValue, Scan, Subject } from '../../io/cohort.js';
import { compareIds } from '../../io/cohort.js';
import { subjectFolds, type Fold } from '../../io/splits.js';
import type { ScanRef, SplitData, TrainingData } from '../../train/data.js';
import type { TargetKind } from '../probe/probe.js';

/** A scan with a value of the target: `label` is the class name or the number. */
export interface LabelledScan {
  ref: ScanRef & { label: string | number };
  scan: Scan;
}

export interface ResolvedTarget {
  target: string;
  kind: TargetKind;
  /** sorted class names (class targets), else [] */
  classes: string[];
  scans: LabelledScan[];
  /** scans without a value of the target, left out */
  missing: number;
}

export const scanKey = (scan: Pick<Scan, 'subject' | 'session'>) => `${scan.subject}/${scan.session}`;

/** The target's value on a scan: `age` is the scan's age, else the scan's or the subject's covariate. */
function targetValue(scan: Scan, subject: Subject, target: string): CovariateValue | undefined {
  if (target === 'age') return scan.age;
  if (target in scan.covariates) return scan.covariates[target];
  return subject.covariates[target];
}

function sortClasses(values: string[]): string[] {
  const unique = [...new Set(values)];
  const numeric = unique.every((v) => Number.isFinite(Number(v)));
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : compareIds);
}

/**
 * Finds the target's values and kind. `auto` (like the probe): numeric when every value is
 * a number and there are more than two distinct values, else classes.
 */
export function resolveTarget(cohort: Cohort, target: string, requested: TargetKind | 'auto' = 'auto'): ResolvedTarget {
  if (requested !== 'auto' && requested !== 'class' && requested !== 'numeric')
    throw inputError(`kind must be auto, class or numeric, not '${requested}'`);
  const found: { scan: Scan; value: string | number }[] = [];
  let missing = 0;
  let known = false;
  for (const subject of cohort.subjects) {
    for (const scan of subject.scans) {
      const value = targetValue(scan, subject, target);
      if (value !== undefined) known = true;
      if (value === undefined || value === null || value === '') missing++;
      else found.push({ scan, value });
    }
  }
  if (!known) {
    const names = new Set([
      'age',
      ...cohort.subjects.flatMap((s) => [
        ...Object.keys(s.covariates),
        ...s.scans.flatMap((x) => Object.keys(x.covariates)),
      ]),
    ]);
    throw inputError(`the cohort has no column '${target}' (columns: ${[...names].join(', ')})`, cohort.source);
  }
  if (found.length === 0) throw inputError(`no scan has a value of '${target}'`, cohort.source);
  const texts = found.map((f) => String(f.value));
  const allNumbers = texts.every((t) => Number.isFinite(Number(t)));
  const kind: TargetKind =
    requested !== 'auto' ? requested : allNumbers && new Set(texts.map(Number)).size > 2 ? 'numeric' : 'class';
  if (kind === 'numeric') {
    const bad = found.find((f) => !Number.isFinite(Number(f.value)));
    if (bad)
      throw inputError(
        `a numeric target needs numbers, and scan ${scanKey(bad.scan)} has '${target}' = '${bad.value}'`,
        cohort.source,
      );
    return {
      target,
      kind,
      classes: [],
      missing,
      scans: found.map(({ scan, value }) => ({ scan, ref: refOf(scan, Number(value)) })),
    };
  }
  const classes = sortClasses(texts);
  if (classes.length < 2)
    throw inputError(
      `a class target needs at least 2 classes, and '${target}' has only '${classes[0]}'`,
      cohort.source,
    );
  return {
    target,
    kind,
    classes,
    missing,
    scans: found.map(({ scan, value }) => ({ scan, ref: refOf(scan, String(value)) })),
  };
}

function refOf(scan: Scan, label: string | number): LabelledScan['ref'] {
  return { key: scanKey(scan), subject: scan.subject, session: scan.session, age: scan.age, label };
}

/**
 * k folds over the subjects that have labelled scans; class targets stratified by each
 * subject's baseline class. `validationFraction` of each fold's training subjects is held
 * out for model selection.
 */
export function finetuneFolds(
  resolved: ResolvedTarget,
  k: number,
  options: { seed?: number; validationFraction?: number } = {},
): Fold[] {
  const firstLabel = new Map<string, string | number>();
  for (const { ref } of resolved.scans) if (!firstLabel.has(ref.subject)) firstLabel.set(ref.subject, ref.label);
  const subjects: Subject[] = [...firstLabel].map(([id, label]) => ({
    id,
    covariates: { label: resolved.kind === 'class' ? String(label) : null },
    scans: [],
  }));
  const folds = subjectFolds(subjects, k, {
    stratifyBy: resolved.kind === 'class' ? 'label' : undefined,
    seed: options.seed ?? 0,
    validationFraction: options.validationFraction ?? 0.2,
  });
  if (resolved.kind === 'class') checkClassesPresent(resolved, folds);
  return folds;
}

/**
 * Every class must be among each fold's training scans (or the head cannot learn it) and
 * its test scans (or balanced accuracy and AUC are undefined): an error naming the fold,
 * the part and the class otherwise.
 */
export function checkClassesPresent(resolved: ResolvedTarget, folds: readonly Fold[]): void {
  for (const fold of folds) {
    for (const part of ['train', 'test'] as const) {
      const members = new Set(fold[part]);
      const present = new Set(resolved.scans.filter((s) => members.has(s.ref.subject)).map((s) => String(s.ref.label)));
      const absent = resolved.classes.filter((c) => !present.has(c));
      if (absent.length > 0) {
        throw inputError(
          `fold ${fold.index + 1} of ${folds.length}: class ${absent.map((c) => `'${c}'`).join(', ')} of '${resolved.target}' is absent from the ${part} subjects (${fold[part].length} subjects); use fewer folds (--folds) or more subjects of that class`,
        );
      }
    }
  }
}

export interface FoldSplit {
  /** the engine's data: train and validation subjects of the fold */
  data: TrainingData;
  /** the held-out test scans */
  test: LabelledScan['ref'][];
  validation: LabelledScan['ref'][];
}

/** One fold as TrainingData (scans only) plus its test scans; volumes from `loadVolume`. */
export function foldSplit(
  resolved: ResolvedTarget,
  fold: Fold,
  volumeShape: [number, number, number],
  loadVolume: (ref: ScanRef) => Float32Array,
): FoldSplit {
  const refsOf = (ids: readonly string[]) => {
    const members = new Set(ids);
    return resolved.scans.filter((s) => members.has(s.ref.subject)).map((s) => s.ref);
  };
  const split = (ids: readonly string[]): SplitData => ({ scans: refsOf(ids), pairs: [] });
  const validation = refsOf(fold.validation);
  return {
    data: {
      volumeShape,
      train: split(fold.train),
      validation: { scans: validation, pairs: [] },
      fingerprint: `finetune:${resolved.target}:fold${fold.index}`,
      loadVolume,
    },
    validation,
    test: refsOf(fold.test),
  };
}
