/** `lssl bench startup`: how long commands that need no TensorFlow.js take to start and finish. */
import type { CommandModule } from 'yargs';
import { inputError } from '../../src/errors.js';
import type { StartupBenchResult } from '../../src/bench/startup.js';
import { printJson, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  runs: number;
  json: boolean;
}

function printReport(result: StartupBenchResult): void {
  const floor = result.timings[0].medianMs;
  const [before, after] = result.loadAverage;
  const lines = [
    `start-up: median wall time of ${result.runs} runs each, taking turns (load average ${before.toFixed(1)} → ${after.toFixed(1)})`,
  ];
  for (const t of result.timings) {
    const overFloor = t === result.timings[0] ? '(the floor)' : `${(t.medianMs - floor).toFixed(0)} ms above node`;
    const verdict =
      t.targetMs === undefined ? '' : `  ${t.medianMs <= t.targetMs ? 'meets' : 'misses'} the ${t.targetMs} ms target`;
    lines.push(
      `${t.label.padEnd(16)}${t.medianMs.toFixed(0).padStart(6)} ms (min ${t.minMs.toFixed(0)}), ${overFloor}${verdict}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const benchStartupCommand: CommandModule<GlobalArgs, Args> = {
  command: 'startup',
  describe: 'time lssl --version, --help and info FILE as fresh processes, beside node -e 0',
  builder: (y) =>
    y
      .option('runs', { type: 'number', default: 9, describe: 'timed runs per command (median reported)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    if (!Number.isInteger(args.runs) || args.runs < 1)
      throw inputError(`--runs must be a positive integer, not ${args.runs}`);
    const { benchStartup } = await import('../../src/bench/startup.js');
    const result = await benchStartup({ runs: args.runs, log: (line) => process.stderr.write(`${line}\n`) });
    if (args.json) return printJson(result);
    printReport(result);
  },
};
