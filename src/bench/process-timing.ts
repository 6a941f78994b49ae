/**
 * Timing whole processes for the end-to-end benchmarks (`lssl bench startup`, the
 * preprocess comparison): wall time from spawn to exit, and the child's CPU time from
 * Linux's /proc/self/stat (cutime + cstime count every waited-for child, all its threads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runtimeError } from '../errors.js';

export interface ProcessRun {
  wallMs: number;
  /** user + system CPU of the child, ms (10 ms resolution); null where /proc is not available */
  cpuMs: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux Node runs on). */
const USER_HZ = 100;

/** CPU time of this process's finished children, ms, or null without /proc. */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after the command name (which may hold spaces) start at state, field 3
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime + cstime) ? ((cutime + cstime) * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/** Runs `command args` to its end and times it. */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): ProcessRun {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  return {
    wallMs,
    cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? (r.error ? String(r.error) : ''),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall and CPU time of several runs, and every run's wall time. */
export interface ProcessTimes {
  wallMs: number;
  /** null where /proc is not available */
  cpuMs: number | null;
  runsMs: number[];
}

export function summariseRuns(runs: readonly ProcessRun[]): ProcessTimes {
  const cpu = runs.map((r) => r.cpuMs);
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: cpu.every((c): c is number => c !== null) ? median(cpu) : null,
    runsMs: runs.map((r) => r.wallMs),
  };
}

/** The compiled `lssl` entry (dist/cli/lssl.js), as `npx lssl` runs it. */
export function compiledCli(): string {
  // this module is dist/src/bench/process-timing.js once built
  const path = fileURLToPath(new URL('../../cli/lssl.js', import.meta.url));
  if (!existsSync(path)) throw runtimeError(`the compiled CLI ${path} is missing: run npm run build`);
  return path;
}
