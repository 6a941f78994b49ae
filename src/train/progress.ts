/**
 * Progress of a training run, reported through a callback so the library never prints.
 * `createProgressPrinter` is what the CLI plugs in: a one-line bar redrawn in place on a
 * terminal, plain lines (one per epoch and split) in a log.
 */
import type { HistoryRow } from './history.js';

export type ProgressEvent =
  | {
      type: 'step';
      /** 1-based */
      epoch: number;
      epochs: number;
      /** 1-based within the epoch */
      step: number;
      steps: number;
      loss: number;
      parts: Record<string, number>;
      learningRate: number;
      elapsedSeconds: number;
      /** estimated seconds left in the run (train steps only) */
      etaSeconds: number;
    }
  | { type: 'epoch'; epoch: number; epochs: number; rows: HistoryRow[]; improved: boolean; stop: boolean }
  | { type: 'resume'; fromEpoch: number }
  /** the first step is about to run */
  | { type: 'start'; fromEpoch: number; epochs: number; stepsPerEpoch: number }
  | { type: 'interrupted'; epoch: number; step: number }
  /** something the user should know about the run's setup (e.g. no validation data) */
  | { type: 'note'; message: string };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

const formatParts = (parts: Record<string, number>) =>
  Object.entries(parts)
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
    .join(' ');

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A callback that draws progress on `stream` (default stderr). */
export function createProgressPrinter(stream: ProgressStream = process.stderr): (event: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  let barShown = false;
  const clearBar = () => {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  };
  return (event) => {
    switch (event.type) {
      case 'step': {
        if (!tty) return;
        const width = 20;
        const filled = Math.round((width * event.step) / event.steps);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
        const line = `epoch ${event.epoch}/${event.epochs} ${bar} ${event.step}/${event.steps} loss ${event.loss.toPrecision(4)} ${formatParts(event.parts)} lr ${event.learningRate.toExponential(1)} ETA ${formatDuration(event.etaSeconds)}`;
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
        barShown = true;
        return;
      }
      case 'epoch':
        clearBar();
        for (const r of event.rows) {
          stream.write(
            `epoch ${r.epoch}/${event.epochs} ${r.split} loss ${r.loss.toPrecision(5)} ${formatParts(r.parts)} lr ${r.learningRate.toExponential(2)} ${r.seconds.toFixed(1)}s${r.split === 'validation' && event.improved ? ' (best)' : ''}\n`,
          );
        }
        if (event.stop) stream.write(`stopping early after epoch ${event.epoch}: no improvement\n`);
        return;
      case 'resume':
        stream.write(`resuming after epoch ${event.fromEpoch}\n`);
        return;
      case 'start':
        stream.write(`training epochs ${event.fromEpoch + 1}–${event.epochs}, ${event.stepsPerEpoch} steps each\n`);
        return;
      case 'note':
        clearBar();
        stream.write(`note: ${event.message}\n`);
        return;
      case 'interrupted':
        clearBar();
        stream.write(
          `interrupted in epoch ${event.epoch} at step ${event.step}; the last finished epoch's checkpoint is kept\n`,
        );
        return;
    }
  };
}
