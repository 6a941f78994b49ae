import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/backend/select.js';
import { finetune, type FinetuneResult } from '../../../src/eval/finetune/finetune.js';
import { finetuneHistoryCsv } from '../../../src/eval/finetune/csv.js';
import { finetuneFolds, foldSplit, resolveTarget } from '../../../src/eval/finetune/data.js';
import { readFinetuneCsv } from '../../../src/eval/report/run.js';
import { labelledCohort, writeNoneRun, N } from './fixtures.js';

let root: string;
let runDir: string;
let result: FinetuneResult;
const data = labelledCohort(6);
const options = {
  target: 'diagnosis',
  folds: 3,
  epochs: 4,
  batchSize: 4,
  learningRate: 3e-3,
  seed: 5,
  loadVolume: data.loadVolume,
};
let tensorsBefore = 0;
let tensorsAfter = 0;

describe('finetune', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'lssl-finetune-'));
    runDir = join(root, 'none');
    await writeNoneRun(runDir);
    tensorsBefore = tf.memory().numTensors;
    result = await finetune(runDir, data.cohort, options);
    tensorsAfter = tf.memory().numTensors;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('fine-tuning the encoder reaches better-than-chance balanced accuracy on a planted signal', () => {
    expect(result.kind).toBe('class');
    expect(result.classes).toEqual(['AD', 'CN']);
    expect(result.method).toBe('none');
    expect(result.balanced_accuracy!, JSON.stringify(result.per_fold)).toBeGreaterThanOrEqual(0.75);
    const last = result.convergence.test.curve[result.convergence.test.curve.length - 1]!;
    expect(last).toBeGreaterThan(0.5);
  });

  it('records one history row per fold × epoch, with validation and test metrics', () => {
    expect(result.history).toHaveLength(3 * 4);
    expect(result.history.map((h) => `${h.fold}:${h.epoch}`)).toEqual(
      [1, 2, 3].flatMap((f) => [1, 2, 3, 4].map((e) => `${f}:${e}`)),
    );
    for (const h of result.history) {
      expect(Number.isFinite(h.train_loss)).toBe(true);
      expect(h.test.balanced_accuracy).toBeGreaterThanOrEqual(0);
      expect(h.test.auc).toBeGreaterThanOrEqual(0);
      expect(h.validation.loss).not.toBeNull();
    }
    expect(result.per_fold.n_test.reduce((s, v) => s! + v!, 0)).toBe(24);
  });

  it('summarises convergence: mean curve over folds, epochs to the threshold, area under the curve', () => {
    const { test, threshold } = result.convergence;
    expect(threshold).toBe(0.7);
    const byHand = [1, 2, 3, 4].map((e) => {
      const rows = result.history.filter((h) => h.epoch === e);
      return rows.reduce((s, h) => s + h.test.balanced_accuracy!, 0) / rows.length;
    });
    test.curve.forEach((v, i) => expect(v).toBeCloseTo(byHand[i], 12));
    const first = byHand.findIndex((v) => v >= 0.7);
    expect(test.epochs_to_threshold).toBe(first < 0 ? null : first + 1);
    expect(test.area_under_curve).toBeCloseTo(byHand.reduce((s, v) => s + v, 0) / 4, 12);
    // the reported figure is each fold's test balanced accuracy at its lowest-validation-loss epoch
    result.per_fold.best_epoch.forEach((epoch, f) => {
      const row = result.history.find((h) => h.fold === f + 1 && h.epoch === epoch)!;
      expect(result.per_fold.balanced_accuracy[f]).toBe(row.test.balanced_accuracy);
      const losses = result.history.filter((h) => h.fold === f + 1).map((h) => h.validation.loss!);
      expect(row.validation.loss).toBe(Math.min(...losses));
    });
  });

  it('leaves no tensors behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('is deterministic for a seed: bit for bit on cpu, to float rounding on wasm (threaded sums)', async () => {
    const small = { ...options, folds: 2, epochs: 2 };
    const strip = (r: FinetuneResult) => r.history.map(({ seconds: _, ...rest }) => rest);
    const a = await finetune(runDir, data.cohort, small);
    const b = await finetune(runDir, data.cohort, small);
    const flat = (r: FinetuneResult) => strip(r).flatMap((h) => [h.train_loss, h.validation.loss!, h.test.loss!]);
    flat(b).forEach((v, i) => expect(v).toBeCloseTo(flat(a)[i], 5));
    await initBackend('cpu');
    try {
      // cpu's conv3d backprop is slow: a smaller cohort and one epoch
      const few = labelledCohort(3);
      const tiny = { ...small, epochs: 1, loadVolume: few.loadVolume };
      const c = await finetune(runDir, few.cohort, tiny);
      const d = await finetune(runDir, few.cohort, tiny);
      expect(strip(d)).toEqual(strip(c));
    } finally {
      await initBackend('wasm');
    }
  });

  it('writes the CSV the report reads (round trip through readFinetuneCsv)', () => {
    const file = join(root, 'none', 'finetune-diagnosis.csv');
    writeFileSync(file, finetuneHistoryCsv(result.history, result.kind));
    const curve = readFinetuneCsv(file);
    expect(curve.name).toBe('diagnosis');
    const point = (split: string, metric: string, epoch: number) =>
      curve.points.find((p) => p.split === split && p.metric === metric && p.epoch === epoch)?.value;
    for (const epoch of [1, 2, 3, 4]) {
      const rows = result.history.filter((h) => h.epoch === epoch);
      const avg = (f: (h: (typeof rows)[number]) => number) => rows.reduce((s, h) => s + f(h), 0) / rows.length;
      expect(point('train', 'loss', epoch)).toBeCloseTo(
        avg((h) => h.train_loss),
        12,
      );
      expect(point('validation', 'loss', epoch)).toBeCloseTo(
        avg((h) => h.validation.loss!),
        12,
      );
      expect(point('test', 'balanced_accuracy', epoch)).toBeCloseTo(
        avg((h) => h.test.balanced_accuracy!),
        12,
      );
      expect(point('test', 'auc', epoch)).toBeCloseTo(
        avg((h) => h.test.auc!),
        12,
      );
      expect(point('train', 'auc', epoch)).toBeUndefined();
    }
    expect(new Set(curve.points.map((p) => p.metric))).toEqual(new Set(['loss', 'balanced_accuracy', 'auc']));
  });

  it('fine-tunes a numeric target (age) with MAE and r', async () => {
    const numeric = await finetune(runDir, data.cohort, { ...options, target: 'age', folds: 2, epochs: 2 });
    expect(numeric.kind).toBe('numeric');
    expect(numeric.history).toHaveLength(4);
    expect(numeric.mae).toBeGreaterThan(0);
    for (const h of numeric.history) expect(h.test.mae).toBeGreaterThan(0);
    expect(finetuneHistoryCsv(numeric.history, 'numeric').split('\n')[0]).toBe(
      'fold,epoch,split,loss,mae,r,lr,seconds',
    );
  });
});

