/**
 * How many subject folds a probe uses. Asked for, the count is checked against the subjects
 * and, for a class target, every class (each test fold needs every class); not asked for, it
 * is 5 or fewer — as many as the smallest class allows, or for a numeric target half the
 * subjects (two per test fold, so R² is defined) — so a pilot cohort of 6 subjects is probed
 * with 2 or 3 folds instead of being refused or aborting.
 */
import { inputError } from '../../errors.js';

export const DEFAULT_FOLDS = 5;

/**
 * `requested` folds checked, or the default chosen; `classCounts` holds the subjects per
 * class (undefined for a numeric target).
 */
export function resolveFoldCount(
  requested: number | undefined,
  subjects: number,
  classCounts: ReadonlyMap<string, number> | undefined,
  target: string,
  file?: string,
): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 2))
    throw inputError(`folds must be an integer ≥ 2, not ${requested}`);
  const smallest = classCounts ? [...classCounts].sort((a, b) => a[1] - b[1])[0] : undefined;
  if (smallest && smallest[1] < 2)
    throw inputError(
      `class '${smallest[0]}' of '${target}' has ${smallest[1]} subject(s): a probe needs at least 2 subjects per class (one to train on, one to test on)`,
      file,
    );
  if (subjects < 2)
    throw inputError(`a probe needs at least 2 subjects with a '${target}' value, not ${subjects}`, file);
  const allowed = Math.min(subjects, smallest ? smallest[1] : subjects);
  // a numeric target's R² needs ≥ 2 test subjects per fold (one row each with delta features)
  if (requested === undefined)
    return Math.min(DEFAULT_FOLDS, smallest ? allowed : Math.max(2, Math.floor(subjects / 2)));
  if (requested > subjects)
    throw inputError(
      `${requested} folds need at least ${requested} subjects with a '${target}' value, not ${subjects} (use --folds ${allowed} or fewer)`,
      file,
    );
  if (smallest && requested > smallest[1])
    throw inputError(
      `class '${smallest[0]}' of '${target}' has ${smallest[1]} subject(s), fewer than the ${requested} folds: every test fold needs every class (use --folds ${allowed} or fewer)`,
      file,
    );
  return requested;
}
