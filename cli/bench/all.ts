/**
 * `lssl bench all`: every benchmark of `lssl bench`, one after the other, each in its own
 * process (so one benchmark's heap, threads and compiled kernels cannot slow the next), with
 * the machine's load average before each: the figures a performance note records from one run.
 * `--demo` also times `lssl demo` end to end against its 600 s goal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { inputError, runtimeError } from '../../src/errors.js';
import type { GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  only?: string;
  demo: boolean;
}

/** The demo's wall-time goal on 2 cores (docs/performance.md). */
const DEMO_GOAL_S = 600;

const loadNow = () => loadavg()[0].toFixed(1);

/** Runs `lssl ARGS` in a child process with this process's backend, streaming its output; returns its wall seconds. */
function runLssl(args: readonly string[], backend: string): { seconds: number; status: number | null } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [process.argv[1], ...args, '--backend', backend], { stdio: 'inherit' });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, status: result.status };
}

/**
 * `names` are the other `lssl bench` subcommands, passed in by cli/bench.ts (which lists this
 * command too), so a benchmark added there is run here without a second list.
 */
export function benchAllCommand(names: readonly string[]): CommandModule<GlobalArgs, Args> {
  return {
    command: 'all',
    describe: `every benchmark (${names.join(', ')}) in its own process, with the load average before each`,
    builder: (y) =>
      y.option('only', { type: 'string', describe: `comma-separated subset of ${names.join(', ')}` }).option('demo', {
        type: 'boolean',
        default: false,
        describe: `also time lssl demo end to end (about 8 min) against its ${DEMO_GOAL_S} s goal`,
      }) as never,
    handler: async (args) => {
      const chosen = args.only === undefined ? names : args.only.split(',').map((s) => s.trim());
      const unknown = chosen.filter((n) => !names.includes(n));
      if (unknown.length > 0) throw inputError(`--only takes ${names.join(', ')}, not ${unknown.join(', ')}`);
      const failed: string[] = [];
      for (const name of chosen) {
        process.stdout.write(`\n== lssl bench ${name} (load average ${loadNow()}) ==\n`);
        const { status } = runLssl(['bench', name], args.backend);
        if (status !== 0) failed.push(name);
      }
      if (args.demo) {
        const out = mkdtempSync(join(tmpdir(), 'lssl-bench-demo-'));
        process.stdout.write(`\n== lssl demo (load average ${loadNow()}) ==\n`);
        try {
          const { seconds, status } = runLssl(['demo', '--out', out], args.backend);
          if (status !== 0) failed.push('demo');
          const verdict = seconds <= DEMO_GOAL_S ? 'meets' : 'misses';
          process.stdout.write(`lssl demo: ${seconds.toFixed(0)} s wall (${verdict} the ${DEMO_GOAL_S} s goal)\n`);
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      }
      process.stdout.write(`\nload average at the end ${loadNow()}\n`);
      if (failed.length > 0) throw runtimeError(`${failed.join(', ')} failed (their output is above)`);
    },
  };
}
