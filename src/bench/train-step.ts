/**
 * `lssl bench train`: pairs per second of lssl's own LSSL training step (src/nn network,
 * LsslMethod loss, the engine's AdamW update) on the active backend, optionally side by side
 * with the same network and step in PyTorch CPU (bench/lssl_step_torch.py), in one run.
 */
import { loadavg } from 'node:os';
import { cpuUsage } from 'node:process';
import * as tf from '@tensorflow/tfjs';
import { simdRuntime } from '../backend/kernels/simd-runtime.js';
import { winogradApplies } from '../backend/kernels/winograd.js';
import { LsslMethod } from '../lssl/lssl.js';
import { runPythonScript } from '../python.js';
import { AdamW } from '../train/adamw.js';
import { createRng } from '../rng.js';
import type { StepContext } from '../train/method.js';
import { startOthersMeter } from './machine-load.js';
import { median } from './process-timing.js';

export interface TrainBenchOptions {
  shape: number;
  batch: number;
  steps: number;
  /** dense latent size, or null for the flattened features (the PyTorch reference's network) */
  latent: number | null;
  /** threads PyTorch may use; 0 skips the PyTorch run */
  torchThreads: number;
  /** also time the encoder forward alone (what `lssl embed` runs), in scans/s */
  embed?: boolean;
  /**
   * rounds of (lssl steps, then PyTorch steps), default 1: on a machine shared with other
   * work, alternating the two and taking the median per-round ratio compares them under
   * the same load
   */
  rounds?: number;
}

/** One round's figures (pairs/s of each side and their ratio). */
export interface BenchRound {
  pairs_per_s: number;
  torch_pairs_per_s?: number;
  ratio?: number;
  /**
   * cores the rest of the machine kept busy while each side was timed (machine-load.ts;
   * undefined off Linux): near 0 on an idle machine; a side that shares its 2 cores with
   * others is slowed down, PyTorch's spinning OpenMP threads most
   */
  others_cores?: number;
  torch_others_cores?: number;
}

export interface TrainBenchResult {
  backend: string;
  /** the conv kernels that ran (simd-runtime.ts), e.g. "relaxed-SIMD FMA, Winograd F(2,3), 2 threads" */
  kernels: string;
  /** 1-minute load average when the bench started (it lags: the per-round others_cores is the better check) */
  load_average: number;
  shape: number;
  batch: number;
  steps: number;
  pairs_per_s: number;
  step_s: number;
  cpu_s_per_step: number;
  max_rss_mib: number;
  torch?: {
    pairs_per_s: number;
    step_s: number;
    cpu_s_per_step: number;
    threads: number;
    torch: string;
    max_rss_mib: number;
    others_cores?: number | null;
  };
  /** lssl pairs/s ÷ PyTorch pairs/s, measured in the same run (median over rounds) */
  ratio_to_torch?: number;
  /**
   * the median ratio over the idle rounds only (others ≤ IDLE_OTHERS_CORES on both sides), and
   * how many there were; absent when no round was idle or off Linux
   */
  idle_ratio?: { ratio: number; rounds: number };
  /** encoder forward only (lssl embed), scans per second at 2 × batch scans per pass */
  embed_scans_per_s?: number;
  /** every round; the figures above are the medians (ratio: median of the per-round ratios) */
  rounds: BenchRound[];
}

/** Cores of other work up to which a round counts as idle (/proc/stat ticks at 10 ms). */
export const IDLE_OTHERS_CORES = 0.1;

/** Whether both sides of a round ran with (almost) nothing else on the machine. */
export function roundIsIdle(r: BenchRound): boolean {
  return (
    r.others_cores !== undefined &&
    r.torch_others_cores !== undefined &&
    r.others_cores <= IDLE_OTHERS_CORES &&
    r.torch_others_cores <= IDLE_OTHERS_CORES
  );
}

/** Scans/s of the encoder forward on x [B, S, S, S, 1] (one warm-up pass, then 3 timed). */
function timeEmbedding(method: LsslMethod, x: tf.Tensor5D): number {
  const pass = (): void => {
    tf.tidy(() => method.encode(x).dataSync());
  };
  pass();
  const reps = 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) pass();
  return (x.shape[0] * reps) / ((performance.now() - t0) / 1000);
}

/** The conv kernels in use, for the report: which build, whether Winograd is on, threads. */
function describeKernels(): string {
  const rt = simdRuntime();
  if (!rt) return 'stock tfjs kernels';
  const build = rt.variant === 'relaxed' ? 'relaxed-SIMD FMA' : 'portable SIMD (mul + add)';
  const winograd = winogradApplies([3, 3, 3], [8, 8, 8], 16, 16) ? 'Winograd F(2,3)' : 'direct only';
  return `${build}, ${winograd}, ${rt.threads} threads`;
}

