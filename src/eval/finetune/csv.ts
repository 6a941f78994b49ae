/**
 * RUN/finetune-<target>.csv: the fine-tuning history in the long form the report reads
 * (report/run.ts readFinetuneCsv): one row per fold × epoch × split, with columns
 * `fold,epoch,split,loss,<metrics>,lr,seconds`. Split `train` carries the training loss
 * only; `validation` and `test` the loss and balanced_accuracy, auc (classes) or mae, r
 * (numeric). An undefined value is an empty cell.
 */
import type { FinetuneEpoch } from './finetune.js';
import type { TargetKind } from '../probe/probe.js';

export const FINETUNE_SPLITS = ['train', 'validation', 'test'] as const;

const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

/** The CSV text for `history` (FinetuneResult.history) of a `kind` target. */
export function finetuneHistoryCsv(history: readonly FinetuneEpoch[], kind: TargetKind): string {
  const metrics = kind === 'class' ? (['balanced_accuracy', 'auc'] as const) : (['mae', 'r'] as const);
  const header = ['fold', 'epoch', 'split', 'loss', ...metrics, 'lr', 'seconds'];
  const lines = history.flatMap((h) =>
    FINETUNE_SPLITS.map((split) => {
      const values: Record<string, number | null | undefined> =
        split === 'train' ? { loss: h.train_loss } : { ...h[split] };
      return [
        h.fold,
        h.epoch,
        split,
        cell(values.loss),
        ...metrics.map((m) => cell(values[m])),
        h.learning_rate,
        split === 'train' ? h.seconds.toFixed(3) : '',
      ].join(',');
    }),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** Default output path: RUN/finetune-<target>.csv with the target made file-name safe. */
export function finetuneCsvName(target: string): string {
  return `finetune-${target.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`;
}
