/**
 * `lssl compare CSV_OR_RUN... --target COL`: methods compared over seeds × subject folds,
 * each metric with a 95 % CI (bootstrap over subjects, seeds pooled) and every method's
 * paired difference from the references (`lssl`, `none`) with its CI and permutation
 * p-value (src/eval/compare/, docs/compare.md). Prints the verdict lines; with --out writes
 * compare.csv and verdict.txt.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { compareCsv } from '../src/eval/compare/compare-csv.js';
import { compareEmbeddings } from '../src/eval/compare/compare-embeddings.js';
import { loadCompareInputs } from '../src/eval/compare/compare-inputs.js';
import type { Comparison } from '../src/eval/compare/compare.js';
import { METRIC_LABELS, verdictRows } from '../src/eval/compare/verdict.js';
import { PROBE_FEATURES, type ProbeFeatures } from '../src/eval/probe/design.js';
import { commaList } from './report.js';
import { printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  inputs: string[];
  target: string;
  features: ProbeFeatures;
  folds?: number;
  reference?: string;
  focus: string;
  labels?: string;
  embeddings: string;
  resamples: number;
  out?: string;
  json: boolean;
}

/** One line per method and metric: "lssl  balanced accuracy 0.91 [0.85, 0.96]". */
export function estimateLines(comparison: Comparison): string[] {
  const width = Math.max(...comparison.methods.map((m) => m.length));
  return comparison.metrics.map((m) => {
    const value = Number.isNaN(m.estimate)
      ? 'undefined'
      : `${m.estimate.toFixed(3)} [${m.low.toFixed(3)}, ${m.high.toFixed(3)}]`;
    return `${m.method.padEnd(width)}  ${METRIC_LABELS[m.metric]} ${value}`;
  });
}

export const compareCommand: CommandModule<GlobalArgs, Args> = {
  command: 'compare <inputs..>',
  describe: 'compare methods on a probe target: CIs over subjects (seeds pooled) and paired tests vs lssl and none',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'embeddings CSVs or run folders (method and seed from config.json, else --labels); runs of one method with different seeds are pooled',
      })
      .option('target', { type: 'string', demandOption: true, describe: 'column to probe (e.g. diagnosis, age)' })
      .option('features', {
        choices: PROBE_FEATURES as ProbeFeatures[],
        default: 'z' as ProbeFeatures,
        describe: 'probe features: z per scan, delta = Δz/Δt per visit pair, or both',
      })
      .option('folds', {
        type: 'number',
        defaultDescription: '5, or fewer if the smallest class has fewer subjects',
        describe: 'probe folds by subject (fold seed = run seed)',
      })
      .option('reference', {
        type: 'string',
        describe: 'comma list of methods every method is compared with (default: lssl,none where present)',
      })
      .option('focus', {
        type: 'string',
        default: 'lssl',
        describe: 'the method named first in verdict lines against it ("lssl vs ae: +0.12 ...")',
      })
      .option('labels', {
        type: 'string',
        describe: 'comma list, one METHOD[:SEED] per input (overrides config.json; needed for bare CSVs)',
      })
      .option('embeddings', {
        type: 'string',
        default: 'embeddings.csv',
        describe: 'file name of the embeddings inside run folders',
      })
      .option('resamples', {
        type: 'number',
        default: 9999,
        describe: 'bootstrap resamples and random permutations (small cohorts get the exact permutation p)',
      })
      .option('out', { type: 'string', describe: 'folder for compare.csv and verdict.txt' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .example(
        '$0 compare runs/lssl runs/ae runs/none --target diagnosis --features delta --out cmp',
        'diagnosis from Δz: verdict lines, cmp/compare.csv and cmp/verdict.txt',
      )
      .example(
        '$0 compare a.csv b.csv c.csv d.csv --labels lssl:0,lssl:1,ae:0,ae:1 --target age',
        'bare CSVs: two seeds per method, pooled',
      ) as unknown as Argv<Args>,
  handler: async (args) => {
    const labels = args.labels === undefined ? undefined : commaList(args.labels);
    if (labels !== undefined && labels.length !== args.inputs.length)
      throw inputError(`--labels has ${labels.length} label(s) for ${args.inputs.length} input(s): give one per input`);
    if (!Number.isInteger(args.resamples) || args.resamples < 1)
      throw inputError(`--resamples must be a positive integer, not ${args.resamples}`);
    const runs = loadCompareInputs(
      args.inputs.map((path, i) => ({ path, label: labels?.[i] })),
      args.embeddings,
    );
    const references = args.reference === undefined ? undefined : commaList(args.reference);
    const { comparison, predictions } = compareEmbeddings(
      runs,
      { target: args.target, features: args.features, folds: args.folds },
      {
        references,
        bootstrap: { resamples: args.resamples },
        permutation: { resamples: args.resamples },
      },
    );
    const verdict = verdictRows(comparison, { focus: args.focus });
    const verdictText = `${verdict.map((v) => v.text).join('\n')}\n`;
    const files =
      args.out === undefined
        ? undefined
        : { csv: join(args.out, 'compare.csv'), verdict: join(args.out, 'verdict.txt') };
    if (files) {
      await mkdir(args.out!, { recursive: true });
      await writeFileAtomic(files.csv, compareCsv(comparison));
      await writeFileAtomic(files.verdict, verdictText);
    }
    if (args.json)
      return printJson({
        target: args.target,
        features: args.features,
        folds: args.folds,
        ...comparison,
        verdict: verdict.map((v) => v.text),
        files,
      });
    process.stdout.write(
      `'${args.target}' from ${args.features} features: ${comparison.methods.join(', ')}; ${comparison.nSubjects} subjects, seeds ${comparison.seeds.join(', ')}, ${new Set(predictions[0]?.rows.map((r) => r.fold)).size} folds; ${Math.round(comparison.confidence * 100)} % CIs over subjects\n`,
    );
    process.stdout.write(`${estimateLines(comparison).join('\n')}\n${verdictText}`);
    if (files) process.stdout.write(`wrote ${files.csv}\nwrote ${files.verdict}\n`);
  },
};
