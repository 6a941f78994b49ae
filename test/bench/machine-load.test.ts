/**
 * machine-load.ts: the busy time parsed from /proc/stat (checked by hand on a sample line),
 * the others' cores arithmetic, a live measurement that sees a second process' work, and which
 * bench rounds count as idle.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { machineBusySeconds, othersCores, startOthersMeter } from '../../src/bench/machine-load.js';
import { IDLE_OTHERS_CORES, roundIsIdle } from '../../src/bench/train-step.js';

describe('machineBusySeconds', () => {
  it('sums user, nice, system, irq, softirq and steal (not idle, iowait) in USER_HZ', () => {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  1000 20 300 90000 500 7 13 60 0 0\ncpu0 500 10 150 45000 250 3 6 30 0 0\n';
    expect(machineBusySeconds(stat)).toBeCloseTo((1000 + 20 + 300 + 7 + 13 + 60) / 100, 10);
  });

  it('returns undefined without a cpu line', () => {
    expect(machineBusySeconds('intr 5\n')).toBeUndefined();
  });
});

describe('othersCores', () => {
  it('is (machine busy − own CPU) / wall time, never negative', () => {
    expect(othersCores(3, 1, 2)).toBe(1);
    expect(othersCores(1, 1.02, 1)).toBe(0); // 10 ms counter granularity
    expect(othersCores(1, 0, 0)).toBe(0);
  });
});

describe('startOthersMeter', () => {
  it.runIf(process.platform === 'linux')('sees a busy child process as other load', async () => {
    const meter = startOthersMeter();
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 600) {}']);
    await new Promise((resolve) => child.on('exit', resolve));
    const cores = meter.stop()!;
    // the child spun ≈ 0.6 s of ≈ 0.6–0.8 s wall time (plus whatever else runs here)
    expect(cores).toBeGreaterThan(0.4);
  });
});

describe('roundIsIdle', () => {
  it('needs both sides at or below IDLE_OTHERS_CORES, and both measured', () => {
    const r = { pairs_per_s: 4, torch_pairs_per_s: 3, ratio: 4 / 3 };
    expect(roundIsIdle({ ...r, others_cores: 0.01, torch_others_cores: IDLE_OTHERS_CORES })).toBe(true);
    expect(roundIsIdle({ ...r, others_cores: 0.01, torch_others_cores: 0.5 })).toBe(false);
    expect(roundIsIdle({ ...r, others_cores: 1, torch_others_cores: 0 })).toBe(false);
    expect(roundIsIdle({ ...r, others_cores: 0 })).toBe(false);
  });
});