describe('finetune folds', () => {
  it('leak no subject: every subject tested once, train/validation/test disjoint in each fold', () => {
    const { cohort, loadVolume } = labelledCohort(7);
    const resolved = resolveTarget(cohort, 'diagnosis');
    const folds = finetuneFolds(resolved, 4, { seed: 3 });
    const tested = folds.flatMap((f) => f.test).sort();
    expect(tested).toEqual(cohort.subjects.map((s) => s.id).sort());
    for (const fold of folds) {
      const split = foldSplit(resolved, fold, [N, N, N], (ref) =>
        loadVolume({ subject: ref.subject, session: ref.session! } as never),
      );
      const subjectsOf = (refs: { subject: string }[]) => new Set(refs.map((r) => r.subject));
      const train = subjectsOf(split.data.train.scans);
      const validation = subjectsOf(split.validation);
      const test = subjectsOf(split.test);
      expect(validation.size).toBeGreaterThan(0);
      for (const s of test) expect(train.has(s) || validation.has(s)).toBe(false);
      for (const s of validation) expect(train.has(s)).toBe(false);
      expect(split.data.validation.scans).toEqual(split.validation);
      expect(train.size + validation.size + test.size).toBe(14);
    }
  });

  it('a class absent from a fold is a clear error naming the fold, part and class', async () => {
    const { cohort, loadVolume } = labelledCohort(6, { MCI: 1 });
    expect(() => finetuneFolds(resolveTarget(cohort, 'diagnosis'), 3)).toThrow(
      /fold \d of 3: class 'MCI' of 'diagnosis' is absent from the (train|test) subjects.*fewer folds/,
    );
    await expect(
      finetune(join(tmpdir(), 'unused'), cohort, { target: 'diagnosis', folds: 3, loadVolume }),
    ).rejects.toThrow(/class 'MCI'/);
  });

  it('an unknown target column is an error listing the columns', () => {
    const { cohort } = labelledCohort(2);
    expect(() => resolveTarget(cohort, 'sex')).toThrow(/no column 'sex' \(columns: age, diagnosis\)/);
  });
});
