/**
 * Subject-level folds for the probes, on top of io/pairs' `subjectFolds`: every subject is
 * in exactly one test fold, so no subject's scans are ever in both train and test (the
 * leak of the public LSSL code that docs/references.md warns about).
 */
import type { CovariateValue, Subject } from './cohort.js';
import { subjectFolds } from './pairs.js';

export interface TrainTestFold {
  /** subject ids */
  train: string[];
  test: string[];
}

/**
 * k folds of the given subjects; with `labels`, stratified so each fold holds every label in
 * the cohort's proportions. Deterministic for a seed.
 */
export function foldsBySubject(subjectIds: readonly string[], k: number, seed: number, labels?: ReadonlyMap<string, string>): TrainTestFold[] {
  const subjects: Subject[] = subjectIds.map((id) => ({
    id,
    covariates: (labels ? { label: labels.get(id) ?? null } : {}) as Record<string, CovariateValue>,
    scans: [],
  }));
  return subjectFolds(subjects, k, { stratifyBy: labels ? 'label' : undefined, seed, validationFraction: 0 }).map((fold) => ({
    train: [...fold.train, ...fold.validation],
    test: fold.test,
  }));
}
