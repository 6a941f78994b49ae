/** `lssl probe`: linear probe of frozen embeddings (logistic for classes, ridge for numbers). */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { readEmbeddingsCsv } from '../src/eval/embeddings-csv.js';
import { probe, type ProbeResult } from '../src/eval/probe/probe.js';
import { PROBE_FEATURES, type ProbeFeatures } from '../src/eval/probe/design.js';
import { probeResultCsv } from '../src/eval/probe/csv.js';
import { runtimeError } from '../src/errors.js';
import { printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  embeddings: string;
  target: string;
  folds?: number;
  features: ProbeFeatures;
  out?: string;
  json: boolean;
  seed: number;
  kind: 'auto' | 'class' | 'numeric';
  positive?: string;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw runtimeError(`cannot write ${path}: ${(error as Error).message.split('\n')[0]}`, path, error);
  }
}

const fixed = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits));

function sd(values: (number | null)[]): string {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length < 2) return 'n/a';
  const m = defined.reduce((s, v) => s + v, 0) / defined.length;
  return Math.sqrt(defined.reduce((s, v) => s + (v - m) ** 2, 0) / (defined.length - 1)).toFixed(3);
}

/** The human-readable summary printed without --json. */
export function formatProbe(result: ProbeResult): string {
  const lines = [
    `probe of '${result.target}' from ${result.features} features: ${result.n_rows} rows, ${result.n_subjects} subjects, ${result.folds} folds by subject` +
      (result.n_missing > 0 ? ` (${result.n_missing} rows without a value left out)` : ''),
  ];
  if (result.kind === 'class') {
    lines.push(
      `softmax regression over classes ${result.classes.join(', ')}${result.positive === null ? '' : ` (positive: ${result.positive})`}`,
    );
    for (const key of ['balanced_accuracy', 'auc', 'sensitivity', 'specificity'] as const) {
      lines.push(
        `  ${key.padEnd(18)} ${fixed(result[key])} ± ${sd(result.per_fold[key])}   folds: ${result.per_fold[key].map((v) => fixed(v)).join(' ')}`,
      );
    }
    lines.push('  confusion (rows true, columns predicted):');
    const width = Math.max(...result.classes.map((c) => c.length), 5);
    lines.push(`  ${''.padEnd(width)} ${result.classes.map((c) => c.padStart(width)).join(' ')}`);
    result.confusion.forEach((row, t) =>
      lines.push(`  ${result.classes[t].padEnd(width)} ${row.map((v) => String(v).padStart(width)).join(' ')}`),
    );
    lines.push(
      `  lambda per fold: ${result.per_fold.lambda.join(' ')}; iterations: ${result.per_fold.iterations.join(' ')}`,
    );
  } else {
    lines.push('ridge regression');
    lines.push(
      `  mae  ${fixed(result.mae)} ± ${sd(result.per_fold.mae)}   folds: ${result.per_fold.mae.map((v) => fixed(v)).join(' ')}`,
    );
    lines.push(
      `  r    ${fixed(result.r)} ± ${sd(result.per_fold.r)}   folds: ${result.per_fold.r.map((v) => fixed(v)).join(' ')}`,
    );
    lines.push(
      `  r2   ${fixed(result.r2)} ± ${sd(result.per_fold.r2)}   folds: ${result.per_fold.r2.map((v) => fixed(v)).join(' ')}`,
    );
    lines.push(`  alpha per fold: ${result.per_fold.alpha.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export const probeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'probe <embeddings>',
  describe: 'linear probe of frozen embeddings: k folds by subject, balanced accuracy/AUC or MAE/r',
  builder: (y) =>
    y
      .positional('embeddings', {
        type: 'string',
        demandOption: true,
        describe: 'embeddings.csv written by `lssl embed`',
      })
      .option('target', { type: 'string', demandOption: true, describe: 'column to predict (e.g. diagnosis, age)' })
      .option('folds', {
        type: 'number',
        defaultDescription: '5, or fewer if the smallest class has fewer subjects',
        describe: 'folds by subject',
      })
      .option('features', {
        choices: PROBE_FEATURES as ProbeFeatures[],
        default: 'z' as ProbeFeatures,
        describe: 'z per scan, delta = (z_later − z_earlier)/Δt per consecutive visit pair, or both',
      })
      .option('out', { type: 'string', describe: 'write per-fold metrics (and mean, sd) to this CSV' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the fold assignment' })
      .option('kind', {
        choices: ['auto', 'class', 'numeric'] as const,
        default: 'auto' as const,
        describe: 'target type; auto: numeric when every value is a number and there are more than 2 distinct values',
      })
      .option('positive', {
        type: 'string',
        describe: 'positive class of a binary target (default: the non-control class)',
      }),
  handler: async (args) => {
    const table = readEmbeddingsCsv(args.embeddings);
    const result = probe(table, {
      target: args.target,
      folds: args.folds,
      features: args.features,
      seed: args.seed,
      kind: args.kind,
      positive: args.positive,
    });
    if (args.out) await writeAtomic(args.out, probeResultCsv(result));
    if (args.json) return printJson(result);
    process.stdout.write(formatProbe(result));
    if (args.out) process.stdout.write(`per-fold metrics written to ${args.out}\n`);
  },
};
