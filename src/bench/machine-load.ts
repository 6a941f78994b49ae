/**
 * How busy the rest of the machine was while a benchmark ran: the CPU time every process
 * used (Linux /proc/stat) minus this process' own, in cores. A side-by-side timing is only
 * meaningful when this is near 0 for both sides; the load average cannot tell, since it
 * counts the benchmark itself and lags by a minute.
 */
import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';

/** /proc/stat counts in USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

/** Busy CPU-seconds of the whole machine since boot (user, nice, system, irq, softirq, steal), or undefined off Linux. */
export function machineBusySeconds(stat?: string): number | undefined {
  let text = stat;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/stat', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) / USER_HZ;
}

/** A running measurement: `stop()` gives the cores other processes kept busy on average (undefined off Linux). */
export interface OthersMeter {
  stop(): number | undefined;
}

/**
 * Starts measuring the CPU other processes use: the machine's busy time minus this
 * process' (worker threads included), divided by the wall-clock time. Start it after any
 * child process has exited (a child's CPU would count as others').
 */
export function startOthersMeter(): OthersMeter {
  const busy0 = machineBusySeconds();
  const own0 = cpuUsage();
  const t0 = performance.now();
  return {
    stop: () => {
      const busy1 = machineBusySeconds();
      if (busy0 === undefined || busy1 === undefined) return undefined;
      const own = cpuUsage(own0);
      const wall = (performance.now() - t0) / 1000;
      return othersCores(busy1 - busy0, (own.user + own.system) / 1e6, wall);
    },
  };
}

/** Cores used by others = (machine busy − own CPU) / wall, clamped at 0 (the counters tick at 10 ms). */
export function othersCores(machineBusy: number, ownCpu: number, wallSeconds: number): number {
  if (!(wallSeconds > 0)) return 0;
  return Math.max(0, (machineBusy - ownCpu) / wallSeconds);
}
