/** `lssl demo`: the main job on the built-in phantom cohort (src/demo.ts). */
import type { Argv, CommandModule } from 'yargs';
import { ALL_DEMO_METHODS, DEMO_METHODS, DEMO_SUBJECTS, demoMethods, runDemo } from '../src/demo.js';
import type { CompareMetric } from '../src/eval/compare/compare.js';
import { verdictRows } from '../src/eval/compare/verdict.js';
import { createProgressPrinter } from '../src/train/progress.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  out: string;
  subjects: number;
  visits: number;
  shape: number;
  epochs: number;
  methods: string;
  seeds: number;
  resamples: number;
  labs: boolean;
  seed: number;
  json: boolean;
}

type DemoResult = Awaited<ReturnType<typeof runDemo>>;

/** The headline cells: [target, features, metric, column title]. */
const HEADLINE: [string, string, CompareMetric, string][] = [
  ['diagnosis', 'delta', 'balanced_accuracy', 'diagnosis bal.acc (Δz)'],
  ['diagnosis', 'z', 'balanced_accuracy', 'diagnosis bal.acc (z)'],
  ['age', 'z', 'r', 'age r (z)'],
];

/** method × headline metric, each "estimate [95 % CI]" over subjects with seeds pooled. */
export function comparisonTable(comparisons: DemoResult['comparisons']): string {
  const methods = [...new Set(comparisons.flatMap((c) => c.comparison?.methods ?? []))];
  const cell = (method: string, [target, features, metric]: (typeof HEADLINE)[number]): string => {
    const found = comparisons.find((c) => c.target === target && c.features === features)?.comparison;
    const m = found?.metrics.find((x) => x.method === method && x.metric === metric);
    return m && Number.isFinite(m.estimate)
      ? `${m.estimate.toFixed(2)} [${m.low.toFixed(2)}, ${m.high.toFixed(2)}]`
      : 'n/a';
  };
  const header = ['method', ...HEADLINE.map((h) => h[3])];
  const rows = methods.map((m) => [m, ...HEADLINE.map((h) => cell(m, h))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The verdict lines of the headline: diagnosis balanced accuracy from Δz, then age r from z. */
export function headlineVerdict(comparisons: DemoResult['comparisons']): string[] {
  return [HEADLINE[0], HEADLINE[2]].flatMap(([target, features, metric]) => {
    const found = comparisons.find((c) => c.target === target && c.features === features)?.comparison;
    if (!found) return [];
    return [
      `${target} from ${features === 'delta' ? 'Δz' : features}:`,
      ...verdictRows(found, { metrics: [metric] }).map((v) => `  ${v.text}`),
    ];
  });
}

export const demoCommand: CommandModule<GlobalArgs, Args> = {
  command: 'demo',
  describe: 'simulate a phantom cohort → pretrain every method → embed → probe → report.html',
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        default: 'lssl-demo',
        describe: 'output folder (cohort, cache, runs, labs, report)',
      })
      .option('subjects', { type: 'number', default: DEMO_SUBJECTS, describe: 'phantom subjects' })
      .option('visits', { type: 'number', default: 3, describe: 'visits per subject' })
      .option('shape', { type: 'number', default: 32, describe: 'voxels per side the networks see (multiple of 16)' })
      .option('epochs', { type: 'number', default: 15, describe: 'pretraining epochs per method' })
      .option('methods', {
        type: 'string',
        default: DEMO_METHODS.join(','),
        describe: `comma-separated methods to compare, or 'all' (${ALL_DEMO_METHODS.join(', ')})`,
      })
      .option('seeds', {
        type: 'number',
        default: 1,
        describe: 'training seeds per method (seed, seed + 1, ...); the comparison pools them',
      })
      .option('resamples', {
        type: 'number',
        default: 9999,
        describe: 'bootstrap resamples and random permutations of the comparison',
      })
      .option('labs', { type: 'boolean', default: true, describe: 'run the theory labs (short form) for the report' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the phantom and of every training run' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the result as one JSON object',
      })
      .example(
        '$0 demo',
        `${DEMO_SUBJECTS} subjects, ${DEMO_METHODS.join(', ')}: verdict lines and lssl-demo/report/report.html`,
      )
      .example(
        '$0 demo --methods all --seeds 3',
        'all nine methods, three seeds each, pooled in the comparison',
      ) as unknown as Argv<Args>,
  handler: async (args) => {
    const methods = demoMethods(args.methods);
    const backend = await startBackend(args);
    const log = (message: string) => process.stderr.write(`demo: ${message}\n`);
    const printers = new Map<string, ReturnType<typeof createProgressPrinter>>();
    const result = await runDemo({
      out: args.out,
      subjects: args.subjects,
      visits: args.visits,
      shape: args.shape,
      epochs: args.epochs,
      methods,
      seeds: args.seeds,
      resamples: args.resamples,
      labs: args.labs,
      seed: args.seed,
      log,
      onTrainProgress: (method, event) => {
        if (!printers.has(method)) printers.set(method, createProgressPrinter(process.stderr));
        printers.get(method)!(event);
      },
    });
    if (args.json) return printJson({ ...result, backend: backend.name });
    const total = Object.values(result.seconds).reduce((a, b) => a + b, 0);
    process.stdout.write(`${comparisonTable(result.comparisons)}\n${headlineVerdict(result.comparisons).join('\n')}\n`);
    process.stdout.write(`report: ${result.report}\n`);
    process.stdout.write(
      `finished in ${Math.round(total)} s on ${backend.name} (${Object.entries(result.seconds)
        .map(([k, v]) => `${k} ${v}s`)
        .join(', ')})\n`,
    );
  },
};
