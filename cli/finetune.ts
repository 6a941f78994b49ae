/**
 * `lssl finetune RUN SOURCE --target COLUMN`: the run's encoder + a small head trained end
 * to end per subject fold; writes the per-epoch history to RUN/finetune-<target>.csv (read
 * by `lssl report`) and prints the test metrics and the convergence summary.
 */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { finetune, type FinetuneEpoch, type FinetuneResult } from '../src/eval/finetune/finetune.js';
import { finetuneCsvName, finetuneHistoryCsv } from '../src/eval/finetune/csv.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { interruptOnSigint } from '../src/train/interrupt.js';
import { createProgressPrinter } from '../src/train/progress.js';
import { loadCohortFromArgs, withCohortSource, type CohortSourceArgs } from './cohort.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

interface Args extends CohortSourceArgs {
  target: string;
  folds: number;
  epochs: number;
  lr: number;
  batch: number;
  seed: number;
  kind: 'auto' | 'class' | 'numeric';
  validation: number;
  patience?: number;
  threshold?: number;
  cache?: string;
  out?: string;
  json: boolean;
}

const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

/** One stderr line per fold × epoch. */
export function formatEpoch(row: FinetuneEpoch, folds: number, epochs: number): string {
  const metrics = (m: FinetuneEpoch['test']) =>
    m.balanced_accuracy !== undefined
      ? `loss ${fixed(m.loss, 4)} bacc ${fixed(m.balanced_accuracy)} auc ${fixed(m.auc)}`
      : `loss ${fixed(m.loss, 4)} mae ${fixed(m.mae)} r ${fixed(m.r)}`;
  return `fold ${row.fold}/${folds} epoch ${row.epoch}/${epochs} train loss ${fixed(row.train_loss, 4)} | validation ${metrics(row.validation)} | test ${metrics(row.test)} ${row.seconds.toFixed(1)}s\n`;
}

/** The human-readable summary printed without --json. */
export function formatFinetune(result: FinetuneResult, out: string): string {
  const names = result.kind === 'class' ? (['balanced_accuracy', 'auc'] as const) : (['mae', 'r'] as const);
  const { convergence: c } = result;
  const lines = [
    `fine-tuned the ${result.method} encoder on '${result.target}' (${result.kind === 'class' ? `classes ${result.classes.join(', ')}` : 'numeric'}): ${result.n_scans} scans, ${result.n_subjects} subjects, ${result.folds} folds by subject, ${result.epochs} epochs`,
    `test metrics at the epoch of lowest validation loss (mean over folds):`,
    ...names.map(
      (n) => `  ${n.padEnd(18)} ${fixed(result[n])}   folds: ${result.per_fold[n].map((v) => fixed(v)).join(' ')}`,
    ),
    `  best epoch per fold: ${result.per_fold.best_epoch.join(' ')}`,
    `convergence of test ${c.metric}: ${c.test.curve.map((v) => fixed(v)).join(' ')}`,
    `  epochs to ${c.metric} ${c.metric === 'mae' ? '≤' : '≥'} ${c.threshold ?? 'n/a'}: ${c.test.epochs_to_threshold ?? 'not reached'}; area under the curve (per epoch): ${fixed(c.test.area_under_curve)}`,
    `history written to ${out}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const finetuneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'finetune <run-dir> <source>',
  describe: "fine-tune a run's encoder + head end to end per subject fold; per-epoch history (convergence)",
  builder: (y) =>
    withCohortSource(
      y.positional('run-dir', {
        type: 'string',
        demandOption: true,
        describe: 'run folder written by lssl train (a none run gives the random-init floor)',
      }),
    )
      .option('target', { type: 'string', demandOption: true, describe: 'column to predict (e.g. diagnosis, age)' })
      .option('folds', { type: 'number', default: 5, describe: 'folds by subject' })
      .option('epochs', { type: 'number', default: 15, describe: 'epochs per fold' })
      .option('lr', { type: 'number', default: 1e-3, describe: 'Adam learning rate' })
      .option('batch', { type: 'number', default: 8, describe: 'scans per step' })
      .option('seed', {
        type: 'number',
        default: 0,
        describe: 'seed of the folds, head initialisation and batch order',
      })
      .option('kind', {
        choices: ['auto', 'class', 'numeric'] as const,
        default: 'auto' as const,
        describe: 'target type; auto: numeric when every value is a number and there are more than 2 distinct values',
      })
      .option('validation', {
        type: 'number',
        default: 0.2,
        describe: "share of each fold's training subjects held out for model selection",
      })
      .option('patience', {
        type: 'number',
        describe: 'stop a fold after this many epochs without a lower validation loss (default: run every epoch)',
      })
      .option('threshold', {
        type: 'number',
        defaultDescription: '0.7 for a class target, none for a numeric one',
        describe: 'balanced accuracy or MAE to reach, for the epochs-to-threshold figure',
      })
      .option('cache', { type: 'string', describe: 'preprocessed cache folder (default $LSSL_CACHE or ./.lssl-cache)' })
      .option('out', { type: 'string', describe: 'history CSV to write (default RUN/finetune-<target>.csv)' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the result as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    await startBackend(args, args.json);
    const runDir = (args as unknown as Record<string, string>)['run-dir'];
    const out = args.out ?? join(runDir, finetuneCsvName(args.target));
    const cohort = await loadCohortFromArgs(args);
    const bar = createProgressPrinter(process.stderr);
    const interrupt = interruptOnSigint(() =>
      process.stderr.write('\nstopping after this step (Ctrl-C again to quit now)\n'),
    );
    try {
      const result = await finetune(runDir, cohort, {
        target: args.target,
        kind: args.kind,
        folds: args.folds,
        epochs: args.epochs,
        learningRate: args.lr,
        batchSize: args.batch,
        seed: args.seed,
        validationFraction: args.validation,
        patience: args.patience,
        threshold: args.threshold,
        cacheDir: args.cache,
        signal: interrupt.signal,
        onProgress: (_fold, _folds, event) => {
          if (event.type === 'step') bar(event);
        },
        onEpoch: (row, folds) => {
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K'); // clear the step bar
          process.stderr.write(formatEpoch(row, folds, args.epochs));
        },
      });
      await writeFileAtomic(out, finetuneHistoryCsv(result.history, result.kind));
      if (args.json) printJson({ ...result, history: undefined, out });
      else process.stdout.write(formatFinetune(result, out));
    } finally {
      interrupt.dispose();
    }
  },
};
