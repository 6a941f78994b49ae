/** Rows of RUN/history.csv: one per epoch and split, with every named loss part. */

export interface HistoryRow {
  /** 1-based epoch */
  epoch: number;
  split: 'train' | 'validation';
  /** mean total loss over the split's items */
  loss: number;
  /** mean of each named part (`recon`, `cos`, `kl`, ...) */
  parts: Record<string, number>;
  learningRate: number;
  /** wall time of the split's pass */
  seconds: number;
}

/** CSV with header `epoch,split,loss,<parts>,lr,seconds`; parts in `partNames` order. */
export function historyToCsv(rows: readonly HistoryRow[], partNames: readonly string[]): string {
  const header = ['epoch', 'split', 'loss', ...partNames, 'lr', 'seconds'].join(',');
  const lines = rows.map((r) =>
    [r.epoch, r.split, r.loss, ...partNames.map((p) => r.parts[p] ?? ''), r.learningRate, r.seconds.toFixed(3)].join(
      ',',
    ),
  );
  return `${[header, ...lines].join('\n')}\n`;
}
