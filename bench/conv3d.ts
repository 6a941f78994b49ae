/**
 * Side-by-side benchmark of the LSSL training step (bench/lssl-step.ts): stock tfjs kernels,
 * the SIMD Conv3D kernels (src/backend/kernels), and PyTorch CPU (bench/lssl_step_torch.py
 * via /usr/bin/python3), printing pairs/s and the ratios.
 *
 *   npm run build && node dist/bench/conv3d.js [--shape 64] [--batch 4] [--steps 3]
 *       [--stock-steps 1] [--no-torch] [--torch-threads 2] [--backend wasm|cpu]
 *       [--profile] [--embed] [--json]
 *
 * --stock-steps 0 skips the stock kernels (≈ 100 s per step at 64³ batch 4).
 * --profile prints the time per kernel of one fast step (tf.profile).
 * --embed also times the encoder forward alone (scans/s, as `lssl embed` runs it).
 * Peak memory is the process' max RSS (run it alone, e.g. --batch 8 --stock-steps 0).
 * CPU-s/step (all threads) is printed next to wall-clock time: on a machine shared with other
 * work the wall-clock ratio to PyTorch drifts with the load, the CPU-time ratio much less.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerFastKernels, unregisterFastKernels, type FastKernelBackend } from '../src/backend/kernels/index.js';
import { runPythonScript } from '../src/python.js';
import { simdRuntime } from '../src/backend/kernels/simd-runtime.js';
import { createModel, encode, randomPairs, trainStep } from '../src/bench/lssl-step.js';

interface Options {
  shape: number;
  batch: number;
  steps: number;
  stockSteps: number;
  torch: boolean;
  torchThreads: number;
  backend: FastKernelBackend;
  profile: boolean;
  embed: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    shape: 64,
    batch: 4,
    steps: 3,
    stockSteps: 1,
    torch: true,
    torchThreads: 2,
    backend: 'wasm',
    profile: false,
    embed: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i] ?? '';
    if (a === '--shape') o.shape = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--stock-steps') o.stockSteps = Number(next());
    else if (a === '--torch-threads') o.torchThreads = Number(next());
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--backend') o.backend = next() as FastKernelBackend;
    else if (a === '--profile') o.profile = true;
    else if (a === '--embed') o.embed = true;
    else if (a === '--json') o.json = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (o.shape % 16 !== 0) throw new Error(`--shape must be a multiple of 16, not ${o.shape}`);
  return o;
}

/** Wall-clock and CPU (all threads) seconds per step over `steps` steps after `warmup` untimed ones. */
function timeSteps(o: Options, steps: number, warmup: number): { wall: number; cpu: number } {
  const model = createModel(1, 16 * (o.shape / 16) ** 3);
  const optimizer = tf.train.adam(1e-4);
  const [xs, xt] = randomPairs(o.batch, o.shape);
  for (let i = 0; i < warmup; i++) trainStep(model, optimizer, xs, xt);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) trainStep(model, optimizer, xs, xt);
  const c1 = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000 / steps;
  tf.dispose([xs, xt, ...model.weights, model.tau]);
  optimizer.dispose();
  return { wall, cpu: (c1.user + c1.system) / 1e6 / steps };
}

/** Milliseconds per kernel name over one step, largest first. */
async function profileStep(o: Options): Promise<[string, number][]> {
  const model = createModel(1, 16 * (o.shape / 16) ** 3);
  const optimizer = tf.train.adam(1e-4);
  const [xs, xt] = randomPairs(o.batch, o.shape);
  trainStep(model, optimizer, xs, xt);
  const info = await tf.profile(() => {
    trainStep(model, optimizer, xs, xt);
  });
  const totals = new Map<string, number>();
  for (const k of info.kernels) totals.set(k.name, (totals.get(k.name) ?? 0) + (Number(k.kernelTimeMs) || 0));
  tf.dispose([xs, xt, ...model.weights, model.tau]);
  optimizer.dispose();
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** Scans per second of the encoder forward alone. */
function timeEmbed(o: Options): number {
  const model = createModel(1, 16 * (o.shape / 16) ** 3);
  const [x] = randomPairs(o.batch, o.shape);
  tf.tidy(() => encode(model, x).dataSync());
  const reps = 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => encode(model, x).dataSync());
  const seconds = (performance.now() - t0) / 1000 / reps;
  tf.dispose([x, ...model.weights, model.tau]);
  return o.batch / seconds;
}

