/**
 * `lssl bench methods`: seconds per training step of the contrastive methods side by side in
 * one run (default SimCLR, SimSiam, BYOL, DirectPred at 32³, the demo's shape and batch), each
 * as the engine runs it (src/train/engine.ts): loss, gradients, AdamW, then afterStep (batch-norm
 * statistics, BYOL's and DirectPred's EMA target). Data loading and augmentation, the same for
 * every method, are left out: the views are fixed random volumes.
 *
 * On a shared machine the load changes within a minute, so the methods take turns: each round
 * times every method once, a method's ratio to the reference (SimCLR) is taken per round, and
 * the figures reported are medians over rounds, with the load average before and after.
 */
import { loadavg } from 'node:os';
import { cpuUsage } from 'node:process';
import * as tf from '@tensorflow/tfjs';
import { createMethod } from '../methods.js';
import { createRng } from '../rng.js';
import { AdamW } from '../train/adamw.js';
import type { Method, StepContext } from '../train/method.js';
import { median } from './process-timing.js';

export const DEFAULT_BENCH_METHODS = ['simclr', 'simsiam', 'byol', 'directpred'] as const;

export interface MethodsBenchOptions {
  /** methods to time; the first is the reference of the ratios */
  methods: readonly string[];
  /** voxels per side (multiple of 16) */
  shape: number;
  /** scans per batch (two views each) */
  batch: number;
  /** timed steps per method and round (after one warm-up step) */
  steps: number;
  /** alternating rounds */
  rounds: number;
  /** learning rate of AdamW (the engine's default 1e-3) */
  learningRate?: number;
}

export interface MethodTiming {
  method: string;
  /** median over rounds of the mean step time in the round */
  step_s: number;
  /** median CPU seconds per step (worker threads included) */
  cpu_s_per_step: number;
  /** median over rounds of step_s / the reference's step_s in the same round */
  ratio: number;
  /** step_s of every round */
  rounds: number[];
}

export interface MethodsBenchResult {
  backend: string;
  shape: number;
  batch: number;
  steps: number;
  reference: string;
  /** 1-, 5- and 15-minute load averages before and after the timed rounds */
  load_before: number[];
  load_after: number[];
  methods: MethodTiming[];
}

function randomViews(count: number, shape: number, seed: number): tf.Tensor5D {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: count * shape ** 3 }, () => rng.normal());
  return tf.tensor5d(data, [count, shape, shape, shape, 1]);
}

/** A method with its optimizer and a step counter. */
interface Contender {
  name: string;
  method: Method;
  optimizer: AdamW;
  step: number;
}

/** One training step as the engine runs it, on fixed views. */
function trainStep(c: Contender, view1: tf.Tensor5D, view2: tf.Tensor5D, learningRate: number): void {
  const ctx: StepContext = {
    training: true,
    epoch: 0,
    step: c.step,
    stepsPerEpoch: 1000,
    globalStep: c.step,
    totalSteps: 1000,
    rng: createRng(c.step),
  };
  const { value, grads } = tf.variableGrads(
    () => c.method.loss({ kind: 'views', view1, view2, items: [] }, ctx).total,
    c.method.trainableVariables(),
  );
  value.dataSync();
  c.optimizer.apply(grads, learningRate);
  tf.dispose([value, ...Object.values(grads)]);
  c.method.afterStep?.(ctx);
  c.step++;
}

export function benchMethods(o: MethodsBenchOptions): MethodsBenchResult {
  const learningRate = o.learningRate ?? 1e-3;
  const view1 = randomViews(o.batch, o.shape, 1);
  const view2 = randomViews(o.batch, o.shape, 2);
  const contenders: Contender[] = [];
  try {
    for (const name of o.methods) {
      const method = createMethod(name, { network: { inputShape: o.shape, seed: 0 } });
      const optimizer = new AdamW(
        method.variables().filter((v) => v.trainable),
        { weightDecay: 1e-5 },
      );
      contenders.push({ name, method, optimizer, step: 0 });
    }
    for (const c of contenders) trainStep(c, view1, view2, learningRate); // warm-up
    const before = tf.memory().numTensors;
    const load_before = loadavg();
    const times = contenders.map(() => [] as { step_s: number; cpu_s: number }[]);
    for (let r = 0; r < o.rounds; r++) {
      contenders.forEach((c, k) => {
        const cpu0 = cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < o.steps; i++) trainStep(c, view1, view2, learningRate);
        const cpu = cpuUsage(cpu0);
        times[k].push({
          step_s: (performance.now() - t0) / 1000 / o.steps,
          cpu_s: (cpu.user + cpu.system) / 1e6 / o.steps,
        });
      });
    }
    const load_after = loadavg();
    if (tf.memory().numTensors !== before)
      throw new Error(`the steps leak tensors (${before} → ${tf.memory().numTensors})`);
    const reference = times[0];
    return {
      backend: tf.getBackend(),
      shape: o.shape,
      batch: o.batch,
      steps: o.steps,
      reference: contenders[0].name,
      load_before,
      load_after,
      methods: contenders.map((c, k) => ({
        method: c.name,
        step_s: median(times[k].map((t) => t.step_s)),
        cpu_s_per_step: median(times[k].map((t) => t.cpu_s)),
        ratio: median(times[k].map((t, r) => t.step_s / reference[r].step_s)),
        rounds: times[k].map((t) => t.step_s),
      })),
    };
  } finally {
    tf.dispose([view1, view2]);
    for (const c of contenders) {
      c.optimizer.dispose();
      c.method.dispose();
    }
  }
}
