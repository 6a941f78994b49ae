/**
 * `lssl bench methods`: seconds per training step of SimCLR, SimSiam, BYOL and DirectPred side
 * by side, in alternating rounds, with each method's ratio to the first (src/bench/methods.ts).
 */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import { benchMethods, DEFAULT_BENCH_METHODS } from '../../src/bench/methods.js';
import { printJson, startBackend, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  methods: string;
  shape: number;
  batch: number;
  steps: number;
  rounds: number;
  json: boolean;
}

/** The methods this bench can feed: two views of random volumes, no labels. */
const VIEW_METHODS: readonly string[] = DEFAULT_BENCH_METHODS;

const loads = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' ');

export const benchMethodsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'methods',
  describe: 's/step of simclr, simsiam, byol, directpred side by side (alternating rounds, ratio to the first)',
  builder: (y) =>
    y
      .option('methods', {
        type: 'string',
        default: DEFAULT_BENCH_METHODS.join(','),
        describe: `comma-separated, the first is the reference (any of ${VIEW_METHODS.join(', ')})`,
      })
      .option('shape', { type: 'number', default: 32, describe: 'voxels per side (multiple of 16)' })
      .option('batch', { type: 'number', default: 8, describe: 'scans per batch, two views each (the demo: 8)' })
      .option('steps', { type: 'number', default: 3, describe: 'timed steps per method and round (after a warm-up)' })
      .option('rounds', { type: 'number', default: 3, describe: 'alternating rounds; medians are reported' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as never,
  handler: async (args) => {
    // --shape, --batch, --steps and --rounds are checked for every command (option-checks.ts)
    if (args.batch < 2) throw inputError(`--batch must be at least 2 (batch norm needs two scans), not ${args.batch}`);
    const methods = args.methods.split(',').map((m) => m.trim());
    const unknown = methods.filter((m) => !VIEW_METHODS.includes(m));
    if (unknown.length > 0 || methods.length === 0)
      throw inputError(`--methods takes ${VIEW_METHODS.join(', ')}, not ${unknown.join(', ') || 'nothing'}`);
    await startBackend(args, args.json);
    const r = benchMethods({ methods, shape: args.shape, batch: args.batch, steps: args.steps, rounds: args.rounds });
    if (args.json) return printJson(r);
    const lines = [
      `training step at ${r.shape}³, batch ${r.batch} scans × 2 views, ${r.steps} steps per method per round, ` +
        `${r.methods[0].rounds.length} alternating rounds (medians), ${r.backend}`,
      `load average (1, 5, 15 min): ${loads(r.load_before)} before, ${loads(r.load_after)} after`,
      `${'method'.padEnd(12)}${'s/step'.padStart(8)}${'CPU-s/step'.padStart(12)}${`× ${r.reference}`.padStart(11)}   per round (s/step)`,
      ...r.methods.map(
        (m) =>
          `${m.method.padEnd(12)}${m.step_s.toFixed(3).padStart(8)}${m.cpu_s_per_step.toFixed(2).padStart(12)}${m.ratio
            .toFixed(2)
            .padStart(11)}   ${m.rounds.map((s) => s.toFixed(3)).join(', ')}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
