/**
 * Start-up benchmark (issue 14): wall time of `lssl --version`, `lssl --help` and
 * `lssl info FILE` (FILE a 256×256×176 int16 .nii.gz) as fresh processes, beside
 * `node -e 0`, the floor no command can go below. The commands take turns, one run each
 * per round, so load from other work on the machine hits all alike; medians are reported.
 * None of these commands loads TensorFlow.js (test/cli/lazy-loading.test.ts checks it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledCli, median, timeProcess } from './process-timing.js';
import { pythonHasNibabelScipy, writeBenchFiles } from './preprocess.js';

/** Targets of issue 14, ms of wall time on an idle machine. */
export const STARTUP_TARGETS_MS = { '--version': 300, '--help': 300, 'info FILE': 500 } as const;

export interface StartupTiming {
  /** what was run, as a user types it */
  label: string;
  medianMs: number;
  minMs: number;
  runsMs: number[];
  /** issue 14's target for this command, if it has one */
  targetMs?: number;
}

export interface StartupBenchResult {
  runs: number;
  /** `node -e 0` first, then the lssl commands */
  timings: StartupTiming[];
  /** load average (1 min) when the benchmark started and when it ended */
  loadAverage: [number, number];
}

/**
 * Runs every command `runs` times (after one untimed warm-up round that fills the file
 * cache) in a fresh temporary folder, removed afterwards.
 */
export async function benchStartup(
  options: { runs?: number; log?: (line: string) => void } = {},
): Promise<StartupBenchResult> {
  const runs = options.runs ?? 9;
  const log = options.log ?? (() => {});
  const cli = compiledCli();
  const loadStart = loadavg()[0];
  const folder = mkdtempSync(join(tmpdir(), 'lssl-bench-startup-'));
  try {
    const file = join(folder, 'T1w.nii.gz');
    await writeBenchFiles([file], pythonHasNibabelScipy());
    const cases: { label: string; args: string[]; targetMs?: number }[] = [
      { label: 'node -e 0', args: ['-e', '0'] },
      { label: 'lssl --version', args: [cli, '--version'], targetMs: STARTUP_TARGETS_MS['--version'] },
      { label: 'lssl --help', args: [cli, '--help'], targetMs: STARTUP_TARGETS_MS['--help'] },
      { label: 'lssl info FILE', args: [cli, 'info', file], targetMs: STARTUP_TARGETS_MS['info FILE'] },
    ];
    const times = cases.map(() => [] as number[]);
    log(`${runs} rounds (+1 warm-up) of ${cases.map((c) => c.label).join(', ')}, taking turns`);
    for (let round = 0; round <= runs; round++) {
      cases.forEach((c, n) => {
        const run = timeProcess(process.execPath, c.args);
        if (run.code !== 0) throw new Error(`${c.label} failed (exit ${run.code}): ${run.stderr.trim()}`);
        if (round > 0) times[n].push(run.wallMs);
      });
    }
    return {
      runs,
      timings: cases.map((c, n) => ({
        label: c.label,
        medianMs: median(times[n]),
        minMs: Math.min(...times[n]),
        runsMs: times[n],
        ...(c.targetMs !== undefined && { targetMs: c.targetMs }),
      })),
      loadAverage: [loadStart, loadavg()[0]],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
