/** `lssl demo`: the main job on the built-in phantom cohort (src/demo.ts). */
import type { Argv, CommandModule } from 'yargs';
import { DEMO_METHODS, runDemo } from '../src/demo.js';
import { inputError } from '../src/errors.js';
import { METHOD_NAMES, type MethodName } from '../src/methods.js';
import { createProgressPrinter } from '../src/train/progress.js';
import { printJson, startBackend, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  out: string;
  subjects: number;
  visits: number;
  shape: number;
  epochs: number;
  methods: string;
  labs: boolean;
  seed: number;
  json: boolean;
}

function parseMethods(text: string): MethodName[] {
  const names = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(name))
      throw inputError(`--methods must name methods among ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(name)}`);
  }
  return names as MethodName[];
}

type Summary = Awaited<ReturnType<typeof runDemo>>['summary'];

/** method × (diagnosis balanced accuracy from z and Δz, age r from z): the demo's headline. */
function comparisonTable(summary: Summary): string {
  const cell = (method: string, target: string, features: string, metric: string): string => {
    const row = summary.find((r) => r.method === method && r.target === target && r.features === features);
    const value = row?.metrics[metric];
    return value && value.mean !== null ? `${value.mean.toFixed(3)} ± ${(value.sd ?? 0).toFixed(3)}` : 'n/a';
  };
  const methods = [...new Set(summary.map((r) => r.method))];
  const header = ['method', 'diagnosis bal.acc (z)', 'diagnosis bal.acc (Δz)', 'age r (z)'];
  const rows = methods.map((m) => [
    m,
    cell(m, 'diagnosis', 'z', 'balanced_accuracy'),
    cell(m, 'diagnosis', 'delta', 'balanced_accuracy'),
    cell(m, 'age', 'z', 'r'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
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
      .option('subjects', { type: 'number', default: 24, describe: 'phantom subjects' })
      .option('visits', { type: 'number', default: 3, describe: 'visits per subject' })
      .option('shape', { type: 'number', default: 32, describe: 'voxels per side the networks see (multiple of 16)' })
      .option('epochs', { type: 'number', default: 15, describe: 'pretraining epochs per method' })
      .option('methods', {
        type: 'string',
        default: DEMO_METHODS.join(','),
        describe: 'comma-separated methods to compare',
      })
      .option('labs', { type: 'boolean', default: true, describe: 'run the theory labs (short form) for the report' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the phantom and of every training run' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the result as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    const methods = parseMethods(args.methods);
    const backend = await startBackend(args);
    const log = (message: string) => process.stderr.write(`lssl demo: ${message}\n`);
    const printers = new Map<string, ReturnType<typeof createProgressPrinter>>();
    const result = await runDemo({
      out: args.out,
      subjects: args.subjects,
      visits: args.visits,
      shape: args.shape,
      epochs: args.epochs,
      methods,
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
    process.stdout.write(`${comparisonTable(result.summary)}\n`);
    process.stdout.write(`report: ${result.report}\n`);
    process.stdout.write(
      `finished in ${Math.round(total)} s on ${backend.name} (${Object.entries(result.seconds)
        .map(([k, v]) => `${k} ${v}s`)
        .join(', ')})\n`,
    );
  },
};
