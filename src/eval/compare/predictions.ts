/**
 * What a comparison of methods consumes: for each method and seed, the out-of-fold
 * predictions of a probe, one row per probe row (a scan for `z` features, a pair of visits
 * for `delta`), each tagged with its subject and the outer fold that held the subject out.
 * `runsByMethod` groups and checks them: every run of a comparison must cover the same
 * subjects, and every method the same seeds, so results pair by subject and by seed.
 */
import { inputError } from '../../errors.js';

export interface ClassPredictionRow {
  subject: string;
  /** outer fold (0-based) whose test set held this subject */
  fold: number;
  /** true class index into the run's `classes` */
  truth: number;
  /** predicted class index */
  predicted: number;
  /** class probabilities [classes] (for AUC) */
  scores: ArrayLike<number>;
}

export interface NumericPredictionRow {
  subject: string;
  fold: number;
  truth: number;
  predicted: number;
}

export interface ClassRun {
  kind: 'class';
  method: string;
  seed: number;
  classes: string[];
  rows: ClassPredictionRow[];
}

export interface NumericRun {
  kind: 'numeric';
  method: string;
  seed: number;
  rows: NumericPredictionRow[];
}

export type PredictionRun = ClassRun | NumericRun;

export interface RunsByMethod {
  kind: 'class' | 'numeric';
  /** method names in order of first appearance */
  methods: string[];
  /** ascending, the same for every method */
  seeds: number[];
  /** subject ids in order of first appearance in the first run, the same for every run */
  subjects: string[];
  /** runs[method][seed index] */
  runs: Map<string, PredictionRun[]>;
}

function subjectsOf(run: PredictionRun): string[] {
  return [...new Set(run.rows.map((r) => r.subject))];
}

function checkRows(run: PredictionRun): void {
  const where = `method ${run.method}, seed ${run.seed}`;
  if (run.rows.length === 0) throw inputError(`no predictions for ${where}`);
  const folds = new Map<string, number>();
  for (const row of run.rows) {
    if (!Number.isFinite(row.truth) || !Number.isFinite(row.predicted))
      throw inputError(`non-finite prediction or truth for subject ${row.subject} (${where})`);
    if (!Number.isInteger(row.fold) || row.fold < 0)
      throw inputError(`fold must be an integer ≥ 0, not ${row.fold} (subject ${row.subject}, ${where})`);
    if ((folds.get(row.subject) ?? row.fold) !== row.fold)
      throw inputError(
        `subject ${row.subject} is in two test folds (${where}): out-of-fold predictions put each subject in one`,
      );
    folds.set(row.subject, row.fold);
  }
  if (run.kind === 'class') {
    const k = run.classes.length;
    for (const row of run.rows) {
      for (const c of [row.truth, row.predicted]) {
        if (!Number.isInteger(c) || c < 0 || c >= k)
          throw inputError(`class index ${c} is outside 0..${k - 1} (subject ${row.subject}, ${where})`);
      }
      if (row.scores.length !== k)
        throw inputError(
          `scores need one value per class (${k}), not ${row.scores.length} (subject ${row.subject}, ${where})`,
        );
    }
  }
}

/** Groups runs by method and checks that they pair: one kind, same classes, same subjects, same seeds. */
export function runsByMethod(runs: readonly PredictionRun[]): RunsByMethod {
  if (runs.length === 0) throw inputError('a comparison needs at least one run');
  runs.forEach(checkRows);
  const first = runs[0];
  const subjects = subjectsOf(first);
  const subjectSet = new Set(subjects);
  const byMethod = new Map<string, PredictionRun[]>();
  for (const run of runs) {
    if (run.kind !== first.kind)
      throw inputError(
        `runs mix class and numeric targets (${first.method}: ${first.kind}, ${run.method}: ${run.kind})`,
      );
    if (run.kind === 'class' && first.kind === 'class' && run.classes.join('\u0000') !== first.classes.join('\u0000')) {
      throw inputError(
        `runs disagree on the classes: ${first.classes.join(', ')} (${first.method}) vs ${run.classes.join(', ')} (${run.method})`,
      );
    }
    const own = subjectsOf(run);
    const missing = subjects.filter((s) => !own.includes(s));
    const extra = own.filter((s) => !subjectSet.has(s));
    if (missing.length > 0 || extra.length > 0) {
      throw inputError(
        `method ${run.method} seed ${run.seed} has other subjects than ${first.method} seed ${first.seed} (missing: ${missing.slice(0, 5).join(', ') || 'none'}; extra: ${extra.slice(0, 5).join(', ') || 'none'}): paired comparisons need the same subjects`,
      );
    }
    const list = byMethod.get(run.method) ?? [];
    if (list.some((r) => r.seed === run.seed)) throw inputError(`method ${run.method} has seed ${run.seed} twice`);
    byMethod.set(run.method, [...list, run]);
  }
  const seeds = [
    ...new Set(
      byMethod
        .values()
        .next()
        .value!.map((r) => r.seed),
    ),
  ].sort((a, b) => a - b);
  for (const [method, list] of byMethod) {
    list.sort((a, b) => a.seed - b.seed);
    const own = list.map((r) => r.seed);
    if (own.join(',') !== seeds.join(','))
      throw inputError(
        `method ${method} has seeds ${own.join(', ')}, others ${seeds.join(', ')}: every method needs the same seeds to pair them`,
      );
  }
  return { kind: first.kind, methods: [...byMethod.keys()], seeds, subjects, runs: byMethod };
}