function runTorch(
  o: Options,
): { pairs_per_s: number; cpu_s_per_step: number; torch: string; max_rss_mib?: number } | { error: string } {
  try {
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
      'bench',
    ]);
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  tf.enableProdMode();
  await tf.setBackend(o.backend);
  await tf.ready();
  const log = (line: string): void => {
    if (!o.json) process.stdout.write(`${line}\n`);
  };
  log(`LSSL step, ${o.shape}³, batch ${o.batch} pairs (${2 * o.batch} volumes), backend ${o.backend}`);
  const result: Record<string, unknown> = { shape: o.shape, batch: o.batch, backend: o.backend };

  if (o.stockSteps > 0) {
    unregisterFastKernels(o.backend);
    const { wall: s, cpu } = timeSteps(o, o.stockSteps, 0);
    result.stock = { step_s: s, cpu_s_per_step: cpu, pairs_per_s: o.batch / s };
    log(
      `  stock tfjs kernels : ${(o.batch / s).toFixed(3)} pairs/s (${s.toFixed(1)} s/step, ${cpu.toFixed(1)} CPU-s/step)`,
    );
  }

  if (!(await registerFastKernels(o.backend)))
    throw new Error('fast kernels unavailable: run node src/backend/kernels/build-kernels.mjs');
  const threads = simdRuntime()?.threads ?? 1;
  const { wall: fast, cpu: fastCpu } = timeSteps(o, o.steps, 1);
  result.fast = { step_s: fast, cpu_s_per_step: fastCpu, pairs_per_s: o.batch / fast, threads };
  log(
    `  fast SIMD kernels  : ${(o.batch / fast).toFixed(3)} pairs/s (${fast.toFixed(2)} s/step, ${fastCpu.toFixed(1)} CPU-s/step, ${threads} threads)`,
  );
  if (o.embed) {
    const scans = timeEmbed(o);
    result.embed_scans_per_s = scans;
    log(`  encoder forward    : ${scans.toFixed(2)} scans/s (embed)`);
  }
  if (o.profile) {
    const kernels = await profileStep(o);
    const total = kernels.reduce((a, [, ms]) => a + ms, 0);
    result.profile_ms = Object.fromEntries(kernels);
    log(`  profile of one fast step (kernel ms, ${total.toFixed(0)} ms total):`);
    for (const [name, ms] of kernels.slice(0, 14))
      log(`    ${name.padEnd(26)} ${ms.toFixed(0).padStart(7)}  ${((100 * ms) / total).toFixed(1)}%`);
  }

  if (o.torch) {
    const t = runTorch(o);
    result.torch = t;
    if ('error' in t) log(`  PyTorch CPU        : unavailable (${t.error})`);
    else {
      log(
        `  PyTorch ${t.torch} CPU : ${t.pairs_per_s.toFixed(3)} pairs/s (${(o.batch / t.pairs_per_s).toFixed(2)} s/step, ${t.cpu_s_per_step.toFixed(1)} CPU-s/step, ${o.torchThreads} threads, peak RSS ${t.max_rss_mib?.toFixed(0) ?? '?'} MiB)`,
      );
      log(
        `  ratio fast / PyTorch: ${(o.batch / fast / t.pairs_per_s).toFixed(2)} (pairs/s), ${(t.cpu_s_per_step / fastCpu).toFixed(2)} (CPU time per step)`,
      );
    }
  }
  if (result.stock)
    log(`  ratio fast / stock  : ${((result.stock as { step_s: number }).step_s / fast).toFixed(1)}× (pairs/s)`);
  result.max_rss_mib = process.resourceUsage().maxRSS / 1024;
  log(`  peak RSS of this process: ${(result.max_rss_mib as number).toFixed(0)} MiB`);
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