function randomVolumes(count: number, shape: number, seed: number): tf.Tensor5D {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: count * shape ** 3 }, () => rng.normal());
  return tf.tensor5d(data, [count, shape, shape, shape, 1]);
}

/** One LSSL step as the engine runs it: loss, gradients, AdamW update. */
function step(method: LsslMethod, optimizer: AdamW, earlier: tf.Tensor5D, later: tf.Tensor5D, k: number): number {
  const ctx: StepContext = {
    training: true,
    epoch: 0,
    step: k,
    stepsPerEpoch: 1,
    globalStep: k,
    totalSteps: 1,
    rng: createRng(k),
  };
  const { value, grads } = tf.variableGrads(
    () => method.loss({ kind: 'pairs', earlier, later, items: [] }, ctx).total,
    method.trainableVariables(),
  );
  const loss = value.dataSync()[0];
  optimizer.apply(grads, 1e-4);
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

function runTorch(o: TrainBenchOptions): TrainBenchResult['torch'] {
  const out = runPythonScript('lssl_step_torch.py', [
    '--shape',
    String(o.shape),
    '--batch',
    String(o.batch),
    '--steps',
    String(o.steps),
    '--threads',
    String(o.torchThreads),
    '--arch',
    'lssl',
  ]);
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function benchTrainStep(o: TrainBenchOptions): Promise<TrainBenchResult> {
  const method = new LsslMethod({ network: { inputShape: o.shape, latentSize: o.latent, seed: 0 } });
  const optimizer = new AdamW(
    method.variables().filter((v) => v.trainable),
    { weightDecay: 1e-5 },
  );
  const earlier = randomVolumes(o.batch, o.shape, 1);
  const later = randomVolumes(o.batch, o.shape, 2);
  try {
    step(method, optimizer, earlier, later, 0); // warm-up: kernels, workers, allocation
    const before = tf.memory().numTensors;
    const rounds: BenchRound[] = [];
    const lssl: { step_s: number; cpu_s: number }[] = [];
    const torch: NonNullable<TrainBenchResult['torch']>[] = [];
    let k = 1;
    const loadAverage = loadavg()[0];
    for (let r = 0; r < Math.max(1, o.rounds ?? 1); r++) {
      const others = startOthersMeter();
      const cpu0 = cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < o.steps; i++, k++) step(method, optimizer, earlier, later, k);
      const stepSeconds = (performance.now() - t0) / 1000 / o.steps;
      const cpu = cpuUsage(cpu0);
      // worker threads' CPU time is included: they run inside this process
      lssl.push({ step_s: stepSeconds, cpu_s: (cpu.user + cpu.system) / 1e6 / o.steps });
      const round: BenchRound = { pairs_per_s: o.batch / stepSeconds, others_cores: others.stop() };
      if (o.torchThreads > 0) {
        const t = runTorch(o)!;
        torch.push(t);
        round.torch_pairs_per_s = t.pairs_per_s;
        round.ratio = round.pairs_per_s / t.pairs_per_s;
        round.torch_others_cores = t.others_cores ?? undefined;
      }
      rounds.push(round);
    }
    if (tf.memory().numTensors !== before)
      throw new Error(`the step leaks tensors (${before} → ${tf.memory().numTensors})`);
    const stepSeconds = median(lssl.map((l) => l.step_s));
    const result: TrainBenchResult = {
      backend: tf.getBackend(),
      kernels: describeKernels(),
      load_average: loadAverage,
      shape: o.shape,
      batch: o.batch,
      steps: o.steps,
      pairs_per_s: o.batch / stepSeconds,
      step_s: stepSeconds,
      cpu_s_per_step: median(lssl.map((l) => l.cpu_s)),
      max_rss_mib: process.resourceUsage().maxRSS / 1024,
      rounds,
    };
    if (o.embed) {
      const scans = tf.concat([earlier, later], 0) as tf.Tensor5D;
      result.embed_scans_per_s = timeEmbedding(method, scans);
      scans.dispose();
    }
    if (torch.length > 0) {
      const torchStep = median(torch.map((t) => t.step_s));
      result.torch = {
        ...torch[0],
        pairs_per_s: o.batch / torchStep,
        step_s: torchStep,
        cpu_s_per_step: median(torch.map((t) => t.cpu_s_per_step)),
        max_rss_mib: Math.max(...torch.map((t) => t.max_rss_mib)),
      };
      result.ratio_to_torch = median(rounds.map((r) => r.ratio!));
      const idle = rounds.filter(roundIsIdle);
      if (idle.length > 0) result.idle_ratio = { ratio: median(idle.map((r) => r.ratio!)), rounds: idle.length };
    }
    return result;
  } finally {
    tf.dispose([earlier, later]);
    optimizer.dispose();
    method.dispose();
  }
}
