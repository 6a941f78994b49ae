/** Synthetic run directories for the report tests: config.json, history.csv, embeddings.csv, finetune-*.csv. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticCsv, type SyntheticOptions } from '../synthetic-table.js';

export interface FakeRunOptions {
  method: string;
  embeddings?: SyntheticOptions;
  /** keep the tau_proj column (LSSL runs) */
  tau?: boolean;
  /** history.csv text; default: 3 epochs of train + validation with a `recon` part */
  history?: string | null;
  finetune?: Record<string, string>;
  /** write no embeddings.csv */
  noEmbeddings?: boolean;
}

export const DEFAULT_HISTORY =
  [
    'epoch,split,loss,recon,lr,seconds',
    '1,train,2.5,2,0.001,1.000',
    '1,validation,2.7,2.2,0.001,0.500',
    '2,train,1.5,1.2,0.001,1.000',
    '2,validation,1.9,1.6,0.001,0.500',
    '3,train,1.1,0.9,0.0005,1.000',
    '3,validation,1.6,1.4,0.0005,0.500',
  ].join('\n') + '\n';

/** Drops the tau_proj column (the last one syntheticCsv writes). */
function withoutTau(csv: string): string {
  return (
    csv
      .trimEnd()
      .split('\n')
      .map((line) => line.slice(0, line.lastIndexOf(',')))
      .join('\n') + '\n'
  );
}

export function makeFakeRun(dir: string, options: FakeRunOptions): string {
  mkdirSync(dir, { recursive: true });
  const config = {
    format: 'lssl-run',
    formatVersion: 1,
    method: options.method,
    methodOptions: {},
    training: { epochs: 3 },
    cohort: {
      fingerprint: 'test',
      volumeShape: [16, 16, 16],
      train: { subjects: 1, scans: 1, pairs: 0 },
      validation: { subjects: 0, scans: 0, pairs: 0 },
    },
    versions: { lssl: 'test', tfjs: 'test', node: process.version },
    backend: 'cpu',
    created: '2026-01-01T00:00:00.000Z',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  if (options.history !== null) writeFileSync(join(dir, 'history.csv'), options.history ?? DEFAULT_HISTORY);
  if (!options.noEmbeddings) {
    const csv = syntheticCsv(options.embeddings);
    writeFileSync(join(dir, 'embeddings.csv'), options.tau ? csv : withoutTau(csv));
  }
  for (const [name, text] of Object.entries(options.finetune ?? {}))
    writeFileSync(join(dir, `finetune-${name}.csv`), text);
  return dir;
}
